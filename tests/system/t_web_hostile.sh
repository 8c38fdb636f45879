# SPDX-License-Identifier: ISC
# The browser side of the real holdports against hostile and many
# clients, while the build fails and the error page answers: idle, it
# never wakes up; a slowloris is closed at the 5 s deadline of its head;
# 100 slow clients (1 byte/s) do not keep a prompt one waiting; 1000
# clients in a row are all answered; and while 100 slow clients hold the
# page and 1000 open and close the events port, a change still reloads
# within its usual time and memory stays bounded.
. tests/system/lib.sh
. tests/system/web.sh

# The build fails until $T/ok exists.
web_start "$ECHO" "test -f $T/ok || { echo 'no ok file' >&2; exit 2; }"
wait_until 10 at_least 1 'build failed' || fail "no build: $(cat "$T/hp.log")"
wait_until 10 sh -c "curl -s -m 2 http://127.0.0.1:$PORT/ | grep -q 'no ok file'" ||
	fail "no page"

# voluntary_ctxt_switches counts every time the process blocked and was
# woken (proc(5)): idle, it must not move over a window of 2 s (the one
# fixed sleep here: a time without events is what is measured).
hex=$(printf '%04X' "$PORT")
held() {
	[ "$(awk -v a="0100007F:$hex" '$2 == a && $4 == "01" { n++ } END { print n + 0 }' /proc/net/tcp)" -ge "$1" ]
}
server_idle() {
	[ "$(awk -v a="0100007F:$hex" '$2 == a && ($4 == "01" || $4 == "08") { n++ } END { print n + 0 }' /proc/net/tcp)" -eq 0 ]
}
switches() { sed -n 's/^voluntary_ctxt_switches:[[:space:]]*//p' "/proc/$HP_PID/status"; }
rss() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$HP_PID/status"; }
wait_until 10 server_idle || fail "connections left open"
a=$(switches)
sleep 2
b=$(switches)
[ "$a" = "$b" ] && ok "no wake-up in 2 s with the page up and no client" ||
	fail "woke up $((b - a)) times in 2 s without clients"

"$CLIENT" -p "$PORT" slow -n 1 -t 15 > "$T/slow1"
ms=$(sed -n 's/.*last after \([0-9]*\) ms$/\1/p' "$T/slow1")
[ -n "$ms" ] && [ "$ms" -ge 4900 ] && [ "$ms" -le 7000 ] &&
	ok "a slowloris (1 byte/s) is closed at the deadline ($ms ms)" ||
	fail "slowloris: $(cat "$T/slow1")"

before=$(rss)
"$CLIENT" -p "$PORT" churn -n 1000 > "$T/churn"
grep -qx 'churn 1000 answered, 1000 with 503' "$T/churn" &&
	ok "1000 clients in a row all get 503" || fail "$(cat "$T/churn")"
"$CLIENT" -p "$PORT" slow -n 100 -t 15 > "$T/slow100" &
slow=$!
track "$slow"
# The page is at its limit of 64 clients with slow ones.
wait_until 10 held 64 || fail "the slow clients did not connect"
t0=$(date +%s%N)
code=$(http -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/")
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
[ "$code" = 503 ] && [ "$ms" -lt 1000 ] &&
	ok "with 100 slow clients another is answered in $ms ms" ||
	fail "with 100 slow clients: $code after $ms ms"
# Meanwhile 1000 clients open and close the events port; then the build
# is fixed: the reload is as quick as ever.
"$CLIENT" -p "$EVENTS" open -n 1000 > "$T/open" &
open=$!
track "$open"
"$CLIENT" -p "$EVENTS" churn -n 200 > "$T/evchurn" &
evchurn=$!
track "$evchurn"
touch "$T/ok"
kill -HUP "$HP_PID"
wait_until 10 at_least 1 'SIGHUP, build ok .* started pid' ||
	fail "no start: $(cat "$T/hp.log")"
ms=$(sed -n 's/.*SIGHUP, build ok .* started pid [0-9]* in <\{0,1\}\([0-9]*\) ms$/\1/p' "$T/hp.log")
[ -n "$ms" ] && [ "$ms" -lt 500 ] &&
	ok "under that load a change still starts the child in $ms ms" ||
	fail "reload under load: $(grep SIGHUP "$T/hp.log")"
wait "$open"
wait "$evchurn"
grep -qx 'open 1000' "$T/open" && grep -qx 'churn 200 answered, 200 with 404' "$T/evchurn" &&
	ok "1000 clients opened and closed the events port, 200 more were answered" ||
	fail "events clients: $(cat "$T/open" "$T/evchurn")"
wait "$slow"
grep -q '^slow 100 closed by the server' "$T/slow100" &&
	ok "all 100 slow clients closed: $(cat "$T/slow100")" ||
	fail "slow clients: $(cat "$T/slow100")"
after=$(rss)
if [ -n "${ASAN_OPTIONS:-}" ]; then
	skip "memory under ASan (its quarantine keeps what is freed)"
elif [ -n "${HP_WRAP:-}" ]; then
	skip "memory under $HP_WRAP (valgrind's own keeps what is freed)"
elif [ $((after - before)) -lt 4096 ]; then
	ok "memory bounded: $before -> $after KiB"
else
	fail "memory grew from $before to $after KiB"
fi

# The page's port is the child's now: 1000 in a row, all the child's.
pid=$(latest_pid)
"$LOAD" -p "$PORT" -n 1000 -o "$T/load.log" > "$T/load.out"
grep -q 'ok=1000 .* pids=1 ' "$T/load.out" && grep -q " $pid\$" "$T/load.log" &&
	ok "1000 requests in a row, all the child's" || fail "$(cat "$T/load.out")"
wait_until 10 server_idle
a=$(switches)
sleep 2
b=$(switches)
[ "$a" = "$b" ] && ok "idle again: no wake-up" ||
	fail "woke up $((b - a)) times in 2 s after the clients left"
finish
