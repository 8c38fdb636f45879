# SPDX-License-Identifier: ISC
# kill -9 of holdports leaves nothing behind: the child dies with it
# (PR_SET_PDEATHSIG), its grandchild through the guard process, and a new
# holdports binds the same port at once.
. tests/system/lib.sh

mkdir -p "$T/reports"
hp_start -l 127.0.0.1:0=http -- "$ECHO" -g -r "$T/reports"
port=$(wait_port http)
wait_until 10 at_least 1 'started pid' || fail "no child"
pid=$(latest_pid)
wait_until 10 sh -c "grep -q '^grandchild=' '$T/reports/$pid.report'" || fail "no grandchild"
gc=$(report_of "$pid" grandchild)
kill -KILL "$HP_PID"
wait "$HP_PID" 2>/dev/null
HP_PID=
wait_until 1 dead "$pid" && ok "the child is gone within 1 s" || fail "child $pid survived"
wait_until 1 dead "$gc" && ok "its grandchild is gone within 1 s" || fail "grandchild $gc survived"
wait_until 1 group_empty "$pid" && ok "its process group is empty" ||
	fail "group $pid still has members"
hp_start -l "127.0.0.1:$port=http" -- "$ECHO"
wait_port http > /dev/null && ok "a new holdports binds port $port at once" ||
	fail "rebind: $(cat "$T/hp.log")"
finish
