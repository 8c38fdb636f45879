# SPDX-License-Identifier: ISC
# A child whose server daemonizes (fork, setsid, fork) leaves its process
# group, so a group kill misses it; as the subreaper holdports still
# stops it on reload and on exit.
. tests/system/lib.sh

mkdir -p "$T/reports"
hp_start -l 127.0.0.1:0=http -- "$ECHO" -D -r "$T/reports"
wait_port http > /dev/null
wait_until 10 at_least 1 'started pid' || fail "no child"
pid=$(latest_pid)
wait_until 10 sh -c "grep -q '^daemon=' '$T/reports/$pid.report'" || fail "no daemon"
d1=$(report_of "$pid" daemon)
alive "$d1" && [ "$(ps -o pgid= -p "$d1" | tr -d ' ')" != "$pid" ] ||
	fail "daemon $d1 did not leave the group"
kill -HUP "$HP_PID"
wait_until 10 at_least 1 'restarted pid' || fail "no reload"
wait_until 10 dead "$d1" && ok "the daemonized grandchild is stopped on reload" ||
	fail "daemon $d1 survived the reload: $(cat "$T/hp.log")"
# As a stray by its pid, or, where holdports runs each child in a cgroup
# of its own, with the child's cgroup.
grep -q "stopping pid $d1, which left its parent's process group\|stopping 1 process that left the process group of pid $pid, in its cgroup" "$T/hp.log" &&
	ok "and the log says which process and why" || fail "no stray line: $(cat "$T/hp.log")"
pid2=$(latest_pid)
wait_until 10 sh -c "grep -q '^daemon=' '$T/reports/$pid2.report'" || fail "no second daemon"
d2=$(report_of "$pid2" daemon)
kill -TERM "$HP_PID"
wait "$HP_PID"
st=$?
HP_PID=
[ "$st" -eq 0 ] && dead "$d2" && dead "$pid2" &&
	ok "and on exit (status 0, daemon gone)" || fail "exit $st, daemon $d2 alive: $(alive "$d2" && echo yes)"
finish
