# SPDX-License-Identifier: ISC
# ready = notify: a child using libsystemd's sd_notify() is seen ready; a
# READY=1 from a process outside the child's process group is ignored;
# a child that never sends it is a logged failure after ready_timeout.
. tests/system/lib.sh

mkdir -p "$T/reports"
# 1. libsystemd's sd_notify(), replace mode.
hp_start --ready notify -l 127.0.0.1:0=http -- "$SD" -N -r "$T/reports"
port=$(wait_port http)
wait_until 10 at_least 1 'started pid .*, ready in' &&
	ok "READY=1 through libsystemd's sd_notify() is seen" ||
	fail "sd_notify child never ready: $(cat "$T/hp.log")"
"$LOAD" -p "$port" -n 3 > /dev/null && ok "and it serves" || fail "no answer"
kill -HUP "$HP_PID"
wait_until 10 at_least 1 'SIGHUP, restarted pid .*, ready in' &&
	ok "again after a reload" || fail "not ready after reload"
kill -TERM "$HP_PID"; wait "$HP_PID"; HP_PID=
rm -f "$T"/reports/*

# 2. A datagram from outside the child's group is ignored.
cat > "$T/ports.ini" <<INI
[holdports]
ready = notify
ready_timeout = 300ms
[socket.http]
listen = 127.0.0.1:0
[child]
command = $ECHO -N 60000 -r $T/reports
INI
hp_start -c "$T/ports.ini"
wait_port http > /dev/null
# With ready = notify the start is logged only once the child is ready:
# find the child by its report.
wait_until 10 sh -c "ls '$T/reports' | grep -q 'report\$'" || fail "no child"
pid=$(ls "$T/reports" | sed -n 's/\.report$//p' | head -n 1)
addr=$(report_of "$pid" notify_socket)
case $addr in
@* | /*) ok "the child got NOTIFY_SOCKET=$addr" ;;
*) fail "NOTIFY_SOCKET=$addr" ;;
esac
NOTIFY_SOCKET=$addr "$ECHO" -S "READY=1" || fail "could not send the foreign datagram"
wait_until 10 at_least 1 "notify: ignored a message from pid [0-9]*, which is not in the child's process group" &&
	ok "READY=1 from outside the child's group is ignored" ||
	fail "foreign datagram not reported: $(cat "$T/hp.log")"
! grep -q 'ready in' "$T/hp.log" && ok "and the child is not taken for ready" ||
	fail "foreign READY=1 accepted"
# 3. Silent past ready_timeout: logged, the child keeps running.
wait_until 10 at_least 1 "pid $pid sent no READY=1 within 300 ms; it keeps running" &&
	alive "$pid" && ok "a silent child is a logged failure after ready_timeout" ||
	fail "ready_timeout: $(cat "$T/hp.log")"
finish
