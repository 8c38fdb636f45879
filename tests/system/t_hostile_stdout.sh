# SPDX-License-Identifier: ISC
# Hostile child: it writes 100 MiB to stdout, the supervisor's,
# which it inherits (here a file). The supervisor writes its log to
# stderr only and never waits for the child's output: a SIGHUP reload in
# the middle of the writing, and one after it, complete within
# stop_timeout + 1 s, and the log holds none of the child's bytes.
. tests/system/lib.sh
. tests/fault/lib.sh

MIB100=104857600
HP_OUT=$T/out
hostile_start stdout
port=$(wait_port http)
first_child || fail "no child"
old=$PID
size() { wc -c < "$T/out"; }
wait_until 10 sh -c "[ \$(wc -c < '$T/out') -ge 1048576 ]" || fail "no output"
reload_within "$BOUND_MS" 1 'SIGHUP, restarted pid' &&
	ok "SIGHUP reload while the child writes: $RELOAD_MS ms (bound $BOUND_MS ms)" ||
	fail "SIGHUP reload: ${RELOAD_MS:-none} ms: $(cat "$T/hp.log")"
wait_until 10 group_empty "$old" || fail "group $old not empty"
# The second child writes its 100 MiB to the end, then serves: its
# answer comes after its last byte.
new=$(latest_pid)
wait_until 10 test -f "$T/reports/$new.report" || fail "no report of $new"
echo echo > "$T/mode"
[ "$(report_of "$new" mode)" = stdout ] || fail "pid $new is not writing"
"$LOAD" -p "$port" -n 1 -o "$T/l.log" > /dev/null && grep -q " $new\$" "$T/l.log" &&
	[ "$(size)" -ge "$MIB100" ] &&
	ok "a child wrote 100 MiB to stdout, then served ($(size) bytes in all)" ||
	fail "output $(size) bytes; pid $new not serving"
reload_within "$BOUND_MS" 2 'SIGHUP, restarted pid' &&
	ok "SIGHUP reload after it: $RELOAD_MS ms (bound $BOUND_MS ms)" ||
	fail "SIGHUP reload: ${RELOAD_MS:-none} ms"
! grep -q xxx "$T/hp.log" && [ "$(grep -vc '^holdports: ' "$T/hp.log")" -eq 0 ] &&
	ok "the log is only holdports' lines" || fail "child output in the log"
stop_and_check "$port"
finish
