# SPDX-License-Identifier: ISC
# mode = overlap with an event-loop child (hp-evloop: an O_NONBLOCK
# listener accepted from until EAGAIN, SIGTERM caught with SA_RESTART, as
# libuv, Go and asyncio do), with ready = none and ready = notify: 50
# reloads under 1000 new connections a second lose no connection and
# keep the 95th percentile of the connection time under 10 ms.
#
# O_NONBLOCK belongs to the open file description that the supervisor
# and every child share. Clearing it before a start while the older
# child still serves makes that child's accept(2) block: its loop stops,
# the connections it takes wait unanswered, and SIGTERM cannot reach the
# loop (SA_RESTART restarts the accept) until SIGKILL resets them.
# holdports leaves the flags alone while an older child holds the socket.
#
# READIES="none" (in the environment) runs one pass only.
. tests/system/lib.sh

EVLOOP=$T/h/hp-evloop
RELOADS=50
LOADERS=4 # hp-load processes, each 250 new connections a second
BUDGET=45 # seconds for the reloads of one pass
# p95 of the connection latency during reloads, in milliseconds: a
# blocked accept() shows as a stall of a second or more, far above
# either bound; sanitizers and valgrind slow every start several times.
P95_MAX=10
[ -n "${ASAN_OPTIONS:-}${HP_WRAP:-}" ] && P95_MAX=50

# pass READY: runs the reloads with ready = READY; sets RESULT to a
# summary and GOOD to 1 if nothing failed and p95 < P95_MAX.
pass() {
	_dir=$T/$1
	mkdir -p "$_dir"
	# With ready = notify the new child starts up for 100 ms (a small
	# Node program), the old one serving meanwhile; with ready = none
	# the old one is stopped at once, so a start-up would be a stall.
	_n=
	[ "$1" = notify ] && _n="-n -s 100"
	cat > "$_dir/ports.ini" <<INI
[holdports]
mode = overlap
ready = $1
ready_timeout = 5s
stop_timeout = 2s
[socket.http]
listen = 127.0.0.1:0
[child]
command = $EVLOOP $_n
INI
	hp_start -c "$_dir/ports.ini"
	_port=$(wait_port http)
	wait_until 10 at_least 1 'started pid' || fail "$1: no first child"
	_k=1
	_loads=
	while [ $_k -le $LOADERS ]; do
		"$LOAD" -p "$_port" -R 250 -s "$_dir/stop" -t 100 \
		    -o "$_dir/load$_k.log" > "$_dir/load$_k.out" 2>/dev/null &
		track $!
		_loads="$_loads $!"
		_k=$((_k + 1))
	done
	_end=$(( $(date +%s) + BUDGET ))
	_i=1
	while [ $_i -le $RELOADS ] && [ "$(date +%s)" -lt "$_end" ]; do
		kill -HUP "$HP_PID"
		wait_until 10 at_least $_i 'SIGHUP, restarted pid' || break
		_pid=$(latest_pid)
		# The new child answers (at most 5 s: a stuck old child holds
		# clients until it is killed).
		wait_until 5 sh -c "cat '$_dir'/load*.log | grep -q ' $_pid\$'"
		_i=$((_i + 1))
	done
	touch "$_dir/stop"
	for _p in $_loads; do
		wait "$_p"
	done
	_done=$((_i - 1))
	# Sum the failures, take the worst 95th percentile and lateness.
	RESULT=$(cat "$_dir"/load*.out | awk -v done="$_done" '
		{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		  ok += v["ok"]; bad += v["refused"] + v["reset"] + v["timeout"] + v["other"]
		  if (v["p95ms"] + 0 > p95) p95 = v["p95ms"] + 0
		  if (v["maxms"] + 0 > max) max = v["maxms"] + 0
		  if (v["latems"] + 0 > late) late = v["latems"] + 0 }
		END { printf "reloads=%d ok=%d failed=%d p95ms=%.2f maxms=%d oldafternew_ms=%d",
		      done, ok, bad, p95, max, late }')
	_blocked=$(grep -c 'accept() blocked' "$T/hp.log")
	_killed=$(grep -c 'sending SIGKILL' "$T/hp.log")
	RESULT="$RESULT blocked_accepts=$_blocked killed=$_killed"
	GOOD=$(echo "$RESULT" | awk -v want=$RELOADS -v max=$P95_MAX '{
		for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		print (v["reloads"] == want && v["failed"] == 0 && v["p95ms"] < max) ? 1 : 0 }')
	kill -TERM "$HP_PID"
	wait_until 10 dead "$HP_PID" || kill -KILL "$HP_PID"
}

for ready in ${READIES:-none notify}; do
	pass $ready
	[ "$GOOD" = 1 ] && ok "overlap, ready = $ready, under load: $RESULT" ||
		fail "overlap, ready = $ready, under load: $RESULT"
done
finish
