# SPDX-License-Identifier: ISC
# Production with systemd: contrib/systemd/holdports-demo.{socket,service}
# describe the demo server as conf/demo.ini does (same address, backlog,
# socket name, stop signal and time-out, restart policy); the demo server
# run the way systemd runs it, by systemd-socket-activate with the unit's
# FileDescriptorName, finds its socket by that name; and systemd-analyze
# verify accepts both units.
. tests/system/lib.sh

UNITS=$TOP/contrib/systemd
SOCKET=$UNITS/holdports-demo.socket
SERVICE=$UNITS/holdports-demo.service
DEMO=$TOP/contrib/demo/demo-server

# key FILE KEY: the value of KEY= in a unit file (the last one).
key() { sed -n "s/^$2=//p" "$1" | tail -n 1; }

# ini SECTION KEY: the value of KEY in [SECTION] of conf/demo.ini.
ini() {
	awk -v s="[$1]" -v k="$2" '
		/^\[/ { in_s = ($0 == s); next }
		in_s && $1 == k && $2 == "=" { sub(/^[^=]*=[ \t]*/, ""); v = $0 }
		END { print v }' "$TOP/conf/demo.ini"
}

# The socket of demo.ini: the first [socket.NAME] section.
name=$(sed -n 's/^\[socket\.\(.*\)\]$/\1/p' "$TOP/conf/demo.ini" | head -n 1)
fdname=$(key "$SOCKET" FileDescriptorName)
check() { # check WHAT UNIT-VALUE INI-VALUE
	[ "$2" = "$3" ] && [ -n "$2" ] && ok "units and demo.ini agree: $1 $2" ||
		fail "$1: '$2' in the unit, '$3' in conf/demo.ini"
}
check "socket name" "$fdname" "$name"
check "listen address" "$(key "$SOCKET" ListenStream)" "$(ini "socket.$name" listen)"
check "backlog" "$(key "$SOCKET" Backlog)" "$(ini "socket.$name" backlog)"
check "stop signal" "$(key "$SERVICE" KillSignal)" "SIG$(ini holdports stop_signal)"
check "stop time-out" "$(key "$SERVICE" TimeoutStopSec)" "$(ini holdports stop_timeout)"
check "restart policy" "$(key "$SERVICE" Restart)" "$(ini holdports restart)"
env_unit=$(key "$SERVICE" Environment)
check "environment variable" "${env_unit%%=*}" "$(ini child environment | sed 's/=.*//')"
[ "$(key "$SERVICE" ExecStart | sed 's,.*/,,')" = "$(basename "$(ini child command)")" ] &&
	ok "units and demo.ini agree: the program is demo-server" ||
	fail "ExecStart $(key "$SERVICE" ExecStart) is not demo.ini's command"

if ! command -v systemd-socket-activate > /dev/null 2>&1; then
	skip "systemd-socket-activate not installed (Debian package systemd)"
else
	# systemd-socket-activate cannot bind port 0, but passes on the fds
	# it receives: holdports binds two free ports for it, another socket
	# first, so the demo's socket is fd 4 and only a lookup by name finds
	# it (demo-server takes fd 3 when no socket has the name). It execs
	# the demo on the first connection, as systemd starts the service.
	hp_start -l 127.0.0.1:0=other -l "127.0.0.1:0=$fdname" -- \
	    systemd-socket-activate --fdname="other:$fdname" \
	    -E "${env_unit%%=*}=$TOP/contrib/demo/message.txt" "$DEMO"
	port=$(wait_port "$fdname")
	wait_until 10 at_least 1 'started pid' || fail "not started: $(cat "$T/hp.log")"
	pid=$(latest_pid)
	body=$("$LOAD" -p "$port" -n 1 -r 'GET /pid HTTP/1.0\r\n\r\n' 2>&1 | head -n 1)
	[ "$body" = "$pid" ] &&
		ok "demo under systemd-socket-activate --fdname=other:$fdname answers /pid with its pid" ||
		fail "demo under systemd-socket-activate: '$body', not $pid: $(cat "$T/hp.log")"
	grep -q "^demo-server: pid $pid .*socket: fd 4, inherited (LISTEN_FDS=2)" "$T/hp.log" &&
		ok "hp_listen_fd(\"$fdname\") found fd 4 by its name" ||
		fail "demo-server did not find fd 4 by name: $(grep demo-server "$T/hp.log")"
	page=$("$LOAD" -p "$port" -n 1 -r 'GET / HTTP/1.0\r\n\r\n' 2>&1)
	msg=$(head -n 1 "$TOP/contrib/demo/message.txt" | sed 's/[&<>"].*//')
	case $page in
	*"$msg"*) ok "the page shows the message of the unit's $(echo "$env_unit" | sed 's/=.*//')" ;;
	*) fail "page without the message '$msg': $(echo "$page" | head -c 300)" ;;
	esac
	kill -HUP "$HP_PID"
	wait_until 10 at_least 1 'SIGHUP, restarted pid' || fail "no reload"
	pid2=$(latest_pid)
	body=$("$LOAD" -p "$port" -n 1 -r 'GET /pid HTTP/1.0\r\n\r\n' 2>&1 | head -n 1)
	[ "$body" = "$pid2" ] && [ "$pid2" != "$pid" ] &&
		ok "and the next demo-server after a reload" ||
		fail "after a reload: '$body', not $pid2"
	kill -TERM "$HP_PID"
	wait "$HP_PID" || fail "holdports exited $?"
	HP_PID=
fi

if ! command -v systemd-analyze > /dev/null 2>&1; then
	skip "systemd-analyze verify: not installed (Debian package systemd)"
else
	# verify wants ExecStart to exist: point it at the built demo-server.
	mkdir -p "$T/units"
	cp "$SOCKET" "$T/units/"
	sed "s,^ExecStart=.*,ExecStart=$DEMO," "$SERVICE" > "$T/units/holdports-demo.service"
	if systemd-analyze verify --man=no "$T/units/holdports-demo.socket" \
	    "$T/units/holdports-demo.service" > "$T/verify.out" 2>&1 &&
	    [ ! -s "$T/verify.out" ]; then
		ok "systemd-analyze verify: both units are clean"
	else
		fail "systemd-analyze verify: $(cat "$T/verify.out")"
	fi
fi
finish
