# SPDX-License-Identifier: ISC
# Hostile child: with ready = notify, it sends 10 000 datagrams a
# second, malformed but for a STATUS= every 1000th. The supervisor drains
# them in bounded batches: it stays responsive (a SIGHUP reload completes
# within stop_timeout + 1 s) and its log stays short (one line for the
# malformed ones, a few for STATUS=). Nothing is left.
. tests/system/lib.sh
. tests/fault/lib.sh

HOSTILE_ARGS=-N
hostile_start notify-flood "ready = notify"
port=$(wait_port http)
first_child || fail "no child"
old=$PID
wait_until 10 at_least 1 "started pid $old, ready in" || fail "not ready"
ticks() { awk '{ print $14 + $15 }' "/proc/$HP_PID/stat"; }
c0=$(ticks)
wait_until 10 sh -c "[ \$(cat '$T/reports/$old.sent' 2>/dev/null || echo 0) -ge 20000 ]" ||
	fail "the child sent only $(cat "$T/reports/$old.sent") datagrams"
sent=$(cat "$T/reports/$old.sent")
cpu=$(( ($(ticks) - c0) * 1000 / $(getconf CLK_TCK) ))
malformed=$(count 'dropped a malformed datagram')
status=$(count ": flood [0-9]*")
[ "$malformed" -eq 1 ] && [ "$status" -ge 1 ] && [ "$status" -le 5 ] &&
	ok "$sent datagrams: 1 line for the malformed ones, $status for STATUS= (holdports used $cpu ms of CPU)" ||
	fail "$sent datagrams: $malformed + $status lines: $(head -20 "$T/hp.log")"
echo echo > "$T/mode"
reload_within "$BOUND_MS" 1 'SIGHUP, restarted pid .*, ready in' &&
	ok "SIGHUP reload during the flood: $RELOAD_MS ms (bound $BOUND_MS ms)" ||
	fail "SIGHUP reload: ${RELOAD_MS:-none} ms: $(tail -5 "$T/hp.log")"
wait_until 10 group_empty "$old" && ok "nothing left of the flooding group" ||
	fail "group $old not empty"
"$LOAD" -p "$port" -n 1 -o "$T/l.log" > /dev/null &&
	grep -q " $(latest_pid)\$" "$T/l.log" && ok "the new child serves" ||
	fail "no answer from $(latest_pid)"
stop_and_check "$port"
finish
