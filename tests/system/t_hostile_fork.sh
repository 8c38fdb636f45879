# SPDX-License-Identifier: ISC
# Hostile child: it forks 50 grandchildren that ignore SIGTERM
# and hold the listening socket, then exits. They stay in its process
# group; the group is stopped (SIGKILL after stop_timeout), a SIGHUP
# reload waits for it and completes within stop_timeout + 1 s, and not
# one grandchild is left.
. tests/system/lib.sh
. tests/fault/lib.sh

hostile_start fork50
port=$(wait_port http)
first_child || fail "no child"
old=$PID
wait_until 10 at_least 1 "pid $old exited with status 0" || fail "no exit"
gcs=$(report_of "$old" gc)
for p in $gcs; do track "$p"; done
n=$(echo "$gcs" | wc -w)
alive=0
for p in $gcs; do alive "$p" && alive=$((alive + 1)); done
[ "$n" -eq 50 ] && [ "$alive" -gt 0 ] &&
	ok "50 grandchildren forked, $alive still there when the child exited" ||
	fail "grandchildren: $n reported, $alive alive"
echo echo > "$T/mode"
reload_within "$BOUND_MS" 1 'SIGHUP, restarted pid' &&
	ok "SIGHUP reload in $RELOAD_MS ms (bound $BOUND_MS ms)" ||
	fail "SIGHUP reload: ${RELOAD_MS:-none} ms: $(cat "$T/hp.log")"
left=0
for p in $gcs; do alive "$p" && left=$((left + 1)); done
[ "$left" -eq 0 ] && group_empty "$old" && ok "no grandchild left, the group is empty" ||
	fail "$left grandchildren left in group $old"
"$LOAD" -p "$port" -n 1 -o "$T/l.log" > /dev/null &&
	grep -q " $(latest_pid)\$" "$T/l.log" && ok "the new child serves" ||
	fail "no answer from $(latest_pid)"
stop_and_check "$port"
finish
