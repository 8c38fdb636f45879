#!/bin/sh
# SPDX-License-Identifier: ISC
# web-measure.sh: measures an error-page server against the goals of the
# browser side (doc/http-choice.md has the numbers and the choice):
# idle wake-ups, memory under 1000 clients and under 100 slow ones, the
# time to stop accepting, what happens to the listener's O_NONBLOCK, and
# how it treats a slowloris and an oversized head.
#
#   sh tests/bench/web-measure.sh tests/helpers/web-drive [ARG...]
#   sh tests/bench/web-measure.sh tests/bench/web-mhd
#
# The server must print "page PORT" and "pid PID", and on SIGUSR1 stop
# accepting and print "page stopped in N us nonblock=F". Needs strace
# and curl; loopback only; about 40 s.
set -u
cd "$(dirname "$0")/../.." || exit 1
T=$(mktemp -d "${TMPDIR:-/tmp}/web-measure.XXXXXX")
CLIENT=tests/helpers/web-client
"$@" > "$T/out" 2> "$T/err" &
SRV=$!
trap 'kill $SRV 2>/dev/null; rm -rf "$T"' EXIT
i=0
while ! grep -q '^pid ' "$T/out" && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
PORT=$(sed -n 's/^page \([0-9][0-9]*\)$/\1/p' "$T/out")
mem() { awk '/^VmRSS/ { r = $2 } /^VmHWM/ { h = $2 } END { printf "rss %d KiB, peak %d KiB", r, h }' /proc/$SRV/status; }
echo "server: $*"
echo "idle: $(mem)"

# 1. Wake-ups while no client is connected: every syscall in 10 s.
timeout -s INT 10 strace -f -c -p $SRV -o "$T/strace" 2>/dev/null
calls=$(awk '$NF == "total" { print $(NF-1) } ' "$T/strace")
echo "idle 10 s: ${calls:-0} syscalls (strace -c)"

# 2. Memory: 1000 clients, 50 at a time, each a full request.
$CLIENT -p "$PORT" churn -n 1000
echo "after 1000 clients: $(mem)"
$CLIENT -p "$PORT" open -n 1000 > /dev/null
echo "after 1000 connect-and-close: $(mem)"

# 3. 100 slow clients (a byte a second); a normal client meanwhile.
$CLIENT -p "$PORT" slow -n 100 -t 15 > "$T/slow" &
SLOW=$!
sleep 2
t0=$(date +%s%N)
code=$(curl -s -o /dev/null -m 10 -w '%{http_code}' "http://127.0.0.1:$PORT/")
t1=$(date +%s%N)
echo "with 100 slow clients: $(mem); another client got $code in $(( (t1 - t0) / 1000000 )) ms"
wait $SLOW
cat "$T/slow"

# 4. An oversized head (9000 bytes of one field).
big=$(head -c 9000 /dev/zero | tr '\0' a)
code=$(curl -s -o /dev/null -m 10 -w '%{http_code}' -H "X-Big: $big" "http://127.0.0.1:$PORT/")
echo "9000-byte head: status $code"

# 5. Stop accepting: how long, the flag after, and the backlog left.
kill -USR1 $SRV
i=0
while ! grep -q '^page stopped' "$T/out" && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
grep '^page stopped' "$T/out"
grep '^before\|^started' "$T/out"
pids=
for k in 1 2 3 4 5; do
	curl -s -m 1 -o /dev/null "http://127.0.0.1:$PORT/" &
	pids="$pids $!"
done
sleep 0.5
hex=$(printf '%04X' "$PORT")
q=$(awk -v a="0100007F:$hex" '$2 == a && $4 == "0A" { split($5, x, ":"); print x[2] }' /proc/net/tcp)
echo "after stop, 5 new connections: listen queue $((0x${q:-0})) (left to the next child)"
# shellcheck disable=SC2086
wait $pids
