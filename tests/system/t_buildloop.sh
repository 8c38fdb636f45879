# SPDX-License-Identifier: ISC
# A build that writes into a watched folder, as `go build -o server .`
# does with watch = . (it writes server-go-tmp-umask, then renames it over
# server): the program being started never reloads the child itself, and
# the temporary file makes a loop that stops after three rounds, naming
# the file and the ignore = line to add. A change of the user's still
# reloads, once.
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

# 2. The build also writes a temporary file: a loop, stopped. The first
# build writes the program alone (a build may end before the watches are
# set, under valgrind well before); the file "loop", made once they are,
# is the user's change that starts it.
cat > "$T/app/ports.ini" << EOF
[socket.http]
listen = 127.0.0.1:0
[child]
build = if [ -f loop ]; then cp "$ECHO" server-go-tmp-umask && mv server-go-tmp-umask server; else rm -f server && cp "$ECHO" server; fi
command = ./server
watch = .
EOF
hp_start -c "$T/app/ports.ini"
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
# the change of "loop" and the rounds before the third reload; once it
# is stopped nothing more (a change that comes during a build makes that
# build run again, not a reload, so the count may be one more)
# The warning comes when the third round's changes settle, which on a
# slow machine is before the child that round built has started: wait
# for its line first.
wait_until 10 at_least 3 'restarted pid'
n=$(count 'restarted pid')
if [ "$n" -ge 3 ] && [ "$n" -le 4 ] && ! wait_until 2 at_least $((n + 1)) 'restarted pid'; then
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
