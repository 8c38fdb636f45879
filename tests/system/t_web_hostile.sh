# SPDX-License-Identifier: ISC
# The error page against hostile and many clients (web.c through
# tests/helpers/web-drive): a slowloris is closed at the 5 s deadline for
# its head, 100 slow clients do not keep a prompt one waiting, 1000
# clients in a row are all answered and cost no lasting memory, and with
# no client at all the process never wakes up.
. tests/system/lib.sh
. tests/system/web.sh

gcc_tail "$T/tail"
web_start -t "$T/tail"

# voluntary_ctxt_switches counts every time the process blocked and was
# woken (proc(5)): idle, it must not move over a window of 2 s (the one
# fixed sleep here: a time without events is what is measured).
# /proc/net/tcp: local and remote address in hex, state 01 =
# ESTABLISHED.
hex=$(printf '%04X' "$PAGE")
# held N: the server side holds at least N connections of the page's
# port (accepted or in the backlog).
held() {
	[ "$(awk -v a="0100007F:$hex" '$2 == a && $4 == "01" { n++ } END { print n + 0 }' /proc/net/tcp)" -ge "$1" ]
}
# server_idle: the server side holds no connection of the page's port
# open (ESTABLISHED, or CLOSE_WAIT: closed by the client, not by us).
server_idle() {
	[ "$(awk -v a="0100007F:$hex" '$2 == a && ($4 == "01" || $4 == "08") { n++ } END { print n + 0 }' /proc/net/tcp)" -eq 0 ]
}
switches() { sed -n 's/^voluntary_ctxt_switches:[[:space:]]*//p' "/proc/$DRIVE/status"; }
rss() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$DRIVE/status"; }
a=$(switches)
sleep 2
b=$(switches)
[ "$a" = "$b" ] && ok "no wake-up in 2 s without clients" ||
	fail "woke up $((b - a)) times in 2 s without clients"

"$CLIENT" -p "$PAGE" slow -n 1 -t 15 > "$T/slow1"
ms=$(sed -n 's/.*last after \([0-9]*\) ms$/\1/p' "$T/slow1")
[ -n "$ms" ] && [ "$ms" -ge 4900 ] && [ "$ms" -le 7000 ] &&
	ok "a slowloris (1 byte/s) is closed at the deadline ($ms ms)" ||
	fail "slowloris: $(cat "$T/slow1")"

"$CLIENT" -p "$PAGE" slow -n 100 -t 15 > "$T/slow100" &
slow=$!
track "$slow"
# The server is at its limit of 64 clients (web.h) with slow ones.
wait_until 10 held 64 || fail "the slow clients did not connect"
t0=$(date +%s%N)
code=$(http -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PAGE/")
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
[ "$code" = 503 ] && [ "$ms" -lt 1000 ] &&
	ok "with 100 slow clients another is answered in $ms ms" ||
	fail "with 100 slow clients: $code after $ms ms"
wait "$slow"
grep -q '^slow 100 closed by the server' "$T/slow100" &&
	ok "all 100 slow clients closed: $(cat "$T/slow100")" ||
	fail "slow clients: $(cat "$T/slow100")"

before=$(rss)
"$CLIENT" -p "$PAGE" churn -n 1000 > "$T/churn"
grep -qx 'churn 1000 answered, 1000 with 503' "$T/churn" &&
	ok "1000 clients in a row all get 503" || fail "$(cat "$T/churn")"
"$CLIENT" -p "$PAGE" open -n 1000 > /dev/null
wait_until 10 server_idle || fail "connections left open"
after=$(rss)
if [ -n "${ASAN_OPTIONS:-}" ]; then
	skip "memory under ASan (its quarantine keeps what is freed)"
elif [ $((after - before)) -lt 2048 ]; then
	ok "and 1000 that connect and close: memory $before -> $after KiB"
else
	fail "memory grew from $before to $after KiB"
fi
a=$(switches)
sleep 2
b=$(switches)
[ "$a" = "$b" ] && ok "idle again: no wake-up" ||
	fail "woke up $((b - a)) times in 2 s after the clients left"
finish
