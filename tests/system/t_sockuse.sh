# SPDX-License-Identifier: ISC
# A child that does not take the socket it is given leaves connections
# waiting: holdports says why within a few seconds of the first one, once:
# the child listens on a port of its own, LISTEN_PID names a wrapper, or
# no process of the child holds the socket. A child that serves gets no
# message, and holdports then sleeps (no timer). While no child runs,
# waiting connections are said with the reason.
. tests/system/lib.sh

HOLD=$T/h/hp-hold

# connect PORT SECS: holds a connection to 127.0.0.1:PORT open for SECS
# (it waits in the queue), in the background; prints its pid.
connect() {
	python3 -c "
import socket, sys, time
s = socket.create_connection(('127.0.0.1', $1))
time.sleep($2)
" > /dev/null 2>&1 &
	track $!
	echo $!
}

if ! command -v python3 > /dev/null 2>&1; then
	skip "python3 not installed (Debian package python3): no client"
	finish
fi

# run_case LABEL PATTERN COMMAND...: holdports runs COMMAND; a connection
# waits; within 10 s the log has a line matching PATTERN (a grep -E
# pattern, where @PORT@ stands for the port the child printed).
run_case() {
	label=$1 pattern=$2
	shift 2
	: > "$T/child.out"
	hp_start -l 127.0.0.1:0=http -- "$@" > "$T/child.out"
	port=$(wait_port http)
	wait_until 10 at_least 1 'started pid' || fail "$label: no start"
	wait_until 10 sh -c "[ -s '$T/child.out' ]"
	own=$(head -n 1 "$T/child.out")
	pattern=$(echo "$pattern" | sed "s/@PORT@/$own/g")
	connect "$port" 15 > /dev/null
	if wait_until 10 grep -qE "$pattern" "$T/hp.log"; then
		ok "$label: $(grep -E "$pattern" "$T/hp.log" | cut -c1-240)"
	else
		fail "$label: nothing said: $(cat "$T/hp.log")"
	fi
	n=$(grep -c 'none was taken' "$T/hp.log")
	[ "$n" -eq 1 ] && ok "$label: said once" || fail "$label: said $n times"
	kill -TERM "$HP_PID"
	wait "$HP_PID"
	HP_PID=
}

# 1. A server that binds a port of its own (Node on 3100).
run_case "own port" \
    "1 connection waited 3 s on http .*none was taken: pid [0-9]+ .*listens on 127\.0\.0\.1:@PORT@ itself; make it take the socket holdports passes as fd 3" \
    "$HOLD" 0

# 2. The same behind a wrapper that forks: LISTEN_PID is the wrapper's.
run_case "LISTEN_PID of a wrapper" \
    "listens on 127\.0\.0\.1:@PORT@ itself;.*it is not the process holdports started, whose pid LISTEN_PID names \(pid [0-9]+ \(sh " \
    sh -c "\"$HOLD\" 0; :"

# 3. A wrapper that does not pass fd 3 on.
run_case "fd 3 dropped" \
    "no process of the child holds the socket: something between holdports and the server closed fd 3" \
    sh -c 'echo ready; exec 3<&-; exec sleep 60'

# 4. The socket reaches a process that LISTEN_PID does not name.
run_case "held by another pid" \
    "pid [0-9]+ \(sleep 60\) holds the socket, but LISTEN_PID names pid [0-9]+ \(sh " \
    sh -c 'echo ready; sleep 60 & exec 3<&-; wait'

# 5. A child that serves (after 300 ms, so that the first connection
# waits): nothing is said, and holdports then sleeps (no timer: its
# voluntary context switches stay the same).
hp_start -v -l 127.0.0.1:0=http -- "$ECHO" -d 300
port=$(wait_port http)
wait_until 10 at_least 1 'started pid' || fail "serving: no start"
if "$LOAD" -p "$port" -n 5 > /dev/null 2>&1; then
	ok "serving: 5 requests answered"
else
	fail "serving: requests failed"
fi
wait_until 10 at_least 1 'http: the child takes its connections' &&
	ok "serving: a look after the first connection found it taken" ||
	fail "serving: no look: $(cat "$T/hp.log")"
if ! grep -q 'none was taken\|waiting on' "$T/hp.log"; then
	ok "serving: nothing said about its socket"
else
	fail "serving: $(cat "$T/hp.log")"
fi
# switched N: holdports has woken up since it had N context switches
switched() {
	[ "$(sed -n 's/^voluntary_ctxt_switches:[[:space:]]*//p' \
	    "/proc/$HP_PID/status")" != "$1" ]
}
a=$(sed -n 's/^voluntary_ctxt_switches:[[:space:]]*//p' "/proc/$HP_PID/status")
if wait_until 2 switched "$a"; then
	fail "serving: holdports woke up while idle"
else
	ok "serving: holdports sleeps once idle (no wake-up in 2 s)"
fi
kill -TERM "$HP_PID"
wait "$HP_PID"
HP_PID=

# 6. No child runs (restart = no after a clean exit): a connection that
# waits is said at once, with why.
cat > "$T/ports.ini" << EOF
[socket.http]
listen = 127.0.0.1:0
[child]
command = true
restart = no
EOF
hp_start -c "$T/ports.ini"
port=$(wait_port http)
wait_until 10 at_least 1 'waiting for a change' || fail "idle: the child did not exit"
connect "$port" 15 > /dev/null
if wait_until 5 grep -q "1 connection waiting on http (127.0.0.1:$port); no child running (pid [0-9]* exited with status 0, and restart = no)" "$T/hp.log"; then
	ok "idle: $(grep 'connection waiting' "$T/hp.log")"
else
	fail "idle: $(cat "$T/hp.log")"
fi
connect "$port" 15 > /dev/null
wait_until 2 at_least 2 'connection waiting'
[ "$(count 'connection waiting')" -eq 1 ] && ok "idle: said once" ||
	fail "idle: said $(count 'connection waiting') times"
kill -TERM "$HP_PID"
wait "$HP_PID"
HP_PID=
finish
