# SPDX-License-Identifier: ISC
# The guard (guard.c) kills the process groups it was told of once
# holdports is gone, even by kill -9, and only those; it keeps no
# descriptor of holdports'. proc_children() lists exactly our children and
# proc_pdeathsig() kills a child whose parent died. Driven through
# tests/helpers/guard-drive.
. tests/system/lib.sh

DRIVE=$TOP/tests/helpers/guard-drive
if [ ! -x "$DRIVE" ]; then
	skip "skipped: $DRIVE not built (make tests/helpers/guard-drive)"
	finish
fi

# all_dead PID...: every one is gone (zombies count as gone).
all_dead() { for _p; do dead "$_p" || return 1; done; }
# all_alive PID...: every one runs.
all_alive() { for _p; do alive "$_p" || return 1; done; }

# drive N R: runs "guard-drive groups N R" in the background with stdin
# on a fifo we hold open (fd 9), and waits until it printed "ready".
# Sets DRIVE_PID; the pids it printed are in $T/out.
drive() {
	rm -f "$T/in" "$T/out"
	mkfifo "$T/in"
	"$DRIVE" groups "$1" "$2" < "$T/in" > "$T/out" 2> "$T/err" &
	DRIVE_PID=$!
	track "$DRIVE_PID"
	exec 9> "$T/in"
	wait_until 10 grep -qx ready "$T/out" || {
		fail "guard-drive groups $1 $2 not ready: $(cat "$T/err")"
		finish
	}
	for p in $(awk '$1 != "ready" { print $2 }' "$T/out"); do
		track "$p"
	done
}
# pids_of I: the pids of group I (leader, grandchild); "guard": the guard.
pids_of() { awk -v k="$1" '$1 == k { print $2 }' "$T/out"; }
# kill9: kill -9 the driver (as if holdports were killed) and reap it.
kill9() {
	kill -KILL "$DRIVE_PID"
	wait "$DRIVE_PID" 2>/dev/null
	exec 9>&-
}

# 1. kill -9: the told group goes, the removed one stays, the guard ends.
drive 2 1
guard=$(pids_of guard)
removed=$(pids_of 1)
told=$(pids_of 2)
all_alive $guard $removed $told || fail "not all running before the kill"
fds=$(ls "/proc/$guard/fd" | sort -n | tr '\n' ' ')
case $fds:$(readlink "/proc/$guard/fd/3") in
"0 1 2 3 :/memfd:holdports-guard"* | "0 1 2 3 :/tmp/holdports."*)
	ok "the guard holds only 0, 1, 2 and the shared file" ;;
*) fail "the guard holds descriptors $fds: $(readlink "/proc/$guard/fd/3")" ;;
esac
pgid=$(cut -d' ' -f5 "/proc/$guard/stat") # proc(5); comm has no space
[ "$pgid" = "$guard" ] && ok "the guard leads its own process group" ||
	fail "the guard is in process group $pgid"
kill -INT "$guard"
kill -TERM "$guard"
kill -HUP "$guard"
alive "$guard" && ok "the guard ignores SIGINT, SIGTERM and SIGHUP" ||
	fail "the guard died of a signal meant for holdports"
kill9
wait_until 1 all_dead $told && ok "kill -9: child and grandchild gone within 1 s" ||
	fail "kill -9: still running: $told"
wait_until 1 dead "$guard" && ok "the guard exits after its job" ||
	fail "the guard $guard still runs"
all_alive $removed && ok "a group told gone is not killed" ||
	fail "removed group killed: $removed"
for p in $removed; do kill -KILL "$p" 2>/dev/null; done
grep -q "guard: holdports is gone; killed process group $(echo $told | cut -d' ' -f1)" \
    "$T/err" && ok "the guard says which group it killed" ||
	fail "no message from the guard: $(cat "$T/err")"

# 2. A clean exit that did not tell the group gone: killed as well.
drive 1 0
told=$(pids_of 1)
guard=$(pids_of guard)
echo >&9
exec 9>&-
wait "$DRIVE_PID"
st=$?
wait_until 1 all_dead $told $guard && ok "exit 0 ($st): the group and the guard gone" ||
	fail "after a clean exit ($st): still running: $told $guard"

# 3. Many groups: all killed; a full table refuses one more (ENOSPC)
# and forgets none.
drive 100 0
all=$(awk '$1 != "ready" && $1 != "guard" { print $2 }' "$T/out")
kill9
wait_until 2 all_dead $all && ok "100 groups: all killed" ||
	fail "100 groups: some still run"
out=$("$DRIVE" full 2>&1) && ok "a full table: $out" || fail "full: $out"

# 4. A guard stopped (SIGSTOP) while holdports tells it of 20 000 groups
# coming and going: nothing is lost, nothing fails, and nothing is
# killed while holdports runs; the last groups told are killed once it is
# gone.
rm -f "$T/in" "$T/out"
mkfifo "$T/in"
"$DRIVE" flood 20000 < "$T/in" > "$T/out" 2> "$T/err" &
DRIVE_PID=$!
track "$DRIVE_PID"
exec 9> "$T/in"
wait_until 20 grep -qx ready "$T/out" || fail "flood: not ready: $(cat "$T/err")"
for p in $(awk '$1 != "ready" && $1 != "tell" { print $2 }' "$T/out"); do
	track "$p"
done
guard=$(pids_of guard)
live=$(awk '$1 == 1 || $1 == 2 { print $2 }' "$T/out")
grep -q '^tell failed' "$T/out" &&
	fail "flood: $(grep '^tell failed' "$T/out")" ||
	ok "a stopped guard: 40 000 changes told, none failed"
# Once the guard runs again it has half a second to do wrong.
! wait_until 1 sh -c "for p in $live; do kill -0 \$p 2>/dev/null && exit 1; done; exit 0" &&
	all_alive $live $guard &&
	ok "nothing is killed while holdports runs" ||
	fail "killed while the driver runs: $(for p in $live; do alive $p || echo $p; done)"
kill9
wait_until 1 all_dead $live && ok "kill -9: the groups told last are killed" ||
	fail "kill -9: still running: $live"

# 5. A clean exit reaps the guard (guard_stop()), even a stopped one:
# under a parent that reaps nothing but its own child, as the init of a
# container, no zombie is left.
NOREAP=$TOP/tests/helpers/noreap
for how in "" stopped; do
	out=$("$NOREAP" "$DRIVE" stop $how 2>&1)
	st=$?
	case $st:$out in
	"0:stopped in "*) ok "guard_stop${how:+ of a stopped guard}: reaped, no zombie (${out#stopped in })" ;;
	3:*) skip "skipped: no subreaper here: $out" ;;
	*) fail "guard_stop $how: exit $st: $out" ;;
	esac
done

# 6. proc_children() and proc_pdeathsig().
for mode in children pdeathsig; do
	out=$("$DRIVE" "$mode" 2>&1)
	case $? in
	0) ok "$mode" ;;
	3) skip "skipped: $mode: $out" ;;
	*) fail "$mode: $out" ;;
	esac
done
finish
