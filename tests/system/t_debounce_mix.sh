# SPDX-License-Identifier: ISC
# A change of the sources and an invalid edit of ports.ini in one debounce
# window: each is acted on, neither hides the other. The source change
# reloads the child with the running configuration, and the error in
# ports.ini is reported with its line.
. tests/system/lib.sh

mkdir -p "$T/src"
cat > "$T/ports.ini" <<INI
[holdports]
debounce = 300ms
[socket.http]
listen = 127.0.0.1:0
[child]
command = $ECHO
watch = src
INI
hp_start -c "$T/ports.ini"
wait_port http > /dev/null
wait_until 10 at_least 1 'started pid' || fail "no child: $(cat "$T/hp.log")"
wait_until 10 watching "$HP_PID" 2 || fail "no inotify watches"
echo 'int x;' > "$T/src/main.c"
cat > "$T/new.ini" <<INI
[holdports]
debounce = 300ms
mode = sideways
[socket.http]
listen = 127.0.0.1:0
[child]
command = $ECHO
watch = src
INI
mv "$T/new.ini" "$T/ports.ini"
wait_until 10 at_least 1 'src/main.c changed, restarted pid' &&
	ok "the source change reloads the child" ||
	fail "no reload: $(cat "$T/hp.log")"
wait_until 10 at_least 1 "ports.ini:3: \[holdports\] mode: 'sideways' is not valid.*keeping the running configuration" &&
	ok "and the error in ports.ini is reported, with its line" ||
	fail "no config error: $(cat "$T/hp.log")"
finish
