# SPDX-License-Identifier: ISC
# Fault injection: inotify_add_watch(2) fails with ENOSPC (the
# kernel's watch limit) for every new directory. holdports says so once,
# with the sysctl to raise it, keeps the port and the child, and once the
# limit is gone it watches the new directories after all (at the next
# event, without waking up while idle), says so once, and reloads for what
# it may have missed; a change inside a directory made during the fault
# then reloads as usual.
. tests/system/lib.sh
. tests/fault/lib.sh
need_shim

mkdir -p "$T/src"
hp_start_fault -d 10ms -w "$T/src" -l 127.0.0.1:0=http -- "$ECHO"
port=$(wait_port http)
wait_until 10 at_least 1 'started pid' || fail "no child"
# holdports starts the child first and watches second: wait for the watches.
wait_until 10 watching "$HP_PID" || fail "no inotify watch"

fault "inotify_add_watch ENOSPC"
mkdir "$T/src/d1"
if ! wait_until 10 hits_at_least 1 inotify_add_watch; then
	skip "inotify_add_watch(2) was not intercepted: a sanitizer runtime in the way?"
	finish
fi
# The directory's creation is still a change of its parent: a reload.
wait_until 10 at_least 2 'pid' || fail "no reload for d1"
mkdir "$T/src/d2" "$T/src/d3"
wait_until 10 hits_at_least 3 inotify_add_watch || fail "not 3 faults"
wait_until 10 at_least 1 'd[23] .*restarted pid' || fail "no reload for d2, d3"
n=$(hits inotify_add_watch)
[ "$(count 'watch limit reached')" -eq 1 ] &&
	grep -q 'sudo sysctl fs.inotify.max_user_watches=' "$T/hp.log" &&
	ok "$n failed watches, one log line with the fix" ||
	fail "$n faults: $(cat "$T/hp.log")"
listening "$port" && "$LOAD" -p "$port" -n 1 > /dev/null &&
	ok "the port stays bound and served" || fail "port $port"

no_fault
# Any event (an ignored editor file here) lets the watcher try again.
wait_until 10 sh -c "touch '$T/src/poke.swp'; grep -q 'every directory is watched again' '$T/hp.log'" &&
	ok "the watcher recovers once the limit is gone" ||
	fail "no recovery: $(cat "$T/hp.log")"
[ "$(count 'watched again')" -eq 1 ] && ok "the recovery is logged once" ||
	fail "recovery lines: $(count 'watched again')"
wait_until 10 at_least 1 'src changed, restarted pid' &&
	ok "a reload for what may have been missed" || fail "no reload after recovery"
echo change > "$T/src/d2/file"
wait_until 10 at_least 1 'd2/file changed, restarted pid' &&
	ok "a change in a directory made during the fault reloads" ||
	fail "d2/file not seen: $(cat "$T/hp.log")"
"$LOAD" -p "$port" -n 1 -o "$T/l.log" > /dev/null &&
	grep -q " $(latest_pid)\$" "$T/l.log" &&
	ok "answered by the newest child" || fail "no answer from $(latest_pid)"
[ "$(count 'watch limit reached')" -eq 1 ] && ok "and no second warning" ||
	fail "warnings: $(count 'watch limit reached')"
finish
