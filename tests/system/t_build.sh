# SPDX-License-Identifier: ISC
# build = CMD gates every start: a failing build leaves the old child
# serving (same pid, requests answered) and is logged with its status;
# the next good build restarts; a change during a build restarts it.
. tests/system/lib.sh

mkdir -p "$T/reports" "$T/src"
echo 0 > "$T/src/exit"
# The "build": exits with the code in src/exit, after an optional wait in
# src/wait (an existing file = build while the test edits).
cat > "$T/build.sh" <<'SH'
echo "building $(cat src/version 2>/dev/null)"
if [ -f src/slow ]; then
	i=0
	while [ -f src/slow ] && [ $i -lt 500 ]; do sleep 0.01; i=$((i + 1)); done
fi
exit "$(cat src/exit)"
SH
cat > "$T/ports.ini" <<INI
[holdports]
debounce = 20ms
[socket.http]
listen = 127.0.0.1:0
[child]
directory = $T
build = sh build.sh
command = $ECHO -r $T/reports
watch = src
ignore = slow
INI
# The build's output goes to holdports' standard output.
"$HP" -c "$T/ports.ini" > "$T/out.log" 2> "$T/hp.log" &
HP_PID=$!
track "$HP_PID"
port=$(wait_port http)
wait_until 10 at_least 1 'build ok (.*), started pid' &&
	ok "the first start waits for the build: $(grep 'started pid' "$T/hp.log")" ||
	fail "no build before start: $(cat "$T/hp.log")"
# holdports starts the child first and watches second: wait for the watches.
wait_until 10 watching "$HP_PID" || fail "no inotify watch"
grep -q '^building' "$T/out.log" && ok "the build's output reaches holdports' output" ||
	fail "build output lost"
pid=$(latest_pid)

echo 2 > "$T/src/exit"
wait_until 10 at_least 1 'build failed: exited with status 2 after .*; the running child stays' &&
	ok "a failed build is logged with its status" || fail "no build failure line: $(cat "$T/hp.log")"
[ "$(latest_pid)" = "$pid" ] && alive "$pid" && "$LOAD" -p "$port" -n 5 > "$T/l1" &&
	grep -q "pids=1" "$T/l1" && ok "the old child keeps serving (pid $pid)" ||
	fail "old child not serving after failed build: $(cat "$T/l1")"

echo 0 > "$T/src/exit"
wait_until 10 at_least 1 'exit changed, build ok (.*), restarted pid' &&
	ok "the next good build restarts: $(grep 'build ok' "$T/hp.log" | tail -n 1)" ||
	fail "no restart after fixed build: $(cat "$T/hp.log")"

# A change during a build stops that build and builds again.
n=$(grep -c '^building' "$T/out.log")
touch "$T/src/slow"
echo 1 > "$T/src/version"
wait_until 10 sh -c "[ \$(grep -c '^building' '$T/out.log') -gt $n ]" || fail "slow build not started"
echo 2 > "$T/src/version"
wait_until 10 at_least 1 'during the build; building again' &&
	ok "a change during a build restarts it" || fail "no rebuild: $(tail -n 5 "$T/hp.log")"
rm -f "$T/src/slow"
wait_until 10 at_least 1 'version changed, build ok (.*), restarted pid' &&
	ok "and the rebuilt one is started" || fail "no start after rebuild: $(tail -n 5 "$T/hp.log")"
finish
