# SPDX-License-Identifier: ISC
# A child that crashes is restarted with a growing back-off, the port
# stays bound throughout, and after 5 crashes within 30 s holdports waits
# for a change (here: SIGHUP) instead of looping.
. tests/system/lib.sh

mkdir -p "$T/reports"
hp_start -l 127.0.0.1:0=http -- "$ECHO" -x 3 -r "$T/reports"
port=$(wait_port http)
# 100 + 200 + 400 + 800 ms of back-off before the 5th crash.
wait_until 20 at_least 1 'crashed 5 times within 30 s; waiting' ||
	fail "no crash-loop stop: $(cat "$T/hp.log")"
grep 'restarting in' "$T/hp.log" | sed 's/.*restarting in //' | tr '\n' ' ' > "$T/gaps"
[ "$(cat "$T/gaps")" = "100 ms 200 ms 400 ms 800 ms " ] &&
	ok "back-off doubles: $(cat "$T/gaps")" || fail "back-off: $(cat "$T/gaps")"
[ "$(count 'exited with status 3')" -eq 5 ] && ok "each crash logged with its exit status" ||
	fail "crash lines: $(count 'exited with status 3')"
listening "$port" && ok "port stays bound while no child runs" || fail "port closed"
ls "$T/reports" | grep -c report > "$T/n"
[ "$(cat "$T/n")" -eq 5 ] && ok "no restart after the crash loop" || fail "children: $(cat "$T/n")"
kill -HUP "$HP_PID"
wait_until 10 at_least 1 'SIGHUP, restarted pid' &&
	ok "SIGHUP starts it again after the crash loop" || fail "SIGHUP ignored"
kill -TERM "$HP_PID"
wait "$HP_PID"
st=$?
HP_PID=
[ "$st" -eq 0 ] && ok "exit 0 after SIGTERM while backing off" || fail "exit $st"

# A program that does not exist: named with ENOENT, then retried like a
# crash (with back-off, until the crash loop stops).
hp_start -l 127.0.0.1:0=http -- "$T/no-such-server" --flag
wait_until 10 at_least 1 "cannot start '$T/no-such-server': execve: No such file or directory (ENOENT)" &&
	wait_until 10 at_least 1 'restarting in 200 ms' &&
	ok "missing program: named with ENOENT, and retried with back-off" ||
	fail "missing program: $(cat "$T/hp.log")"
kill -TERM "$HP_PID"
wait "$HP_PID"
HP_PID=
# The same found through PATH: the search is the child's, and says so.
hp_start -l 127.0.0.1:0=http -- no-such-server-in-path
wait_until 10 at_least 1 "cannot start 'no-such-server-in-path': execve: No such file or directory (ENOENT)" &&
	ok "missing program in PATH: named with ENOENT" || fail "PATH: $(cat "$T/hp.log")"
kill -TERM "$HP_PID"; wait "$HP_PID"; HP_PID=

# A working directory that does not exist: the child cannot chdir; the
# errno is reported through the status pipe and the start is retried.
cat > "$T/ports.ini" <<INI
[socket.http]
listen = 127.0.0.1:0
[child]
command = $ECHO
directory = $T/gone
INI
hp_start -c "$T/ports.ini"
port=$(wait_port http)
wait_until 10 at_least 2 "cannot start '$ECHO': chdir: No such file or directory" &&
	grep -q 'restarting in 200 ms' "$T/hp.log" &&
	ok "chdir failure logged with errno, retried with back-off" ||
	fail "chdir failure: $(cat "$T/hp.log")"
mkdir "$T/gone"
wait_until 10 at_least 1 'started pid' && listening "$port" &&
	ok "starts once the directory exists; port held meanwhile" ||
	fail "no start after mkdir: $(tail -n 3 "$T/hp.log")"
finish
