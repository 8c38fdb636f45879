# SPDX-License-Identifier: ISC
# A live unix listener that has stopped accepting, its backlog full, at
# the socket path: holdports must not wait for it (a blocking connect(2)
# there waits for ever). It reports the path in use at once, names the
# process, and leaves the file; a stale file is still replaced.
. tests/system/lib.sh

cp "$TOP/tests/helpers/hp-hold" "$T/hold"
sock=$T/full.sock

"$T/hold" -f "$sock" > "$T/hold.out" 2> "$T/hold.err" &
hold=$!
track "$hold"
wait_until 10 test -s "$T/hold.out" ||
	fail "hp-hold -f did not start: $(cat "$T/hold.err")"
queued=$(cut -d' ' -f2 "$T/hold.out")
# Bounded by timeout(1): status 124 is the old hang.
timeout -k 1 5 "$HP" -l "unix:$sock=api" -- "$ECHO" 2> "$T/err"
st=$?
[ "$st" -eq 1 ] &&
	grep -q "^holdports: bind unix:$sock (api): EADDRINUSE: Address already in use; a server is listening on this socket file: pid $hold ($T/hold -f $sock)" "$T/err" &&
	ok "full backlog ($queued queued): exit 1 at once, the listener named" ||
	fail "full backlog: exit $st (124: it blocked): $(cat "$T/err")"
[ -S "$sock" ] && alive "$hold" && ok "the file and its server are left alone" ||
	fail "the socket file or its server is gone"

# A live edit of ports.ini that adds that path: reported at once, the
# running configuration kept, and SIGTERM still stops holdports at once.
cat > "$T/ports.ini" <<INI
[socket.http]
listen = 127.0.0.1:0
[child]
command = $ECHO
INI
hp_start -c "$T/ports.ini"
port=$(wait_port http)
wait_until 10 at_least 1 'started pid' || fail "no child: $(cat "$T/hp.log")"
child=$(latest_pid)
wait_until 10 watching "$HP_PID" || fail "no inotify watch"
cat > "$T/new.ini" <<INI
[socket.http]
listen = 127.0.0.1:$port
[socket.api]
listen = unix:$sock
[child]
command = $ECHO
INI
mv "$T/new.ini" "$T/ports.ini"
wait_until 5 at_least 1 'keeping the running configuration' &&
	grep -q "a server is listening on this socket file: pid $hold" "$T/hp.log" &&
	ok "live reload to that path: refused at once, the listener named" ||
	fail "live reload: $(cat "$T/hp.log")"
alive "$child" && listening "$port" && [ -S "$sock" ] && alive "$hold" &&
	ok "the child, its port, the file and its server are left alone" ||
	fail "live reload: something was lost: $(cat "$T/hp.log")"
kill -TERM "$HP_PID"
wait_until 5 dead "$HP_PID" && ok "SIGTERM stops it at once" ||
	fail "holdports does not stop: $(tail -n 3 "$T/hp.log")"
wait "$HP_PID"
HP_PID=

# The listener dies: its file is stale now, and is replaced.
kill -KILL "$hold"
wait "$hold" 2>/dev/null
hp_start -l "unix:$sock=api" -- "$ECHO"
wait_port api > /dev/null && wait_until 10 at_least 1 'started pid' &&
	ok "the stale file of the dead listener is replaced" ||
	fail "stale file: $(cat "$T/hp.log")"
finish
