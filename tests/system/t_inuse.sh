# SPDX-License-Identifier: ISC
# A port in use names its holder: a plain
# process by pid and command, another holdports instance by name, pid and
# config file, at start-up and on a live reload; a port that only has
# connections in TIME_WAIT is told apart from one that a process listens
# on.
. tests/system/lib.sh

# holdports shows a holder's command line cut at about 80 bytes: run the
# helper from a short path so the whole line can be compared wherever the
# repository is checked out.
cp "$TOP/tests/helpers/hp-hold" "$T/hold"
HOLD=$T/hold

# 1. A plain listener (a test helper process) holds the port.
"$HOLD" 0 > "$T/hold.port" 2> "$T/hold.err" &
hold=$!
track "$hold"
wait_until 10 test -s "$T/hold.port" || fail "hp-hold did not start: $(cat "$T/hold.err")"
hport=$(cat "$T/hold.port")
"$HP" -l "127.0.0.1:$hport=web" -- "$ECHO" 2> "$T/err1"
st=$?
[ "$st" -eq 1 ] &&
	grep -q "^holdports: bind 127.0.0.1:$hport (web): EADDRINUSE: Address already in use; another process holds this port: pid $hold ($HOLD 0); stop it, or set fallback = next" "$T/err1" &&
	ok "plain listener: exit 1, names pid $hold and its command" ||
	fail "plain listener: exit $st: $(cat "$T/err1")"
# A wildcard bind clashes with it too, and is told the same.
"$HP" -l "0.0.0.0:$hport=any" -- "$ECHO" 2> "$T/err1b"
st=$?
[ "$st" -eq 1 ] && grep -q "holds this port: pid $hold (" "$T/err1b" &&
	ok "0.0.0.0 against 127.0.0.1: names the same holder" ||
	fail "wildcard: exit $st: $(cat "$T/err1b")"

# The events port of the browser side: its own key is named.
cat > "$T/ev.ini" <<INI
[holdports]
events = 127.0.0.1:$hport
[socket.http]
listen = 127.0.0.1:0
[child]
command = $ECHO
INI
"$HP" -c "$T/ev.ini" 2> "$T/err1c"
st=$?
[ "$st" -eq 1 ] &&
	grep -q "^holdports: bind 127.0.0.1:$hport (events): EADDRINUSE: .*pid $hold .*set events_fallback = next" "$T/err1c" &&
	ok "events port: exit 1, names the holder and events_fallback" ||
	fail "events port: exit $st: $(cat "$T/err1c")"

# 2. Another holdports instance holds it: its name, pid and config file.
mkdir "$T/first"
dir=$(cd "$T/first" && pwd -P)
cat > "$dir/ports.ini" <<INI
[holdports]
name = first-app
[socket.http]
listen = 127.0.0.1:0
[child]
command = $ECHO
INI
hp_start -c "$dir/ports.ini"
port=$(wait_port http)
# it registers once its sockets are bound
wait_until 10 sh -c "'$HP' ls | grep -q '^first-app '" || fail "not registered"
"$HP" -n second -l "127.0.0.1:$port=web" -- "$ECHO" 2> "$T/err2"
st=$?
[ "$st" -eq 1 ] &&
	grep -q "^holdports: bind 127.0.0.1:$port (web): EADDRINUSE: Address already in use; another process holds this port: holdports instance 'first-app' (pid $HP_PID, socket 'http', config $dir/ports.ini); stop it" "$T/err2" &&
	ok "holdports instance: exit 1, names 'first-app', its pid and $dir/ports.ini" ||
	fail "holdports instance: exit $st: $(cat "$T/err2")"

# 3. The same on a live reload: a new socket on the helper's port is
# refused with its holder named, and the running configuration stays.
cat >> "$dir/ports.ini" <<INI
[socket.more]
listen = 127.0.0.1:$hport
INI
wait_until 10 grep -q "bind 127.0.0.1:$hport (more): EADDRINUSE" "$T/hp.log" &&
	grep -q "bind 127.0.0.1:$hport (more): EADDRINUSE: Address already in use; another process holds this port: pid $hold (" "$T/hp.log" &&
	listening "$port" && kill -0 "$HP_PID" &&
	ok "live reload: the holder is named, the running sockets stay" ||
	fail "live reload: $(cat "$T/hp.log")"
kill -TERM "$HP_PID"
wait "$HP_PID"
HP_PID=
kill "$hold"

# 4. Nobody listens, but the port is the local end of a connection in
# TIME_WAIT made without SO_REUSEADDR: the kernel refuses the bind, and
# the message says that nothing listens and why the port is not free.
"$HOLD" -w 0 > "$T/tw.port" 2> "$T/tw.err"
tport=$(cat "$T/tw.port")
hex=$(printf '%04X' "${tport:-0}")
if [ -z "$tport" ] ||
	! grep -q "^ *[0-9]*: 0100007F:$hex [0-9A-F:]* 06 " /proc/net/tcp; then
	skip "TIME_WAIT: could not leave a port in TIME_WAIT ($(cat "$T/tw.err"))"
else
	"$HP" -l "127.0.0.1:$tport=tw" -- "$ECHO" 2> "$T/err4"
	st=$?
	if [ "$st" -eq 0 ] || grep -q 'listening on' "$T/err4"; then
		skip "TIME_WAIT: this kernel let SO_REUSEADDR bind over it"
	else
		[ "$st" -eq 1 ] &&
			grep -q "EADDRINUSE: Address already in use; no process listens on this port, but it is the local port of 1 closed connection in TIME_WAIT" "$T/err4" &&
			ok "TIME_WAIT only: exit 1, says nothing listens and why" ||
			fail "TIME_WAIT: exit $st: $(cat "$T/err4")"
	fi
fi

# 5. Other errors by name: a port below 1024 without the privilege (as
# root, run as nobody where setpriv(1) can).
asuser=
if [ "$(id -u)" -eq 0 ] && command -v setpriv > /dev/null; then
	asuser="setpriv --reuid=65534 --regid=65534 --clear-groups"
fi
low=$(sed 's/[^0-9].*//' /proc/sys/net/ipv4/ip_unprivileged_port_start 2>/dev/null)
if [ "$(id -u)" -eq 0 ] && [ -z "$asuser" ]; then
	skip "EACCES below 1024: running as root without setpriv"
elif [ "${low:-1024}" -le 1 ]; then
	skip "EACCES below 1024: net.ipv4.ip_unprivileged_port_start lets anyone bind port 1"
else
	$asuser "$HP" -l 127.0.0.1:1=low -- "$ECHO" 2> "$T/err5"
	st=$?
	[ "$st" -eq 1 ] &&
		grep -q "^holdports: bind 127.0.0.1:1 (low): EACCES: Permission denied; .*sudo setcap cap_net_bind_service=+ep" "$T/err5" &&
		ok "port 1 unprivileged: EACCES with the capability to grant" ||
		fail "EACCES: exit $st: $(cat "$T/err5")"
fi

# 6. A holder whose descriptors this user may not read: named by its
# owner (root's helper, seen by nobody).
if [ -n "$asuser" ]; then
	"$HOLD" 0 > "$T/hold6.port" 2>&1 &
	h6=$!
	track "$h6"
	wait_until 10 test -s "$T/hold6.port"
	p6=$(cat "$T/hold6.port")
	XDG_RUNTIME_DIR=$T/none $asuser "$HP" -l "127.0.0.1:$p6=web" -- "$ECHO" 2> "$T/err6"
	st=$?
	[ "$st" -eq 1 ] &&
		grep -q "another process holds this port: a process of another user (user [a-z]*, uid 0), which holdports may not look into" "$T/err6" &&
		ok "a holder of another user: named by its user" ||
		fail "other user: exit $st: $(cat "$T/err6")"
	kill "$h6"
else
	skip "a holder of another user: needs root and setpriv to be another user"
fi
finish
