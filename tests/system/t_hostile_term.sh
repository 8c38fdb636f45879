# SPDX-License-Identifier: ISC
# Hostile child: it ignores SIGTERM (also t_stop.sh, case 2).
# A SIGHUP reload SIGKILLs its group after stop_timeout and completes
# within stop_timeout + 1 s; the port stays held; nothing is left.
. tests/system/lib.sh
. tests/fault/lib.sh

hostile_start ignore-term
port=$(wait_port http)
first_child || fail "no child"
old=$PID
echo echo > "$T/mode"
reload_within "$BOUND_MS" 1 'SIGHUP, restarted pid' &&
	ok "SIGHUP reload in $RELOAD_MS ms (bound $BOUND_MS ms)" ||
	fail "SIGHUP reload: ${RELOAD_MS:-none} ms: $(cat "$T/hp.log")"
[ "$RELOAD_MS" -ge "$STOP_MS" ] &&
	grep -q "pid $old did not stop within $STOP_MS ms of SIGTERM; sending SIGKILL" "$T/hp.log" &&
	ok "SIGKILL after stop_timeout" || fail "no SIGKILL: $(cat "$T/hp.log")"
wait_until 10 group_empty "$old" && ok "nothing left of the old group" ||
	fail "group $old not empty"
"$LOAD" -p "$port" -n 1 -o "$T/l.log" > /dev/null &&
	grep -q " $(latest_pid)\$" "$T/l.log" && ok "the new child serves" ||
	fail "no answer from $(latest_pid)"
stop_and_check "$port"
finish
