# SPDX-License-Identifier: ISC
# The promise: under back-to-back connections, 50 reloads by file change
# and 50 by SIGHUP lose no connection, and each new child answers.
. tests/system/lib.sh

mkdir -p "$T/reports" "$T/src"
echo 0 > "$T/src/main.c"
hp_start -d 10ms -w "$T/src" -l 127.0.0.1:0=http -- "$ECHO"
port=$(wait_port http)
wait_until 10 at_least 1 'started pid' || fail "no child"
wait_until 10 watching "$HP_PID" || fail "no inotify watch"
"$LOAD" -p "$port" -s "$T/stop" -t 100 -o "$T/load.log" > "$T/load.out" &
load=$!
track "$load"
# The first child answers before the first reload, or it would not count.
wait_until 10 grep -q " $(latest_pid)\$" "$T/load.log" ||
    fail "the first child did not answer"

# reload N HOW: trigger reload number N, wait for holdports to say so and
# for the load client to get an answer from the new child.
reload() {
	if [ "$2" = file ]; then
		echo "$1" > "$T/src/main.c"
		wait_until 10 at_least "$1" 'main.c changed, restarted pid' || return 1
	else
		kill -HUP "$HP_PID"
		wait_until 10 at_least "$1" 'SIGHUP, restarted pid' || return 1
	fi
	_pid=$(latest_pid)
	wait_until 10 grep -q " $_pid\$" "$T/load.log"
}
i=1
while [ $i -le 50 ]; do
	reload $i file || { fail "file reload $i: no answer from the new child"; break; }
	i=$((i + 1))
done
i=1
while [ $i -le 50 ]; do
	reload $i hup || { fail "SIGHUP reload $i: no answer from the new child"; break; }
	i=$((i + 1))
done
touch "$T/stop"
wait "$load"
st=$?
summary=$(cat "$T/load.out")
[ "$st" -eq 0 ] && ok "100 reloads under load: $summary" || fail "connections lost: $summary"
pids=$(grep -c PIDCHANGE "$T/load.log")
[ "$pids" -eq 101 ] && ok "101 children each answered" || fail "$pids children answered"
finish
