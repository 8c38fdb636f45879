# SPDX-License-Identifier: ISC
# The reload event of the real holdports is sent when the new child is
# ready: a request a page sends the moment it sees the event gets the new
# child, never the old one, never a refused connection; 50 times with
# mode = replace and ready = none (ready at its start), 50 times with
# mode = overlap and ready = notify (ready at its READY=1, which comes
# 30 ms after its start, while the old child still serves).
. tests/system/lib.sh
. tests/system/web.sh

N=50
# run_reloads: N reloads by SIGHUP; each event's answer must be the pid
# holdports started for that reload.
run_reloads() {
	"$CLIENT" -p "$EVENTS" follow -a "$PORT" -n "$N" -t 100 > "$T/follow" &
	follow=$!
	track "$follow"
	wait_until 10 grep -q '^ready$' "$T/follow" || fail "no event stream"
	bad=0
	i=1
	while [ "$i" -le "$N" ]; do
		kill -HUP "$HP_PID"
		wait_until 10 grep -q "^reload $i " "$T/follow" || {
			fail "reload $i: no event: $(tail -n 3 "$T/follow") $(tail -n 3 "$T/hp.log")"
			return
		}
		got=$(sed -n "s/^reload $i //p" "$T/follow")
		want=$(latest_pid)
		if [ "$got" != "$want" ]; then
			bad=$((bad + 1))
			echo "reload $i: got '$got', started $want" >> "$T/bad"
		fi
		i=$((i + 1))
	done
	wait "$follow"
}

web_start "$ECHO" ""
wait_until 10 at_least 1 'started pid' || fail "no child: $(cat "$T/hp.log")"
run_reloads
[ "$bad" -eq 0 ] &&
	ok "replace, ready = none: $N reloads, each event answered by the new child" ||
	fail "replace: $bad of $N wrong: $(head -n 5 "$T/bad")"

kill -TERM "$HP_PID"
wait "$HP_PID"
HP_PID=
: > "$T/bad"
# The child: hp-echo, ready 30 ms after its start, or while $T/die
# exists one that exits 4 before it is ready.
printf '[ -f %s/die ] && exit 4\nexec %s -N 30\n' "$T" "$ECHO" > "$T/child.sh"
web_start "sh $T/child.sh" "" "mode = overlap" "ready = notify"
wait_until 10 at_least 1 'started pid .*ready in' || fail "no child: $(cat "$T/hp.log")"
run_reloads
[ "$bad" -eq 0 ] &&
	ok "overlap, ready = notify: $N reloads, each event answered by the new child" ||
	fail "overlap: $bad of $N wrong: $(head -n 5 "$T/bad")"
# A new child that dies before it is ready: no reload, a failure; the
# old child serves on.
old=$(latest_pid)
curl -s -N -m 20 "http://127.0.0.1:$EVENTS/events" > "$T/sse" &
sse=$!
track "$sse"
wait_until 10 grep -q '^retry: 500$' "$T/sse" || fail "no event stream"
touch "$T/die"
kill -HUP "$HP_PID"
wait_until 10 grep -q '^event: failed$' "$T/sse" &&
	grep -q '"headline":"the new child exited with status 4 before it was ready; the running one stays"' "$T/sse" &&
	! grep -q '^event: reload$' "$T/sse" &&
	"$LOAD" -p "$PORT" -n 5 -o "$T/l.log" > /dev/null && grep -q " $old\$" "$T/l.log" &&
	ok "overlap: a new child that dies before it is ready is a failure, not a reload" ||
	fail "new child died: $(cat "$T/sse") $(tail -n 3 "$T/hp.log")"
kill "$sse" 2>/dev/null
finish
