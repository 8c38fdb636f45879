# SPDX-License-Identifier: ISC
# A build that writes into a watched folder, as `go build -o server .`
# does with watch = . (it writes server-go-tmp-umask, then renames it over
# server): the program being started never reloads the child itself, and
# a file the build writes besides it makes a loop that stops after three
# rounds, naming the file and the ignore = line to add. A change of the
# user's still reloads, once.
. tests/system/lib.sh

mkdir -p "$T/app"
echo 'package main' > "$T/app/main.go"

# 1. The build writes only the program: no reload at all.
cat > "$T/app/ports.ini" << EOF
[socket.http]
listen = 127.0.0.1:0
[child]
build = rm -f server && cp "$ECHO" server
command = ./server
watch = .
EOF
hp_start -v -c "$T/app/ports.ini"
wait_port http > /dev/null
wait_until 10 at_least 1 'started pid' || fail "no start: $(cat "$T/hp.log")"
wait_until 10 watching "$HP_PID"
touch "$T/app/main.go"
wait_until 10 at_least 1 'main.go changed, build ok' ||
	fail "main.go: no reload: $(cat "$T/hp.log")"
# the build of that reload wrote server again: it must reload nothing
echo x >> "$T/app/main.go"
wait_until 10 at_least 2 'main.go changed, build ok' ||
	fail "main.go: no second reload"
if [ "$(count 'restarted pid')" -eq 2 ] && ! grep -q '/app/server changed,' "$T/hp.log" &&
    grep -q '/app/server changed: not reloading for it' "$T/hp.log"; then
	ok "the program a build writes reloads nothing"
else
	fail "program written by the build: $(cat "$T/hp.log")"
fi
kill -TERM "$HP_PID"
wait "$HP_PID"
HP_PID=

# 2. The build also writes another file: a loop, stopped. The first
# build writes the program alone (a build may end before the watches are
# set, under valgrind well before); the file "loop", made once they are,
# is the user's change that starts it. The other file stays: a temporary
# that a build makes and renames away between two reads of the file
# events was born and gone for holdports, and is not a change at all
# (how Go's own temporary passes unseen when holdports reads late, as
# under valgrind), which no test can time.
cat > "$T/app/ports.ini" << EOF
[socket.http]
listen = 127.0.0.1:0
[child]
build = if [ -f loop ]; then cp "$ECHO" server-go-tmp-umask; fi; rm -f server && cp "$ECHO" server
command = ./server
watch = .
EOF
hp_start -v -c "$T/app/ports.ini"
wait_port http > /dev/null
wait_until 10 at_least 1 'started pid' || fail "no start: $(cat "$T/hp.log")"
wait_until 10 watching "$HP_PID"
touch "$T/app/loop"
want="server-go-tmp-umask changed while each of the last 3 builds ran, and each time reloaded the child, which builds again: the build writes into a watched folder. Not reloading for what a build writes there any more; to say so in the configuration, add to \[child\]: ignore = server-go-tmp-umask (or list it in .gitignore)"
if wait_until 10 grep -q "$want" "$T/hp.log"; then
	ok "the build loop stops after three rounds: $(grep 'each of the last' "$T/hp.log")"
else
	fail "no loop found: $(cat "$T/hp.log")"
fi
# The change of "loop" and the rounds reload; once the loop is stopped,
# nothing more. A round is a build, not always a reload line: a change
# that comes during a build makes it build again, and one that comes
# after a build but before its child has started makes that start build
# again first (slow under valgrind), so 2 to 4 lines. The warning comes
# when the third round's changes settle, which on a slow machine can be
# before the child that round built has started: wait for its line.
wait_until 5 at_least 3 'restarted pid'
n=$(count 'restarted pid')
if [ "$n" -ge 2 ] && [ "$n" -le 4 ] && ! wait_until 2 at_least $((n + 1)) 'restarted pid'; then
	ok "the change and the rounds reload ($n), then nothing"
else
	fail "reloads: $(count 'restarted pid'): $(cat "$T/hp.log")"
fi
# a change of the user's reloads once; what its build writes does not
wait_until 10 watching "$HP_PID"
echo y >> "$T/app/main.go"
if wait_until 10 at_least 1 'main.go changed, build ok' &&
    ! wait_until 2 at_least $((n + 2)) 'restarted pid'; then
	ok "a change of main.go then reloads once: $(grep 'main.go changed' "$T/hp.log")"
else
	fail "after the loop: $(cat "$T/hp.log")"
fi
[ "$(count 'each of the last')" -eq 1 ] || fail "the loop was said twice"
finish
