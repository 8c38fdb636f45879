# SPDX-License-Identifier: ISC
# A child that shuts the held listener down (shutdown(2) SHUT_RD) and
# exits, with restart = no: no next child comes to restore the socket, so
# holdports checks it when the child exits. The listener listens again at
# once: another process, even with SO_REUSEADDR, cannot take the port
# while holdports holds it, and a connection waits in the backlog.
. tests/system/lib.sh

HOSTILE=$TOP/tests/helpers/hostile
[ -x "$HOSTILE" ] || { skip "skipped: $HOSTILE not built (make system)"; finish; }
cat > "$T/ports.ini" <<INI
[holdports]
restart = no
[socket.http]
listen = 127.0.0.1:0
[child]
command = $HOSTILE -m shutrd-exit
INI
hp_start -c "$T/ports.ini"
port=$(wait_port http)
wait_until 10 at_least 1 'not restarting (restart = no)' ||
	fail "the child did not exit: $(cat "$T/hp.log")"
wait_until 10 listening "$port" &&
	ok "the listener a child shut down listens again" ||
	fail "port $port does not listen: $(cat "$T/hp.log")"
grep -q "http: a child shut the listener down (shutdown(2)); listening again" "$T/hp.log" &&
	ok "and the log says so" || fail "not logged: $(cat "$T/hp.log")"
out=$(take_port "$port")
[ "$out" = EADDRINUSE ] &&
	ok "another process cannot take port $port (EADDRINUSE)" ||
	fail "another process got port $port: '$out'"
finish
