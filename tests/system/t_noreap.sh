# SPDX-License-Identifier: ISC
# A clean stop leaves nothing at all, even under a parent that reaps
# nothing but its own child (the init of many containers,
# tests/helpers/noreap): holdports waits for its own guard process before
# it exits, and kills it if it does not end (a guard stopped by SIGSTOP).
. tests/system/lib.sh

NOREAP=$TOP/tests/helpers/noreap
[ -x "$NOREAP" ] || { skip "skipped: $NOREAP not built (make system)"; finish; }

# children_of PID: the pids whose parent is PID (/proc/PID/stat: after the
# command's ')', state then ppid).
children_of() {
	for _s in /proc/[0-9]*/stat; do
		_l=$(cat "$_s" 2>/dev/null) || continue
		_pid=${_l%% *}
		_rest=${_l##*) }
		set -- $_rest
		[ "$2" = "$PARENT" ] && echo "$_pid"
	done
}

for how in "" stopped; do
	: > "$T/hp.log"
	"$NOREAP" "$HP" -l 127.0.0.1:0=http -- "$ECHO" > "$T/noreap.out" \
	    2>> "$T/hp.log" &
	nr=$!
	track "$nr"
	wait_port http > /dev/null || fail "no socket: $(cat "$T/hp.log")"
	wait_until 10 at_least 1 'started pid' || fail "no child"
	child=$(latest_pid)
	hp=$(PARENT=$nr children_of | head -n 1)
	track "$hp"
	guard=$(PARENT=$hp children_of | grep -v "^$child\$" | head -n 1)
	[ -n "$guard" ] || fail "no guard process found"
	[ "$how" = stopped ] && kill -STOP "$guard"
	kill -TERM "$hp"
	wait "$nr"
	st=$?
	case $st in
	3) skip "skipped: no subreaper here: $(cat "$T/noreap.out")" ;;
	0) [ ! -s "$T/noreap.out" ] &&
		ok "clean stop${how:+ with its guard $how}: nothing left, not even a zombie" ||
		fail "clean stop $how: $(cat "$T/noreap.out")" ;;
	*) fail "clean stop $how: exit $st: $(cat "$T/noreap.out")" ;;
	esac
done
finish
