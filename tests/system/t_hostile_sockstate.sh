# SPDX-License-Identifier: ISC
# Hostile children that change the shared listening socket and exit:
# options (buffers, TCP_DEFER_ACCEPT, SO_LINGER, TCP_NODELAY, IP_TOS, ...,
# O_NONBLOCK, the F_SETOWN owner), SO_REUSEPORT, a shutdown(2) of the
# listener, a locked BPF filter that drops everything. Each time the next
# child finds the socket as the first child found it, and serves.
. tests/system/lib.sh
. tests/fault/lib.sh

hostile_start echo
port=$(wait_port http)
first_child || fail "no child"
clean=$(report_of "$PID" state)
[ -n "$clean" ] || fail "no state in the first report"
n=0
for mode in opts-exit reuseport-exit shutrd-exit filter-exit bpf-exit; do
	echo "$mode" > "$T/mode"
	n=$((n + 1))
	reload_within "$BOUND_MS" "$n" 'SIGHUP, restarted pid' ||
		fail "$mode: no reload: $(tail -n 5 "$T/hp.log")"
	bad=$(latest_pid)
	wait_until 10 at_least 1 "pid $bad exited with status" ||
		fail "$mode: pid $bad did not exit"
	if grep -q "pid $bad exited with status 3" "$T/hp.log"; then
		skip "$mode: not possible here (eBPF needs root or CAP_BPF)"
		continue
	fi
	echo echo > "$T/mode"
	n=$((n + 1))
	reload_within "$BOUND_MS" "$n" 'SIGHUP, restarted pid' ||
		fail "$mode: no reload after it: $(tail -n 5 "$T/hp.log")"
	new=$(latest_pid)
	wait_until 10 test -f "$T/reports/$new.report" ||
		fail "$mode: no report of $new"
	got=$(report_of "$new" state)
	[ "$got" = "$clean" ] &&
		ok "$mode: the next child finds the socket as bound" ||
		fail "$mode: the next child finds '$got', want '$clean'"
	"$LOAD" -p "$port" -n 3 -o "$T/l.log" > /dev/null &&
		grep -q " $new\$" "$T/l.log" &&
		ok "$mode: and serves on port $port" ||
		fail "$mode: no answer from $new"
done
stop_and_check "$port"
finish
