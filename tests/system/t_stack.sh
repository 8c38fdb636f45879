# SPDX-License-Identifier: ISC
# Several children in one holdports: the example stack of
# contrib/examples/stack (an API in Python, a front end in Node.js that
# passes /api/ to it, a worker that calls it) under load on both
# sockets through 20 reloads of each child, without a failed connection
# and without touching the other child; a child that calls another's
# socket while that one is still starting; reload NAME CHILD; a stop
# where one child ignores SIGTERM.
. tests/system/lib.sh

mkdir -p "$T/reports"

# 1. Each child stops with its own signal and time: the one that ignores
# SIGTERM is killed after its stop_timeout, the other is gone at once.
cat > "$T/stop.ini" <<INI
[holdports]
name = stopper
stop_timeout = 30s
[socket.a]
listen = 127.0.0.1:0
[socket.b]
listen = 127.0.0.1:0
[child.stubborn]
command = $ECHO -T -r $T/reports
sockets = a
stop_timeout = 1s
[child.meek]
command = $ECHO -r $T/reports
sockets = b
INI
hp_start -c "$T/stop.ini"
wait_until 10 at_least 1 'stubborn: started pid' && wait_until 10 at_least 1 'meek: started pid' ||
	fail "children not started: $(cat "$T/hp.log")"
stubborn=$(sed -n 's/.*stubborn: started pid \([0-9]*\).*/\1/p' "$T/hp.log")
meek=$(sed -n 's/.*meek: started pid \([0-9]*\).*/\1/p' "$T/hp.log")
wait_until 10 test -f "$T/reports/$stubborn.report" || fail "no report from $stubborn"
start=$(date +%s%N)
kill -TERM "$HP_PID"
wait_until 1 dead "$meek" && alive "$stubborn" &&
	ok "SIGTERM: the meek child is gone at once, the stubborn one still runs" ||
	fail "meek $meek: $(alive "$meek" && echo alive), stubborn $stubborn: $(dead "$stubborn" && echo dead)"
wait "$HP_PID"
st=$?
HP_PID=
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$st" -eq 0 ] && dead "$stubborn" && [ "$ms" -ge 900 ] && [ "$ms" -lt 10000 ] &&
	ok "the stubborn child was killed after its own stop_timeout (exit 0 after $ms ms)" ||
	fail "stop: exit $st after $ms ms, stubborn $(alive "$stubborn" && echo alive)"
grep -q "stubborn: pid $stubborn did not stop within 1.00 s of SIGTERM" "$T/hp.log" &&
	ok "the log names the child that did not stop" || fail "log: $(cat "$T/hp.log")"

# 2. A socket given twice, or to no child: refused by holdports check.
printf '[socket.a]\nlisten = 0\n[child.x]\ncommand = ./x\nsockets = a\n[child.y]\ncommand = ./y\nsockets = a\n' > "$T/twice.ini"
"$HP" check -c "$T/twice.ini" > /dev/null 2> "$T/err"
st=$?
[ "$st" -eq 2 ] && grep -q "twice.ini:8: \[child.y\] sockets: 'a' is given to \[child.x\] too (line 5)" "$T/err" &&
	ok "a socket given to two children: exit 2 with file:line" || fail "twice: exit $st: $(cat "$T/err")"
printf '[socket.a]\nlisten = 0\n[socket.b]\nlisten = 0\n[child.x]\ncommand = ./x\nsockets = a\n[child.y]\ncommand = ./y\n' > "$T/none.ini"
"$HP" check -c "$T/none.ini" > /dev/null 2> "$T/err"
st=$?
[ "$st" -eq 2 ] && grep -q "none.ini:3: \[socket.b\]: no child takes this socket" "$T/err" &&
	ok "a socket no child takes: exit 2 with file:line" || fail "none: exit $st: $(cat "$T/err")"

if ! command -v python3 > /dev/null 2>&1; then
	skip "the example stack: python3 not installed (Debian package python3)"
	finish
fi
if ! command -v node > /dev/null 2>&1; then
	skip "the example stack: node not installed (Debian package nodejs)"
	finish
fi

# 3. The example stack, on ports the kernel chooses; the API takes 2 s to
# start, and the worker calls it at once: its call waits in the backlog.
cp contrib/examples/stack/api.py contrib/examples/stack/web.js \
    contrib/examples/stack/worker.py "$T/"
awk '{ sub(/127\.0\.0\.1:808[01]/, "127.0.0.1:0"); sub(/^name = stack$/, "name = stack-test"); print }
	/^\[child\.api\]/ { print "environment = API_START_DELAY=2" }' \
    contrib/examples/stack/ports.ini > "$T/ports.ini"
cd "$T" || exit 1
# The children's output goes to holdports' stdout.
hp_start -c "$T/ports.ini" > "$T/out.log"
api=$(wait_port api)
web=$(wait_port web)
cd "$TOP" || exit 1
[ -n "$api" ] && [ -n "$web" ] || fail "no sockets: $(cat "$T/hp.log")"
wait_until 15 grep -q 'worker: job 1 done by api pid' "$T/out.log" &&
	ok "the worker's first call waited for the API's slow start and got through" ||
	fail "worker: $(cat "$T/out.log" "$T/hp.log")"
! grep -q 'Traceback\|Error' "$T/out.log" && ! grep -q 'exited with' "$T/hp.log" &&
	ok "no child failed while another was starting" ||
	fail "an error while starting: $(cat "$T/out.log" "$T/hp.log")"
# An edit of the API's section reloads the API alone.
grep -v API_START_DELAY "$T/ports.ini" > "$T/p2" && mv "$T/p2" "$T/ports.ini"
wait_until 10 at_least 1 'api: ports.ini changed, restarted pid' &&
	! grep -q 'web: ports.ini changed\|worker: ports.ini changed' "$T/hp.log" &&
	ok "a change of one child's section in ports.ini reloads that child alone" ||
	fail "edit of [child.api]: $(tail -n 5 "$T/hp.log")"
REQ='GET /pid HTTP/1.0\r\n\r\n'
apipid=$("$LOAD" -p "$api" -n 1 -r "$REQ" 2>/dev/null | head -n 1)
viaweb=$("$LOAD" -p "$web" -n 1 -r 'GET /api/pid HTTP/1.0\r\n\r\n' 2>&1 | head -n 1)
[ -n "$apipid" ] && [ "$viaweb" = "$apipid" ] &&
	ok "the front end reaches the API through HOLDPORTS_SOCKET_API" ||
	fail "front end to API: got '$viaweb', API pid '$apipid'"

# 4. Load on both sockets while each child is reloaded 20 times alone.
"$LOAD" -p "$api" -r "$REQ" -s "$T/stop" -t 120 -o "$T/api.log" > "$T/api.out" 2> "$T/api.err" &
la=$!
track "$la"
"$LOAD" -p "$web" -r 'GET /api/pid HTTP/1.0\r\n\r\n' -s "$T/stop" -t 120 -o "$T/web.log" > "$T/web.out" 2> "$T/web.err" &
lw=$!
track "$lw"
# serves PORT PID: the child answering /pid on PORT is PID.
serves() { [ "$("$LOAD" -p "$1" -n 1 -r "$REQ" 2>/dev/null | head -n 1)" = "$2" ]; }
# reload_n CHILD N PORT: N reloads of CHILD alone, each awaited until the
# new child answers on PORT, so that each reload replaces a serving one.
reload_n() {
	_i=1
	while [ "$_i" -le "$2" ]; do
		"$HP" reload stack-test "$1" > /dev/null 2>&1 || return 1
		wait_until 20 at_least "$_i" "$1: holdports reload $1, restarted pid" || return 1
		_new=$(sed -n "s/.*$1: holdports reload $1, restarted pid \([0-9]*\).*/\1/p" "$T/hp.log" | tail -n 1)
		wait_until 20 serves "$3" "$_new" || return 1
		_i=$((_i + 1))
	done
}
webpid=$(sed -n 's/.*web: started pid \([0-9]*\).*/\1/p' "$T/hp.log")
reload_n api 20 "$api" && ok "20 reloads of the API alone (holdports reload NAME CHILD)" ||
	fail "api reloads: $(tail -n 5 "$T/hp.log")"
[ "$(sed -n 's/.*web: started pid \([0-9]*\).*/\1/p' "$T/hp.log")" = "$webpid" ] && alive "$webpid" &&
	! grep -q 'web: holdports reload\|web: SIGHUP' "$T/hp.log" &&
	ok "the front end kept its pid $webpid through the API's reloads" || fail "web was touched"
apinow=$(sed -n 's/.*api: holdports reload api, restarted pid \([0-9]*\).*/\1/p' "$T/hp.log" | tail -n 1)
reload_n web 20 "$web" && ok "20 reloads of the front end alone" ||
	fail "web reloads: $(tail -n 5 "$T/hp.log")"
alive "$apinow" && [ "$(grep -c 'api: holdports reload api, restarted' "$T/hp.log")" -eq 20 ] &&
	ok "the API kept its pid $apinow through the front end's reloads" || fail "api was touched"
touch "$T/stop"
wait "$la"
sa=$?
wait "$lw"
sw=$?
[ "$sa" -eq 0 ] && ok "API socket under load: $(tail -n 1 "$T/api.out")" ||
	fail "API socket: $(tail -n 1 "$T/api.out") $(head -n 3 "$T/api.err")"
[ "$sw" -eq 0 ] && ok "front-end socket under load: $(tail -n 1 "$T/web.out")" ||
	fail "front-end socket: $(tail -n 1 "$T/web.out") $(head -n 3 "$T/web.err")"

# 5. holdports ls shows each child with its pid and its sockets.
"$HP" ls --json > "$T/ls.json"
grep -q "\"socket\":\"api\".*\"child\":\"api\"" "$T/ls.json" &&
	grep -q "\"socket\":null.*\"child\":\"worker\"" "$T/ls.json" &&
	ok "ls --json: a row per socket with its child, and the worker" ||
	fail "ls --json: $(cat "$T/ls.json")"
finish
