# SPDX-License-Identifier: ISC
# A child that starts 100 daemons, each of which leaves its process group
# (setsid, a double fork), in a cgroup v2 of its own (cgroup.c, through
# tests/helpers/cgroup-drive): a SIGKILL of the child leaves them running,
# as a process group kill would; the cgroup's kill ends them all. And
# when holdports itself is killed with SIGKILL, the guard ends them and
# removes the cgroups. Needs root (or a delegated cgroup) and cgroup v2.
. tests/system/lib.sh

DRIVE=$TOP/tests/helpers/cgroup-drive
if [ ! -x "$DRIVE" ]; then
	skip "skipped: $DRIVE not built (make system)"
	finish
fi
all_alive() { for _p; do alive "$_p" || return 1; done; }
all_dead() { for _p; do dead "$_p" || return 1; done; }

# 1. Stopping a child: cgroup_kill(), the leaf empties, all removed.
out=$("$DRIVE" kill 2>&1)
st=$?
case $st in
3)
	skip "skipped: $out"
	finish ;;
esac
echo "$out" > "$T/kill.out"
while read -r line; do
	case $line in
	"ok: "*) ok "${line#ok: }" ;;
	"FAIL: "*) fail "${line#FAIL: }" ;;
	*) fail "$line" ;;
	esac
done < "$T/kill.out"
[ "$st" -eq 0 ] || fail "cgroup-drive kill: exit $st"

# 2. holdports killed with SIGKILL: the guard ends the daemons.
"$DRIVE" guard > "$T/out" 2> "$T/err" &
top=$!
track "$top"
wait_until 20 grep -qx ready "$T/out" || {
	fail "not ready: $(cat "$T/out" "$T/err")"
	finish
}
hp=$(sed -n 's/^holdports //p' "$T/out")
guard=$(sed -n 's/^guard //p' "$T/out")
dir=$(sed -n 's/^cgroup //p' "$T/out")
daemons=$(sed -n 's/^daemon //p' "$T/out")
for p in $daemons $guard; do track "$p"; done
[ "$(echo "$daemons" | wc -l)" -eq 100 ] && all_alive $daemons && ok "100 daemons run in $dir" ||
	fail "not all 100 daemons run"
kill -KILL "$hp"
wait_until 10 all_dead $daemons && ok "kill -9 of holdports: the guard ended all 100" ||
	fail "daemons left: $(for p in $daemons; do alive "$p" && echo "$p"; done | wc -l)"
wait_until 10 sh -c "! test -e '$dir'" && ok "and removed the cgroups" ||
	fail "$dir is still there: $(ls "$dir")"
wait_until 10 dead "$guard" && ok "the guard exits" || fail "the guard $guard still runs"
grep -q "guard: holdports is gone; killed its cgroups" "$T/err" &&
	ok "the guard says so" || fail "no message: $(cat "$T/err")"
wait "$top"
st=$?
[ "$st" -eq 0 ] && ok "nothing left to reap" || fail "cgroup-drive guard: exit $st"

# 3. A user who may not change holdports' cgroup: cgroup_open() fails with
# a reason to show at -v, and the caller uses process groups alone.
if [ "$(id -u)" -eq 0 ] && command -v setpriv > /dev/null; then
	mkdir "$T/pub"
	chmod 755 "$T" "$T/pub"
	cp "$DRIVE" "$T/pub/cgroup-drive"
	out=$(setpriv --reuid 65534 --regid 65534 --clear-groups \
	    "$T/pub/cgroup-drive" kill 2>&1)
	st=$?
	case $st:$out in
	"3:skip: "*"is not ours to change"*"delegated to you"*)
		ok "another user: refused, saying why (${out#skip: })" ;;
	*) fail "another user: exit $st: $out" ;;
	esac
else
	skip "skipped: the refusal needs root and setpriv(1)"
fi
finish
