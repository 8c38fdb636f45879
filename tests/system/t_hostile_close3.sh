# SPDX-License-Identifier: ISC
# Hostile child: it closes fd 3, its listening socket, and stays.
# The supervisor's own copy keeps the port: connections wait in the
# backlog, a SIGHUP reload completes within stop_timeout + 1 s, and the
# next child serves the waiting connection. Nothing is left.
. tests/system/lib.sh
. tests/fault/lib.sh

hostile_start close3
port=$(wait_port http)
first_child || fail "no child"
old=$PID
wait_until 10 sh -c "! ls -l /proc/$old/fd | grep -q ' 3 -> '" ||
	fail "fd 3 still open in $old"
listening "$port" && ok "the port is still bound after the child closed fd 3" ||
	fail "port $port closed"
"$LOAD" -p "$port" -n 1 -o "$T/q.log" > "$T/q.out" 2>&1 &
q=$!
track "$q"
echo echo > "$T/mode"
reload_within "$BOUND_MS" 1 'SIGHUP, restarted pid' &&
	ok "SIGHUP reload in $RELOAD_MS ms (bound $BOUND_MS ms)" ||
	fail "SIGHUP reload: ${RELOAD_MS:-none} ms: $(cat "$T/hp.log")"
new=$(latest_pid)
wait "$q" && grep -q " $new\$" "$T/q.log" &&
	ok "the connection that waited is served by the next child" ||
	fail "waiting connection: $(cat "$T/q.out")"
wait_until 10 group_empty "$old" && ok "nothing left of the old group" ||
	fail "group $old not empty"
stop_and_check "$port"
finish
