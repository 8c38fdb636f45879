#!/bin/sh
# SPDX-License-Identifier: ISC
# soak.sh: `make soak`, not part of `make check`. SOAK_RELOADS
# (5 000) SIGHUP reloads, one after the other, while hp-load connects back
# to back without pause: no connection may be refused or lost, and the
# supervisor's resident memory (VmRSS) and descriptor count after the run
# must equal those after the first 100 reloads (SOAK_WARMUP). Prints the
# numbers; exits 1 if any promise is broken.
cd "$(dirname "$0")/../.." || exit 1
. tests/system/lib.sh

N=${SOAK_RELOADS:-5000}
W=${SOAK_WARMUP:-100}

# sample: RSS (kB) and open descriptors of holdports now.
sample() {
	rss=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$HP_PID/status")
	fds=$(ls "/proc/$HP_PID/fd" | wc -l)
}

hp_start -l 127.0.0.1:0=http -- "$ECHO"
port=$(wait_port http) || { fail "no port"; finish; }
wait_until 10 at_least 1 'started pid' || { fail "no child"; finish; }
"$LOAD" -p "$port" -s "$T/stop" -t 86400 -o "$T/load.log" > "$T/load.out" 2>&1 &
load=$!
track "$load"
start=$(date +%s)
i=1
while [ "$i" -le "$N" ]; do
	kill -HUP "$HP_PID"
	wait_until 10 at_least "$i" 'SIGHUP, restarted pid' ||
		{ fail "reload $i did not complete"; break; }
	if [ "$i" -eq "$W" ]; then
		sample
		rss_w=$rss
		fds_w=$fds
	fi
	if [ $((i % 500)) -eq 0 ]; then
		sample
		echo "soak: $i reloads, VmRSS $rss kB, $fds fds, $(($(date +%s) - start)) s"
	fi
	i=$((i + 1))
done
reloads=$((i - 1))
# The last child must answer before the load stops, so that its
# connections count too.
wait_until 10 grep -q " $(latest_pid)\$" "$T/load.log" ||
	fail "the last child never answered"
sample
touch "$T/stop"
wait "$load"
st=$?
worst=$(sed -n 's/.*SIGHUP, restarted pid [0-9]* in \([0-9]*\) ms$/\1/p' "$T/hp.log" |
	sort -n | tail -n 1)
slow=$(grep -c 'SIGHUP, restarted pid [0-9]* in [0-9.]* s$' "$T/hp.log")
echo "soak: reloads=$reloads seconds=$(($(date +%s) - start))"
echo "soak: load: $(cat "$T/load.out")"
echo "soak: VmRSS after $W reloads: $rss_w kB; after $reloads: $rss kB"
echo "soak: fds after $W reloads: $fds_w; after $reloads: $fds"
echo "soak: slowest reload ${worst:-?} ms ($slow took a second or more)"
[ "$reloads" -eq "$N" ] && ok "$N reloads" || fail "only $reloads reloads"
[ "$st" -eq 0 ] && ok "no connection refused or lost" ||
	fail "connections failed: $(cat "$T/load.out")"
[ "$rss" -eq "$rss_w" ] && ok "VmRSS $rss kB after $reloads reloads = after $W" ||
	fail "VmRSS grew: $rss_w kB after $W reloads, $rss kB after $reloads"
[ "$fds" -eq "$fds_w" ] && ok "$fds fds after $reloads reloads = after $W" ||
	fail "fds: $fds_w after $W reloads, $fds after $reloads"
others=$(grep -vc 'SIGHUP, restarted pid\|listening on\|started pid' "$T/hp.log")
[ "$others" -eq 0 ] && ok "the log holds nothing but the reload lines" ||
	fail "unexpected log lines: $(grep -v 'SIGHUP, restarted pid\|listening on\|started pid' "$T/hp.log" | head -5)"
kill -TERM "$HP_PID"
wait "$HP_PID"
st=$?
HP_PID=
[ "$st" -eq 0 ] && ok "clean stop" || fail "exit status $st"
finish
