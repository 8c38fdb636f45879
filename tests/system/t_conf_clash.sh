# SPDX-License-Identifier: ISC
# Two sockets one instance cannot both bind (-l 0.0.0.0:P -l [::]:P, one
# address twice, one unix path twice) are refused at load, naming both,
# by holdports and by holdports check, and at a live reload, which keeps
# the running configuration: not at bind time, with holdports' own pid
# named as the process that holds the port.
. tests/system/lib.sh

# A port the kernel found free (hp-hold 0 prints it), let go again: the
# clash is found before any bind, so it is never bound here.
"$TOP/tests/helpers/hp-hold" 0 > "$T/free" 2>&1 &
hold=$!
track "$hold"
wait_until 10 test -s "$T/free" || fail "hp-hold: $(cat "$T/free")"
kill "$hold"
wait "$hold" 2>/dev/null
port=$(cat "$T/free")

"$HP" -l "0.0.0.0:$port" -l "[::]:$port" -- "$ECHO" 2> "$T/err1"
st=$?
[ "$st" -eq 2 ] &&
	grep -q "^holdports: -l '\[::\]:$port' takes the same port as -l '0.0.0.0:$port': one instance cannot bind both; give each socket an address of its own, or this one fallback = next\$" "$T/err1" &&
	ok "-l 0.0.0.0:P -l [::]:P: refused at load (exit 2), both named" ||
	fail "-l wildcards: exit $st: $(cat "$T/err1")"
"$HP" -l "127.0.0.1:$port=a" -l "127.0.0.1:$port=b" -- "$ECHO" 2> "$T/err2"
st=$?
[ "$st" -eq 2 ] && grep -q "takes the same port as -l '127.0.0.1:$port=a'" "$T/err2" &&
	! grep -q "holds this port" "$T/err2" &&
	ok "one address twice: refused at load" ||
	fail "twice: exit $st: $(cat "$T/err2")"

cat > "$T/clash.ini" <<INI
[socket.web]
listen = 0.0.0.0:$port
[socket.web6]
listen = [::]:$port
[child]
command = $ECHO
INI
"$HP" check -c "$T/clash.ini" 2> "$T/err3"
st=$?
[ "$st" -ne 0 ] &&
	grep -q "clash.ini:4: \[socket.web6\] listen: \[::\]:$port takes the same port as \[socket.web\] on line 2 (0.0.0.0:$port)" "$T/err3" &&
	ok "holdports check: refused with file:line, both named" ||
	fail "check: exit $st: $(cat "$T/err3")"

# A live reload to a clashing file: refused, the running one stays.
cat > "$T/ports.ini" <<INI
[socket.web]
listen = 127.0.0.1:0
[child]
command = $ECHO
INI
hp_start -c "$T/ports.ini"
wait_port web > /dev/null
wait_until 10 at_least 1 'started pid' || fail "no child: $(cat "$T/hp.log")"
child=$(latest_pid)
wait_until 10 watching "$HP_PID" || fail "no inotify watch"
cat > "$T/new.ini" <<INI
[socket.web]
listen = 127.0.0.1:0
[socket.a]
listen = unix:$T/x.sock
[socket.b]
listen = unix:$T/x.sock
[child]
command = $ECHO
INI
mv "$T/new.ini" "$T/ports.ini"
wait_until 10 at_least 1 "ports.ini:6: \[socket.b\] listen: unix:$T/x.sock takes the same path as \[socket.a\] on line 4 (unix:$T/x.sock).*keeping the running configuration" &&
	alive "$child" && ok "a live reload to a clash: refused, the child stays" ||
	fail "live: $(cat "$T/hp.log")"
finish
