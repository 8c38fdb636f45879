# SPDX-License-Identifier: ISC
# Fault injection: writing the registry file fails with ENOSPC
# (a full $XDG_RUNTIME_DIR). The ports and the reloads do not depend on
# it: children start and serve; holdports says so once, not once per
# reload; once the disk has room again the file is written on its own,
# with the newest child, and that is said once.
. tests/system/lib.sh
. tests/fault/lib.sh
need_shim

hp_start_fault -l 127.0.0.1:0=http -- "$ECHO"
port=$(wait_port http)
wait_until 10 at_least 1 'started pid' || fail "no child"
reg=$XDG_RUNTIME_DIR/holdports/$HP_PID
if ! wait_until 5 test -f "$reg"; then
	skip "no registry file $reg (supervisor/reg.c not in this build)"
	finish
fi
child_in_reg() { sed -n 's/^child=//p' "$reg"; }
[ "$(child_in_reg)" = "$(latest_pid)" ] || fail "registry: child=$(child_in_reg)"
old=$(latest_pid)

fault "write ENOSPC 100 /holdports/"
i=1
while [ $i -le 3 ]; do
	kill -HUP "$HP_PID"
	wait_until 10 at_least $i 'SIGHUP, restarted pid' || fail "reload $i"
	i=$((i + 1))
done
if ! wait_until 10 hits_at_least 3 write; then
	skip "write(2) was not intercepted ($(hits write) faults)"
	finish
fi
n=$(hits write)
[ "$(count registry)" -eq 1 ] && [ "$(count ENOSPC)" -eq 1 ] &&
	ok "$n failed writes over 3 reloads, one log line" ||
	fail "$n failed writes: $(cat "$T/hp.log")"
new=$(latest_pid)
[ "$(child_in_reg)" = "$old" ] && ok "the registry keeps its last good file" ||
	fail "registry: child=$(child_in_reg), expected $old"
"$LOAD" -p "$port" -n 1 -o "$T/l.log" > /dev/null && grep -q " $new\$" "$T/l.log" &&
	ok "the port is served by the newest child $new all the same" ||
	fail "not served by $new"

no_fault
wait_until 15 sh -c "[ \"\$(sed -n 's/^child=//p' '$reg')\" = $new ]" &&
	ok "the registry catches up on its own: child=$new" ||
	fail "registry: child=$(child_in_reg), expected $new"
[ "$(count 'written again')" -eq 1 ] && ok "the recovery is logged once" ||
	fail "recovery lines: $(count 'written again')"
[ ! -e "$XDG_RUNTIME_DIR/holdports/.$HP_PID.tmp" ] &&
	ok "no temporary file left behind" || fail "a .tmp file is left"
kill -TERM "$HP_PID"
wait "$HP_PID"
HP_PID=
[ ! -e "$reg" ] && ok "the file is removed at exit" || fail "$reg left"
finish
