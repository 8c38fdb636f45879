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
web_start "$ECHO -N 30" "" "mode = overlap" "ready = notify"
wait_until 10 at_least 1 'started pid .*ready in' || fail "no child: $(cat "$T/hp.log")"
run_reloads
[ "$bad" -eq 0 ] &&
	ok "overlap, ready = notify: $N reloads, each event answered by the new child" ||
	fail "overlap: $bad of $N wrong: $(head -n 5 "$T/bad")"
finish
