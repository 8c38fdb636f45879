# SPDX-License-Identifier: ISC
# Bind failures exit 1 naming the errno and what to do; a held port is
# never taken twice; unix socket files: a stale one is replaced, a live
# one is refused, and a file that is not a socket is never touched.
. tests/system/lib.sh

mkdir -p "$T/reports"
# 1. A port someone else holds (here: another holdports).
hp_start -l 127.0.0.1:0=http -- "$ECHO"
port=$(wait_port http)
"$HP" -l "127.0.0.1:$port=web" -- "$ECHO" 2> "$T/err2"
st=$?
[ "$st" -eq 1 ] && grep -q "^holdports: bind 127.0.0.1:$port (web): EADDRINUSE: Address already in use; another process holds this port" "$T/err2" &&
	ok "port in use: exit 1, EADDRINUSE named, with a hint" ||
	fail "port in use: exit $st: $(cat "$T/err2")"
listening "$port" && kill -0 "$HP_PID" && ok "the first instance keeps its port" ||
	fail "first instance lost its port"
"$HP" -l "192.0.2.1:0" -- "$ECHO" 2> "$T/err3"
st=$?
[ "$st" -eq 1 ] && grep -q "EADDRNOTAVAIL: .*this address is not on this host" "$T/err3" &&
	ok "foreign address: exit 1, EADDRNOTAVAIL with a hint" || fail "EADDRNOTAVAIL: exit $st: $(cat "$T/err3")"
# A later socket failing releases the ones bound before it.
"$HP" -l 127.0.0.1:0=a -l "127.0.0.1:$port=b" -- "$ECHO" 2> "$T/err4"
a=$(sed -n 's/^holdports: a listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$T/err4")
[ -n "$a" ] && ! listening "$a" && ok "a failed start releases what it bound" ||
	fail "partial bind: $(cat "$T/err4")"
kill -TERM "$HP_PID"; wait "$HP_PID"; HP_PID=

# 2. Unix sockets.
sock=$T/app.sock
hp_start -l "unix:$sock=app" -- "$ECHO"
wait_port app > /dev/null
[ -S "$sock" ] && ok "unix socket created" || fail "no socket file"
"$HP" -l "unix:$sock=app" -- "$ECHO" 2> "$T/err5"
st=$?
[ "$st" -eq 1 ] && grep -q "EADDRINUSE" "$T/err5" && [ -S "$sock" ] &&
	ok "live unix socket: exit 1, file kept" || fail "live unix socket: exit $st $(cat "$T/err5")"
# SIGKILL of holdports and its child leaves a stale socket file (nobody
# listens); the next start replaces it.
wait_until 10 at_least 1 'started pid' || fail "no child"
child=$(latest_pid)
kill -KILL "$HP_PID" "$child"; wait "$HP_PID" 2>/dev/null
HP_PID=
wait_until 10 dead "$child" || fail "child $child survived SIGKILL"
[ -S "$sock" ] || fail "SIGKILL removed the socket file?"
hp_start -l "unix:$sock=app" -- "$ECHO"
wait_port app > /dev/null && ok "stale unix socket file replaced" ||
	fail "stale socket: $(cat "$T/hp.log")"
kill -TERM "$HP_PID"; wait "$HP_PID"; HP_PID=
[ ! -e "$sock" ] && ok "clean stop removes its socket file" || fail "socket file left"
# A regular file at the path: refused, never unlinked, contents intact.
echo "precious" > "$T/file.sock"
"$HP" -l "unix:$T/file.sock=app" -- "$ECHO" 2> "$T/err6"
st=$?
[ "$st" -eq 1 ] && [ "$(cat "$T/file.sock")" = precious ] &&
	grep -q "EEXIST: .*not a socket; holdports never removes it" "$T/err6" &&
	ok "regular file at the path: exit 1, untouched" || fail "regular file: exit $st $(cat "$T/err6")"
finish
