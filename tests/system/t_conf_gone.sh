# SPDX-License-Identifier: ISC
# A running instance never exits because its configuration went away: its
# ./ports.ini deleted (started without -c), or its working directory
# removed. It says so, keeps the running configuration and its child, and
# a SIGTERM later still cleans up (status 0, socket file and registry
# entry removed).
. tests/system/lib.sh

mkdir -p "$T/app" "$T/reports"
cat > "$T/app/ports.ini" <<INI
[holdports]
name = gone
[socket.http]
listen = 127.0.0.1:0
[socket.api]
listen = unix:api.sock
[child]
command = $ECHO -r $T/reports
INI

# 1. ./ports.ini deleted.
(cd "$T/app" && exec "$HP" 2>> "$T/hp.log") &
HP_PID=$!
track "$HP_PID"
port=$(wait_port http)
wait_until 10 at_least 1 'started pid' || fail "no child: $(cat "$T/hp.log")"
child=$(latest_pid)
wait_until 10 watching "$HP_PID" || fail "no inotify watch"
rm "$T/app/ports.ini"
wait_until 10 at_least 1 'ports.ini: .*keeping the running configuration' &&
	ok "ports.ini deleted: it says so" || fail "no message: $(cat "$T/hp.log")"
sleep 0.3
alive "$HP_PID" && alive "$child" && listening "$port" &&
	ok "holdports, its child and its port stay" ||
	fail "gone: $(cat "$T/hp.log")"
kill -TERM "$HP_PID" 2>/dev/null
wait "$HP_PID"
st=$?
HP_PID=
[ "$st" -eq 0 ] && [ ! -e "$T/app/api.sock" ] &&
	! "$HP" ls 2>/dev/null | grep -q '^gone ' &&
	ok "SIGTERM: exit 0, socket file and registry entry removed" ||
	fail "exit $st: $(ls "$T/app"; "$HP" ls)"

# 2. The working directory removed.
mkdir -p "$T/app2"
cat > "$T/app2/ports.ini" <<INI
[holdports]
name = gone2
[socket.http]
listen = 127.0.0.1:0
[child]
command = $ECHO -r $T/reports
INI
: > "$T/hp.log"
(cd "$T/app2" && exec "$HP" 2>> "$T/hp.log") &
HP_PID=$!
track "$HP_PID"
port=$(wait_port http)
wait_until 10 at_least 1 'started pid' || fail "no child: $(cat "$T/hp.log")"
child=$(latest_pid)
wait_until 10 watching "$HP_PID" || fail "no inotify watch"
rm -rf "$T/app2"
wait_until 10 at_least 1 'keeping the running configuration' &&
	ok "working directory removed: it says so" ||
	fail "no message: $(cat "$T/hp.log")"
sleep 0.3
alive "$HP_PID" && alive "$child" && listening "$port" &&
	ok "holdports, its child and its port stay" ||
	fail "gone: $(cat "$T/hp.log")"
kill -TERM "$HP_PID" 2>/dev/null
wait "$HP_PID"
st=$?
HP_PID=
[ "$st" -eq 0 ] && ! listening "$port" && dead "$child" &&
	ok "SIGTERM: exit 0, nothing left" || fail "exit $st"
finish
