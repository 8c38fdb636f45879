# SPDX-License-Identifier: ISC
# A child that writes 100 MiB to stdout as fast as it can, while holdports
# reads its output (events on): the bytes reach holdports' stdout whole
# when that keeps up (a file), a SIGHUP reload in the middle and one after
# take their usual time, and holdports' memory stays bounded; when its
# stdout is stuck (a pipe nobody reads) the reloads still take their
# usual time, memory stays bounded, and what cannot be written is dropped
# and said.
. tests/system/lib.sh
. tests/fault/lib.sh

MIB100=104857600
rss() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$HP_PID/status"; }
# bounded BASE PEAK WHAT: memory stayed within 2 MiB of where it started
# (not under ASan, whose quarantine keeps what is freed).
bounded() {
	if grep -qa __asan_init "$HP"; then
		skip "memory $3 under ASan (its quarantine keeps what is freed)"
	elif [ -n "$2" ] && [ "$2" -lt $(($1 + 2048)) ]; then
		ok "memory $3: $1 KiB at start, $2 KiB at most"
	else
		fail "memory $3: $1 KiB at start, ${2:-?} KiB at most"
	fi
}
# peak: the highest VmRSS (KiB) of holdports seen while $T/stop is absent.
peak() {
	_p=$(rss)
	echo "$_p" > "$T/peak"
	while [ ! -f "$T/stop" ] && kill -0 "$HP_PID" 2>/dev/null; do
		_r=$(rss)
		[ -n "$_r" ] && [ "$_r" -gt "$_p" ] && _p=$_r && echo "$_p" > "$T/peak"
		sleep 0.05
	done
}

HP_OUT=$T/out
hostile_start stdout 'events = 127.0.0.1:0'
port=$(wait_port http)
first_child || fail "no child"
base=$(rss)
rm -f "$T/stop"
peak &
track $!
wait_until 10 sh -c "[ \$(wc -c < '$T/out') -ge 1048576 ]" || fail "no output"
reload_within "$BOUND_MS" 1 'SIGHUP, restarted pid' &&
	ok "reading the output, a SIGHUP reload while the child writes: $RELOAD_MS ms (bound $BOUND_MS ms)" ||
	fail "SIGHUP reload: ${RELOAD_MS:-none} ms: $(cat "$T/hp.log")"
new=$(latest_pid)
wait_until 10 test -f "$T/reports/$new.report" || fail "no report of $new"
echo echo > "$T/mode"
# Its 100 MiB went through holdports: all of it, then it serves.
wait_until 60 sh -c "[ \$(wc -c < '$T/out') -ge $((MIB100 + 1048576)) ]"
"$LOAD" -p "$port" -n 1 -o "$T/l.log" > /dev/null && grep -q " $new\$" "$T/l.log" &&
	[ "$(wc -c < "$T/out")" -ge "$MIB100" ] &&
	ok "a child wrote 100 MiB through holdports, then served ($(wc -c < "$T/out") bytes in all)" ||
	fail "output $(wc -c < "$T/out") bytes; pid $new not serving"
reload_within "$BOUND_MS" 2 'SIGHUP, restarted pid' &&
	ok "SIGHUP reload after it: $RELOAD_MS ms (bound $BOUND_MS ms)" ||
	fail "SIGHUP reload: ${RELOAD_MS:-none} ms"
touch "$T/stop"
bounded "$base" "$(cat "$T/peak" 2>/dev/null)" "while over 100 MiB went through"
! grep -q xxx "$T/hp.log" &&
	ok "the log is only holdports' lines" || fail "child output in the log"
stop_and_check "$port"

# holdports' stdout is a pipe that nobody reads: it is stuck.
rm -f "$T/stop" "$T/peak" "$T/reports"/*
echo stdout > "$T/mode"
mkfifo "$T/fifo"
exec 7<> "$T/fifo" # a reader that never reads: opens never block
HP_OUT=$T/fifo
hostile_start stdout 'events = 127.0.0.1:0'
port=$(wait_port http)
first_child || fail "no child"
base=$(rss)
peak &
track $!
wait_until 30 at_least 1 'stdout is not keeping up; dropping' &&
	ok "a stuck stdout: holdports says it drops what cannot be written" ||
	fail "no word of the drop: $(cat "$T/hp.log")"
reload_within "$BOUND_MS" 1 'SIGHUP, restarted pid' &&
	ok "and a SIGHUP reload still takes $RELOAD_MS ms (bound $BOUND_MS ms)" ||
	fail "SIGHUP reload with a stuck stdout: ${RELOAD_MS:-none} ms: $(cat "$T/hp.log")"
new=$(latest_pid)
wait_until 10 test -f "$T/reports/$new.report" || fail "no report of $new"
echo echo > "$T/mode"
# The second child's 100 MiB: read and dropped, then it serves.
wait_until 60 sh -c "'$LOAD' -p $port -n 1 -o '$T/l2.log' > /dev/null && grep -q ' $new\$' '$T/l2.log'" &&
	ok "the child's 100 MiB were read (not blocking it), then it served" ||
	fail "pid $new not serving: $(tail -n 3 "$T/hp.log")"
touch "$T/stop"
bounded "$base" "$(cat "$T/peak" 2>/dev/null)" "with a stuck stdout"
stop_and_check "$port"
exec 7<&-
finish
