# SPDX-License-Identifier: ISC
# Editing ports.ini while holdports runs: an unchanged socket keeps its
# descriptor (a connection queued before the edit is served after it), a
# new socket is bound, a removed one closed, the backlog change applied;
# a broken edit is reported with file:line and the running config stays.
. tests/system/lib.sh

mkdir -p "$T/reports"
# The first child does not accept for a minute: connections queue.
cat > "$T/ports.ini" <<INI
[holdports]
debounce = 20ms
[socket.http]
listen = 127.0.0.1:0
backlog = 16
[socket.old]
listen = 127.0.0.1:0
[child]
command = $ECHO -d 60000 -r $T/reports
INI
hp_start -c "$T/ports.ini"
http=$(wait_port http)
old=$(wait_port old)
wait_until 10 at_least 1 'started pid' || fail "no child"
# holdports starts the child first and watches second: wait for the watches.
wait_until 10 watching "$HP_PID" || fail "no inotify watch"
pid=$(latest_pid)
wait_until 10 test -f "$T/reports/$pid.report" || fail "no report"
inode=$(inode_of_port "$http")
# A connection that waits in the backlog of the held socket.
"$LOAD" -p "$http" -n 1 > "$T/queued.out" 2>&1 &
queued=$!
track "$queued"

cat > "$T/ports.ini.new" <<INI
[holdports]
debounce = 20ms
[socket.http]
listen = 127.0.0.1:0
backlog = 64
[socket.extra]
listen = 127.0.0.1:0
[child]
command = $ECHO -r $T/reports
INI
mv "$T/ports.ini.new" "$T/ports.ini"
wait_until 10 at_least 1 'ports.ini changed, restarted pid' ||
	fail "no reload on the edit: $(cat "$T/hp.log")"
pid2=$(latest_pid)
extra=$(wait_port extra)
wait "$queued" && grep -q "ok=1 " "$T/queued.out" &&
	ok "a connection queued before the edit is served after it" ||
	fail "queued connection lost: $(cat "$T/queued.out")"
[ "$(inode_of_port "$http")" = "$inode" ] && listening "$http" &&
	ok "the unchanged socket kept its descriptor (same inode)" ||
	fail "http socket was replaced"
wait_until 10 test -f "$T/reports/$pid2.report" || fail "no report from the new child"
[ "$(report_of "$pid2" listen_fdnames)" = "http:extra" ] &&
	[ "$(report_of "$pid2" fd.4)" = "socket:[$(inode_of_port "$extra")]" ] &&
	ok "the new socket is bound and passed as fd 4" ||
	fail "new child: $(report_of "$pid2" listen_fdnames) fd.4=$(report_of "$pid2" fd.4)"
! listening "$old" && grep -q "old on 127.0.0.1:$old closed" "$T/hp.log" &&
	ok "the removed socket is closed" || fail "old port $old still listening"
if command -v ss > /dev/null 2>&1; then
	q=$(ss -ltnH "sport = :$http" | awk '{ print $3 }')
	[ "$q" = 64 ] && ok "the new backlog is in force ($q)" || fail "backlog $q, not 64"
else
	skip "backlog check: ss not installed (iproute2)"
fi

# The ports the kernel chose written into ports.ini: the same sockets
# (same inodes), nothing bound again.
inode=$(inode_of_port "$http")
inode_extra=$(inode_of_port "$extra")
cat > "$T/ports.ini.new" <<INI
[holdports]
debounce = 20ms
[socket.http]
listen = 127.0.0.1:$http
backlog = 64
[socket.extra]
listen = 127.0.0.1:$extra
[child]
command = $ECHO -r $T/reports -d 1
INI
mv "$T/ports.ini.new" "$T/ports.ini"
wait_until 10 at_least 2 'ports.ini changed, restarted pid' ||
	fail "no reload on the edit: $(cat "$T/hp.log")"
[ "$(inode_of_port "$http")" = "$inode" ] &&
	[ "$(inode_of_port "$extra")" = "$inode_extra" ] &&
	[ "$(count EADDRINUSE)" -eq 0 ] &&
	ok "port 0 replaced by the port it got: the same sockets, nothing bound again" ||
	fail "written ports: $(tail -n 4 "$T/hp.log")"
pid2=$(latest_pid)

# A broken edit: reported with file:line, nothing changes.
printf '[socket.http]\nlisten = 127.0.0.1:99999\n[child]\ncommand = x\n' > "$T/ports.ini.new"
mv "$T/ports.ini.new" "$T/ports.ini"
wait_until 10 at_least 1 "$T/ports.ini:2: \[socket.http\] listen: port '99999' .*; keeping the running configuration" &&
	ok "a broken edit is reported with file:line and ignored" ||
	fail "broken edit: $(tail -n 3 "$T/hp.log")"
[ "$(latest_pid)" = "$pid2" ] && alive "$pid2" && listening "$http" && listening "$extra" &&
	ok "the running child and sockets stay" || fail "broken edit changed something"

# A valid edit whose new socket cannot be bound (its port is taken by
# another process): nothing is applied, nothing half-bound stays.
"$T/h/hp-hold" 0 > "$T/hold.port" 2> "$T/hold.err" &
hold=$!
track "$hold"
wait_until 10 test -s "$T/hold.port" || fail "hp-hold: $(cat "$T/hold.err")"
taken=$(cat "$T/hold.port")
cat > "$T/ports.ini.new" <<INI
[holdports]
debounce = 20ms
[socket.http]
listen = 127.0.0.1:0
[socket.more]
listen = 127.0.0.1:0
[socket.dup]
listen = 127.0.0.1:$taken
[child]
command = $ECHO -r $T/reports
INI
mv "$T/ports.ini.new" "$T/ports.ini"
wait_until 10 at_least 1 "bind 127.0.0.1:$taken (dup): EADDRINUSE" &&
	wait_until 10 at_least 1 "ports.ini: keeping the running configuration" &&
	ok "a new socket that cannot be bound: reported, edit not applied" ||
	fail "bind failure on reload: $(tail -n 3 "$T/hp.log")"
more=$(sed -n 's/^holdports: more listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$T/hp.log")
[ -n "$more" ] && ! listening "$more" && [ "$(latest_pid)" = "$pid2" ] && listening "$extra" &&
	ok "the socket bound for it is released, the child kept" ||
	fail "partial reload: more=$more child=$(latest_pid)"
finish
