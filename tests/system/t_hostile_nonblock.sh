# SPDX-License-Identifier: ISC
# Hostile child: it sets O_NONBLOCK on the listening socket,
# which it shares with the supervisor's copy, and exits 0. The next child,
# started by a SIGHUP within stop_timeout + 1 s, finds the socket blocking
# again and serves. Nothing is left.
. tests/system/lib.sh
. tests/fault/lib.sh

hostile_start nonblock-exit
port=$(wait_port http)
first_child || fail "no child"
old=$PID
wait_until 10 at_least 1 "pid $old exited with status 0" || fail "no exit"
wait_until 10 at_least 1 'not restarting' || fail "restarted after a clean exit"
# The supervisor's copy shares the flag: /proc/PID/fdinfo flags, octal.
ino=$(inode_of_port "$port")
for fd in /proc/$HP_PID/fd/*; do
	[ "$(readlink "$fd")" = "socket:[$ino]" ] && break
done
flags=$(sed -n 's/^flags:[[:space:]]*//p' "/proc/$HP_PID/fdinfo/${fd##*/}")
[ $((0$flags & 04000)) -ne 0 ] &&
	ok "the child left the shared listener non-blocking" ||
	fail "O_NONBLOCK not set on the shared socket (flags $flags)"
echo echo > "$T/mode"
reload_within "$BOUND_MS" 1 'SIGHUP, restarted pid' &&
	ok "SIGHUP reload in $RELOAD_MS ms (bound $BOUND_MS ms)" ||
	fail "SIGHUP reload: ${RELOAD_MS:-none} ms: $(cat "$T/hp.log")"
new=$(latest_pid)
wait_until 10 test -f "$T/reports/$new.report" || fail "no report of $new"
[ "$(report_of "$new" nonblock)" = 0 ] &&
	ok "the next child finds fd 3 blocking again" ||
	fail "fd 3 of $new: nonblock=$(report_of "$new" nonblock)"
"$LOAD" -p "$port" -n 3 -o "$T/l.log" > /dev/null && grep -q " $new\$" "$T/l.log" &&
	ok "and serves" || fail "no answer from $new"
stop_and_check "$port"
finish
