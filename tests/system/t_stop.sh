# SPDX-License-Identifier: ISC
# SIGTERM stops the child's whole group and exits 0; a child that ignores
# SIGTERM is killed after stop_timeout; Ctrl-C twice does not wait.
. tests/system/lib.sh

mkdir -p "$T/reports"
# 1. SIGTERM: the child and its grandchild are gone, the port is closed.
hp_start -l 127.0.0.1:0=http -- "$ECHO" -g -r "$T/reports"
port=$(wait_port http)
wait_until 10 at_least 1 'started pid' || fail "no child"
pid=$(latest_pid)
wait_until 10 sh -c "grep -q '^grandchild=' '$T/reports/$pid.report'" || fail "no grandchild"
gc=$(report_of "$pid" grandchild)
alive "$gc" || fail "grandchild $gc not running before the stop"
kill -TERM "$HP_PID"
wait "$HP_PID"
st=$?
HP_PID=
[ "$st" -eq 0 ] && ok "SIGTERM: exit status 0" || fail "SIGTERM: exit status $st"
! alive "$pid" && ! alive "$gc" && ok "child and grandchild gone" ||
	fail "left running: child $(alive "$pid" && echo "$pid") grandchild $(alive "$gc" && echo "$gc")"
! kill -0 -- "-$pid" 2>/dev/null && ok "no process left in the child's group" ||
	fail "process group $pid still has members"
! listening "$port" && ok "the port is closed after exit" || fail "port $port still listening"

# 2. A child that ignores SIGTERM: SIGKILL after stop_timeout, on reload.
cat > "$T/ports.ini" <<INI
[holdports]
stop_timeout = 200ms
[socket.http]
listen = 127.0.0.1:0
[child]
command = $ECHO -T -r $T/reports
INI
hp_start -c "$T/ports.ini"
port=$(wait_port http)
wait_until 10 at_least 1 'started pid' || fail "no child"
pid=$(latest_pid)
wait_until 10 test -f "$T/reports/$pid.report" || fail "no report"
kill -HUP "$HP_PID"
wait_until 10 at_least 1 'restarted pid' || fail "no restart after stop_timeout"
grep -q "pid $pid did not stop within 200 ms of SIGTERM; sending SIGKILL" "$T/hp.log" &&
	! alive "$pid" && ok "SIGTERM ignored: SIGKILL after stop_timeout on reload" ||
	fail "stop_timeout not applied: $(cat "$T/hp.log")"
listening "$port" && ok "port held across the forced restart" || fail "port closed"

# 3. Twice SIGTERM: the second one kills at once (no 200 ms wait needed,
# but both are bounded anyway) and holdports still exits 0.
pid=$(latest_pid)
kill -TERM "$HP_PID"
kill -TERM "$HP_PID"
wait "$HP_PID"
st=$?
HP_PID=
[ "$st" -eq 0 ] && ! alive "$pid" && ok "ignoring child stopped, exit 0" ||
	fail "exit $st, child alive: $(alive "$pid" && echo yes)"
finish
