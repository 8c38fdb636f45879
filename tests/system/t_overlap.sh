# SPDX-License-Identifier: ISC
# mode = overlap with ready = notify: the old child serves until the new
# one has sent READY=1, so 30 reloads of a child that needs 200 ms to
# start lose no connection and never stall for those 200 ms.
. tests/system/lib.sh

mkdir -p "$T/reports"
cat > "$T/ports.ini" <<INI
[holdports]
mode = overlap
ready = notify
ready_timeout = 10s
[socket.http]
listen = 127.0.0.1:0
[child]
command = $ECHO -N 200 -r $T/reports
INI
hp_start -c "$T/ports.ini"
port=$(wait_port http)
wait_until 10 at_least 1 'started pid .*, ready in' || fail "first child never ready: $(cat "$T/hp.log")"
"$LOAD" -p "$port" -s "$T/stop" -t 100 -o "$T/load.log" > "$T/load.out" &
load=$!
track "$load"
i=1
while [ $i -le 30 ]; do
	kill -HUP "$HP_PID"
	wait_until 10 at_least $i 'SIGHUP, restarted pid .*, ready in' ||
		{ fail "reload $i: no ready new child"; break; }
	pid=$(sed -n 's/.*restarted pid \([0-9]*\), ready in.*/\1/p' "$T/hp.log" | tail -n 1)
	wait_until 10 grep -q " $pid\$" "$T/load.log" || { fail "reload $i: new child never answered"; break; }
	i=$((i + 1))
done
touch "$T/stop"
wait "$load"
st=$?
summary=$(tail -n 1 "$T/load.out")
[ "$st" -eq 0 ] && ok "30 overlap reloads under load: $summary" || fail "connections lost: $summary"
# Each child needs 200 ms before READY=1; the old one served meanwhile,
# so no connection waited anywhere near that long.
maxms=$(echo "$summary" | sed -n 's/.*maxms=\([0-9]*\).*/\1/p')
[ -n "$maxms" ] && [ "$maxms" -lt 150 ] &&
	ok "no stall while the new child starts (slowest ${maxms} ms < 200 ms start-up)" ||
	fail "stalled $maxms ms: the old child did not serve during start-up"
# The new child was ready before the old one was stopped: every "ready
# in" is at least the 200 ms the child takes.
fast=$(sed -n 's/.*ready in \([0-9]*\) ms$/\1/p' "$T/hp.log" | awk '$1 < 200' | wc -l)
[ "$fast" -eq 0 ] && ok "READY=1 awaited each time (ready in >= 200 ms)" ||
	fail "$fast reloads declared ready too early"
[ "$(count 'pid .* status: serving\|: serving$')" -ge 31 ] &&
	ok "STATUS= from the child is logged" || fail "STATUS lines: $(count ': serving$')"
finish
