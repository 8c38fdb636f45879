# SPDX-License-Identifier: ISC
# Fault injection: out of descriptors (EMFILE).
#  1. socket(2): an edit of ports.ini adds a socket; the new socket cannot
#     be had. The running configuration stays (the old child keeps
#     serving), one line says why, the edit is applied on its own once
#     sockets can be had again, and the new port then serves.
#  2. dup2(2), between fork and exec where the child's fds are packed: the
#     start is tried again with back-off, logged once, and works after.
#  3. accept(2) and accept4(2): holdports never accepts (its children do),
#     so the fault is put into the child. Its connections wait in the
#     backlog of the held socket and are served once the fault ends;
#     holdports has nothing to say, and its own calls are never hit.
. tests/system/lib.sh
. tests/fault/lib.sh
need_shim

mkdir -p "$T/reports"
conf() {
	cat > "$T/ports.ini.new" <<INI
[holdports]
debounce = 10ms
[socket.http]
listen = 127.0.0.1:0
$1
[child]
command = $ECHO -r $T/reports
INI
	mv -f "$T/ports.ini.new" "$T/ports.ini"
}
conf ""
hp_start_fault -c "$T/ports.ini"
http=$(wait_port http)
wait_until 10 at_least 1 'started pid' || fail "no child"
pid=$(latest_pid)

# 1. socket(2)
fault "socket EMFILE"
conf "[socket.admin]
listen = 127.0.0.1:0"
if ! wait_until 10 hits_at_least 3 socket; then
	skip "socket(2) was not intercepted ($(hits socket) faults)"
	finish
fi
n=$(hits socket)
[ "$(count EMFILE)" -eq 1 ] && [ "$(count 'keeping the running configuration')" -eq 1 ] &&
	ok "socket: $n failed tries, one log line" ||
	fail "socket: $n tries: $(cat "$T/hp.log")"
"$LOAD" -p "$http" -n 1 -o "$T/l1.log" > /dev/null && grep -q " $pid\$" "$T/l1.log" &&
	ok "socket: the old child keeps serving the held port" || fail "http not served by $pid"
no_fault
wait_until 10 at_least 1 'ports.ini: applied after' &&
	ok "socket: the edit is applied once sockets can be had" ||
	fail "socket: no recovery: $(cat "$T/hp.log")"
admin=$(wait_port admin)
wait_until 10 at_least 1 'ports.ini changed, restarted pid' || fail "no reload"
new=$(latest_pid)
"$LOAD" -p "$admin" -n 1 -o "$T/l2.log" > /dev/null && grep -q " $new\$" "$T/l2.log" &&
	"$LOAD" -p "$http" -n 1 > /dev/null &&
	ok "socket: the new port is served by the new child, the old one too" ||
	fail "socket: admin $admin or http $http not served"

# 2. dup2(2)
pid=$new
fault "dup2 EMFILE"
kill -HUP "$HP_PID"
if ! wait_until 10 hits_at_least 3 dup2; then
	skip "dup2(2) was not intercepted ($(hits dup2) faults)"
	finish
fi
"$LOAD" -p "$http" -n 1 -o "$T/q.log" > "$T/q.out" 2>&1 &
q=$!
track "$q"
n=$(hits dup2)
[ "$(count ': dup: EMFILE')" -eq 1 ] && ok "dup2: $n failed starts, one log line" ||
	fail "dup2: $n failed starts: $(cat "$T/hp.log")"
listening "$http" && ok "dup2: the port stays bound" || fail "port $http closed"
no_fault
wait_until 10 at_least 1 'SIGHUP, restarted pid' || fail "dup2: no recovery"
new=$(latest_pid)
wait "$q" && grep -q " $new\$" "$T/q.log" &&
	ok "dup2: the queued connection is answered by the new child $new" ||
	fail "dup2: queued connection: $(cat "$T/q.out")"
[ "$(count 'works again, after')" -eq 1 ] && ok "dup2: the recovery is logged once" ||
	fail "dup2: recovery lines: $(count 'works again')"
kill -TERM "$HP_PID"
wait "$HP_PID"
HP_PID=
mv "$T/hp.log" "$T/hp-1-2.log"

# 3. accept(2), accept4(2): in the child, which loads the shim through its
# environment (HP_FAULT_PROG names it); holdports has it too.
cat > "$T/ports.ini" <<INI
[socket.http]
listen = 127.0.0.1:0
[child]
environment = LD_PRELOAD=$SHIM
environment = HP_FAULT_FILE=$FAULT
environment = HP_FAULT_PROG=hostile
command = $HOSTILE -m echo -r $T/reports
INI
fault "accept EMFILE" "accept4 EMFILE"
hp_start_fault -c "$T/ports.ini"
http=$(wait_port http)
wait_until 10 at_least 1 'started pid' || fail "no child"
pid=$(latest_pid)
lines=$(wc -l < "$T/hp.log")
"$LOAD" -p "$http" -n 1 -o "$T/q.log" > "$T/q.out" 2>&1 &
q=$!
track "$q"
if ! wait_until 10 hits_at_least 3 accept; then
	skip "accept(2) was not intercepted in the child ($(hits accept) faults)"
	finish
fi
n=$(hits accept)
[ "$(grep -c '^accept4\? holdports ' "$FAULT.hits")" -eq 0 ] &&
	ok "accept: holdports itself never accepts (0 of $n faults are its own)" ||
	fail "accept: holdports hit: $(grep holdports "$FAULT.hits")"
listening "$http" && ok "accept: the port stays bound while the child cannot accept" ||
	fail "port $http closed"
no_fault
wait "$q" && grep -q " $pid\$" "$T/q.log" &&
	ok "accept: the queued connection is served once the fault ends" ||
	fail "accept: queued connection: $(cat "$T/q.out")"
[ "$(wc -l < "$T/hp.log")" -eq "$lines" ] &&
	ok "accept: holdports logged nothing ($n failed accepts in the child)" ||
	fail "accept: holdports said: $(tail -n +$((lines + 1)) "$T/hp.log")"
finish
