# SPDX-License-Identifier: ISC
# Fault injection: fork(2) fails with EAGAIN on every try. The
# port stays bound, holdports says so once (not once per retry), tries
# again with back-off, and starts the child as soon as fork works again:
# a connection queued meanwhile is answered by that child. The shim acts
# in the supervisor only: the child neither maps it nor inherits it.
. tests/system/lib.sh
. tests/fault/lib.sh
need_shim
# holdports' own clone3(2), into a child's cgroup, is out of the shim's
# reach: without it holdports uses clone(2), which the shim faults.
export HP_FAULT_NO_CLONE3=1

mkdir -p "$T/reports"
hp_start_fault -l 127.0.0.1:0=http -- "$ECHO" -r "$T/reports"
port=$(wait_port http)
wait_until 10 at_least 1 'started pid' || fail "no child"
pid=$(latest_pid)
wait_until 10 test -f "$T/reports/$pid.report" || fail "no report"
grep -q hp-fault.so "/proc/$HP_PID/maps" && ok "the shim is in holdports" ||
	fail "the shim is not loaded into holdports"
if ! grep -q hp-fault.so "/proc/$pid/maps" &&
	! tr '\0' '\n' < "/proc/$pid/environ" | grep -q '^LD_PRELOAD=.*hp-fault\|^HP_FAULT'; then
	ok "the child has neither the shim nor its variables"
else
	fail "the shim reached the child: $(tr '\0' ' ' < "/proc/$pid/environ")"
fi

fault "fork EAGAIN"
kill -HUP "$HP_PID"
if ! wait_until 10 hits_at_least 4 fork; then
	skip "fork(2) was not intercepted ($(hits fork) faults): a sanitizer runtime in the way?"
	finish
fi
listening "$port" && ok "the port stays bound while fork fails" ||
	fail "port $port closed"
wait_until 10 dead "$pid" && ok "the old child was stopped" || fail "old child $pid alive"
# A client connects now: its connection waits in the backlog.
"$LOAD" -p "$port" -n 1 -o "$T/q.log" > "$T/q.out" 2>&1 &
q=$!
track "$q"
n=$(hits fork)
lines=$(count 'cannot start')
[ "$lines" -eq 1 ] && [ "$(count EAGAIN)" -eq 1 ] &&
	ok "$n failed forks, one log line" ||
	fail "$n failed forks, $lines lines: $(cat "$T/hp.log")"

no_fault
wait_until 10 at_least 1 'SIGHUP, restarted pid' &&
	ok "the child starts once fork works again" ||
	fail "no recovery: $(cat "$T/hp.log")"
[ "$(count 'works again, after')" -eq 1 ] && ok "the recovery is logged once" ||
	fail "recovery lines: $(count 'works again')"
new=$(latest_pid)
wait "$q" && grep -q " $new\$" "$T/q.log" &&
	ok "the connection queued during the fault is answered by pid $new" ||
	fail "queued connection: $(cat "$T/q.out" "$T/q.log")"
"$LOAD" -p "$port" -n 5 > /dev/null && ok "and the port serves" || fail "no answer"
finish
