# SPDX-License-Identifier: ISC
# Fault injection: poll(2) interrupted (EINTR) at random, half of
# the calls. EINTR is normal: holdports logs nothing about it,
# loses no event, signal or deadline, and refuses no connection across
# reloads by SIGHUP and by file change (a debounce deadline) under load;
# with the fault gone it goes on as before.
. tests/system/lib.sh
. tests/fault/lib.sh
need_shim

mkdir -p "$T/src"
fault "poll EINTR 50"
hp_start_fault -d 10ms -w "$T/src" -l 127.0.0.1:0=http -- "$ECHO"
port=$(wait_port http)
wait_until 10 at_least 1 'started pid' || fail "no child"
# holdports starts the child first and watches second: wait for the watches.
wait_until 10 watching "$HP_PID" || fail "no inotify watch"
"$LOAD" -p "$port" -s "$T/stop" -t 100 -o "$T/load.log" > "$T/load.out" &
load=$!
track "$load"
i=1
while [ $i -le 10 ]; do
	kill -HUP "$HP_PID"
	wait_until 10 at_least $i 'SIGHUP, restarted pid' || { fail "SIGHUP $i lost"; break; }
	echo $i > "$T/src/main.c"
	wait_until 10 at_least $i 'main.c changed, restarted pid' || { fail "change $i lost"; break; }
	i=$((i + 1))
done
pid=$(latest_pid)
wait_until 10 grep -q " $pid\$" "$T/load.log" || fail "last child never answered"
touch "$T/stop"
wait "$load" && ok "20 reloads under load with EINTR: $(cat "$T/load.out")" ||
	fail "connections lost: $(cat "$T/load.out")"
n=$(hits poll)
if [ "$n" -eq 0 ]; then
	skip "poll(2) was not intercepted: a sanitizer runtime in the way?"
	finish
fi
[ "$(count 'poll\|nterrupt')" -eq 0 ] &&
	ok "$n interrupted polls, not one log line" || fail "$(cat "$T/hp.log")"
no_fault
kill -HUP "$HP_PID"
wait_until 10 at_least 11 'SIGHUP, restarted pid' && "$LOAD" -p "$port" -n 3 > /dev/null &&
	ok "and without the fault it goes on" || fail "no reload after the fault"
finish
