# SPDX-License-Identifier: ISC
# The fd store (fdstore_max): connections a child stores as it stops
# reach the next child after its sockets and stay in the store (until
# FDSTOREREMOVE=1 or a hang-up); more than fdstore_max are refused with a
# warning; a stop of holdports closes them all; descriptors sent from
# outside the child's process group are closed. The clients are
# tests/helpers/fdstore-clients, the servers contrib/examples'
# fdstore-chat (and fdstore_chat.py) and tests/helpers/hp-store.
. tests/system/lib.sh

CHAT=$TOP/contrib/examples/fdstore-chat
CL=$T/h/fdstore-clients
STORE=$T/h/hp-store

# clients_start PORT: fdstore-clients on PORT, reading commands from a
# FIFO that stays open until clients_end.
clients_start() {
	rm -f "$T/cmd" "$T/cl.out"
	mkfifo "$T/cmd"
	: > "$T/cl.out"
	"$CL" "$1" < "$T/cmd" > "$T/cl.out" 2>&1 &
	track $!
	exec 9> "$T/cmd"
}
clients_end() { exec 9>&-; }

# say CMD: sends one command to the clients and prints its one line of
# result (at most 30 s later). Each command has one line, and the last
# one's is in: the next line is this one's.
say() {
	_n=$(($(wc -l < "$T/cl.out") + 1))
	echo "$1" >&9
	if wait_until 30 sh -c "[ \$(wc -l < '$T/cl.out') -ge $_n ]"; then
		sed -n "${_n}p" "$T/cl.out"
	else
		echo "no answer to '$1'"
	fi
}

# stored: the number holdports ls --json reports for the fd store.
stored() {
	"$HP" ls --json | sed -n 's/.*"fdstore":\([0-9]*\).*/\1/p' | head -n 1
}
stored_is() { [ "$(stored)" = "$1" ]; }

# env_of PID VAR: the value of VAR in the environment PID started with.
env_of() {
	tr '\0' '\n' < "/proc/$1/environ" | sed -n "s/^$2=//p"
}

if [ ! -x "$CHAT" ]; then
	fail "$CHAT is missing: make examples"
	finish
fi

# 1. 100 clients through 20 reloads.
cat > "$T/chat.ini" <<INI
[socket.chat]
listen = 127.0.0.1:0
[child]
command = $CHAT
fdstore_max = 200
INI
hp_start -c "$T/chat.ini"
port=$(wait_port chat)
wait_until 10 at_least 1 'started pid' || fail "no start: $(cat "$T/hp.log")"
clients_start "$port"
r=$(say "connect 100")
case $r in
"ok connected 100 pid $(latest_pid)") ok "100 clients served by the first child" ;;
*) fail "connect: $r" ;;
esac
bad=0 i=0
while [ "$i" -lt 20 ]; do
	i=$((i + 1))
	r=$(say "reload $HP_PID")
	want="ok reload pid $(latest_pid) answered 100 of 100 lost 0"
	if [ "$r" != "$want" ]; then
		bad=$((bad + 1))
		echo "reload $i: $r (want: $want)" >> "$T/bad"
	fi
done
[ "$bad" -eq 0 ] &&
	ok "100 clients through 20 reloads: none disconnected, each next line answered by the new child's pid" ||
	fail "$bad of 20 reloads: $(cat "$T/bad")"
pid=$(latest_pid)
names=$(env_of "$pid" LISTEN_FDNAMES)
[ "$(env_of "$pid" LISTEN_FDS)" = 101 ] &&
	[ "${names%%:*}" = chat ] &&
	[ "$(echo "$names" | tr ':' '\n' | grep -c '^client$')" = 100 ] &&
	ok "the new child gets them after its socket: LISTEN_FDS=101, LISTEN_FDNAMES=chat:client:..." ||
	fail "LISTEN_FDS=$(env_of "$pid" LISTEN_FDS) LISTEN_FDNAMES=$names"
[ -n "$(env_of "$pid" NOTIFY_SOCKET)" ] && [ "$(env_of "$pid" FDSTORE)" = 200 ] &&
	ok "NOTIFY_SOCKET and FDSTORE=200 with ready = none" ||
	fail "NOTIFY_SOCKET=$(env_of "$pid" NOTIFY_SOCKET) FDSTORE=$(env_of "$pid" FDSTORE)"
wait_until 10 stored_is 100 &&
	ok "holdports ls --json: \"fdstore\":100 (the store keeps them, once each)" ||
	fail "ls --json: $("$HP" ls --json)"

# 2. Clients that hang up while stored are dropped before the next start:
# 5 close (a FIN: POLLRDHUP), 5 reset (a RST: POLLERR, POLLHUP).
r1=$(say "close 5")
r2=$(say "reset 5")
wait_until 10 stored_is 90 &&
	ok "5 clients closed and 5 reset: dropped from the store ($r1, $r2)" ||
	fail "after hang-ups the store holds $(stored), not 90"
r=$(say "reload $HP_PID")
pid=$(latest_pid)
[ "$r" = "ok reload pid $pid answered 90 of 90 lost 0" ] &&
	[ "$(env_of "$pid" LISTEN_FDS)" = 91 ] &&
	ok "the next child gets the 90 left: LISTEN_FDS=91" ||
	fail "after hang-ups: $r, LISTEN_FDS=$(env_of "$pid" LISTEN_FDS)"

# 3. A stop of holdports closes them all: every client sees end-of-file.
kill -TERM "$HP_PID"
r=$(say eof)
[ "$r" = "ok eof 90 of 90" ] && ok "a stop closes every stored connection: $r" ||
	fail "stop: $r"
wait "$HP_PID"
HP_PID=
clients_end

# 4. More than fdstore_max: the rest are closed, with a warning that
# names the child and the key.
sed 's/^fdstore_max = .*/fdstore_max = 5/' "$T/chat.ini" > "$T/five.ini"
hp_start -c "$T/five.ini"
port=$(wait_port chat)
clients_start "$port"
r=$(say "connect 8")
r=$(say "reload $HP_PID")
pid=$(latest_pid)
[ "$r" = "ok reload pid $pid answered 5 of 8 lost 3" ] &&
	[ "$(env_of "$pid" LISTEN_FDS)" = 6 ] &&
	ok "over fdstore_max = 5: 5 kept and passed, 3 closed" ||
	fail "over the limit: $r, LISTEN_FDS=$(env_of "$pid" LISTEN_FDS)"
grep -q "^holdports: pid [0-9]* stored more descriptors than \[child\] fdstore_max = 5 allows; closing those over it$" "$T/hp.log" &&
	grep -q "^holdports: closed 3 descriptors over \[child\] fdstore_max = 5$" "$T/hp.log" &&
	[ "$(count '\[child\] fdstore_max = 5')" = 2 ] &&
	ok "and two warnings say so, naming the child and the key" ||
	fail "no warning: $(cat "$T/hp.log")"
hp_stop
clients_end

# 5. FDSTOREREMOVE=1, names, FDPOLL=0, a hang-up that comes with the
# exit, descriptors without FDSTORE=1, the same open file stored again,
# a child that stores and exits at once. hp-store, no sockets: every
# passed descriptor is a stored one.
mkdir "$T/st"
for f in a b c d; do echo "$f" > "$T/$f"; done
cat > "$T/store.ini" <<INI
[child]
directory = $T
environment = HP_STORE_DIR=st
command = $STORE 1:file:keep:a 1:file:drop:b 1:noname:c 1:badname:d 1:pipe:hup 1:pipe0:nopoll 1:bare:a 1:remove:drop 2:restore barrier
fdstore_max = 16
INI
# report PID KEY: a value of hp-store's report; done PID: it finished.
report() { sed -n "s/^$2=//p" "$T/st/$1"; }
done_() { grep -q '^done$' "$T/st/$1" 2>/dev/null; }
hp_start -c "$T/store.ini"
wait_until 10 at_least 1 'started pid' || fail "no start: $(cat "$T/hp.log")"
pid=$(latest_pid)
wait_until 10 done_ "$pid" || fail "hp-store did not finish: $(cat "$T/hp.log")"
[ "$(report "$pid" fds)" = 0 ] && [ "$(report "$pid" notify)" = set ] &&
	[ "$(report "$pid" fdstore)" = 16 ] &&
	ok "the first child: nothing passed, NOTIFY_SOCKET and FDSTORE=16" ||
	fail "first child: $(cat "$T/st/$pid")"
wait_until 10 stored_is 5 &&
	ok "5 stored: keep, two without a valid name, two pipes; drop removed" ||
	fail "the store holds $(stored), not 5"
grep -q "sent an FDNAME= that is not a valid name .*storing as \"stored\"" "$T/hp.log" &&
	ok "an FDNAME= that is not valid: stored as \"stored\", with a warning" ||
	fail "no warning for FDNAME=a:b: $(cat "$T/hp.log")"
grep -q "pid $pid sent 1 descriptor without FDSTORE=1; closed them" "$T/hp.log" &&
	ok "a descriptor without FDSTORE=1 is closed, with a warning" ||
	fail "no warning for a bare descriptor: $(cat "$T/hp.log")"
kill -HUP "$HP_PID"
wait_until 10 at_least 1 'restarted pid' || fail "no restart"
pid=$(latest_pid)
wait_until 10 done_ "$pid" || fail "the second hp-store did not finish"
[ "$(report "$pid" names)" = "keep:stored:stored:nopoll" ] &&
	ok "the next child: keep:stored:stored:nopoll (FDSTOREREMOVE dropped drop; the pipe whose writer exited was dropped; FDPOLL=0 kept its own)" ||
	fail "second child: $(cat "$T/st/$pid")"
[ "$(report "$pid" inodes | cut -d' ' -f1)" = "$(ls -i "$T/a" | cut -d' ' -f1)" ] &&
	ok "the descriptor named keep is the file stored" ||
	fail "keep is inode $(report "$pid" inodes), a is $(ls -i "$T/a")"
# The third child sees what the second one's restore left.
kill -HUP "$HP_PID"
wait_until 10 at_least 2 'restarted pid' || fail "no second restart"
pid=$(latest_pid)
wait_until 10 done_ "$pid" || fail "the third hp-store did not finish"
[ "$(report "$pid" names)" = "keep:stored:stored:nopoll" ] &&
	wait_until 10 stored_is 4 &&
	ok "storing the passed descriptors again keeps 4: the same open files once" ||
	fail "after restore: $(cat "$T/st/$pid"), the store holds $(stored)"
hp_stop

# 6. A child that stores and exits at once (restart = on-failure): the
# datagram and the exit arrive together; the next child must get it.
rm -f "$T"/st/*
cat > "$T/crash.ini" <<INI
[child]
directory = $T
environment = HP_STORE_DIR=st
command = $STORE 1:file:x:a 1:exit:1
fdstore_max = 4
INI
hp_start -c "$T/crash.ini"
wait_until 10 at_least 1 'restarted pid' || fail "no restart: $(cat "$T/hp.log")"
pid=$(latest_pid)
wait_until 10 done_ "$pid" || fail "hp-store did not finish"
[ "$(report "$pid" names)" = x ] &&
	ok "a child that stores and exits at once: the restarted child gets it" ||
	fail "after the crash: $(cat "$T/st/$pid"; cat "$T/hp.log")"
! grep -q 'notify: ignored' "$T/hp.log" || fail "its message was refused: $(cat "$T/hp.log")"
hp_stop

# 7. Descriptors from another process group are refused and closed.
rm -f "$T"/st/*
cat > "$T/foreign.ini" <<INI
[child]
directory = $T
environment = HP_STORE_DIR=st
command = $STORE 1:file:k:a 1:barrier 2:foreign:100 2:foreign:100 2:barrier
fdstore_max = 4
INI
hp_start -c "$T/foreign.ini"
wait_until 10 at_least 1 'started pid' || fail "no start"
wait_until 10 done_ "$(latest_pid)" || fail "hp-store did not finish"
before=$(ls "/proc/$HP_PID/fd" | wc -l)
kill -HUP "$HP_PID"
wait_until 10 at_least 1 'restarted pid' || fail "no restart"
wait_until 10 done_ "$(latest_pid)" || fail "the foreign sender did not finish"
after=$(ls "/proc/$HP_PID/fd" | wc -l)
grep -q "notify: ignored a message from pid [0-9]*, which is not in the child's process group; closed the descriptors it sent" "$T/hp.log" &&
	ok "FDSTORE=1 from another process group is refused with a warning" ||
	fail "no warning: $(cat "$T/hp.log")"
[ "$after" -le "$before" ] && wait_until 10 stored_is 1 &&
	ok "and its 200 descriptors are closed: holdports holds $after descriptors, $before before" ||
	fail "descriptors: $before before, $after after; stored $(stored)"
hp_stop

# 8. Several children: each has a store of its own, or none; the
# warnings name the child, and ls --json counts each child's.
rm -f "$T"/st/*
cat > "$T/two.ini" <<INI
[child.keeps]
directory = $T
environment = HP_STORE_DIR=st
command = $STORE file:x:a file:y:b barrier
fdstore_max = 4
[child.plain]
directory = $T
environment = HP_STORE_DIR=st
command = $STORE file:z:c barrier
ready = notify
INI
hp_start -c "$T/two.ini"
wait_until 10 at_least 1 'keeps: started pid' || fail "no start: $(cat "$T/hp.log")"
wait_until 10 at_least 1 "plain: pid [0-9]* sent FDSTORE=1 but \[child.plain\] has no fdstore_max; closed 1 descriptor (set fdstore_max = N to keep them)" &&
	ok "a child without fdstore_max: its descriptors are closed, with a warning naming it" ||
	fail "plain: $(cat "$T/hp.log")"
pid=$(sed -n 's/.*keeps: started pid \([0-9]*\).*/\1/p' "$T/hp.log")
wait_until 10 done_ "$pid" || fail "keeps did not finish"
wait_until 10 sh -c "'$HP' ls --json | grep -q '\"child\":\"keeps\",\"fdstore\":2}'" &&
	"$HP" ls --json | grep -q '"child":"plain","fdstore":0}' &&
	ok "ls --json counts each child's store: keeps 2, plain 0" ||
	fail "ls --json: $("$HP" ls --json)"
[ "$(report "$pid" fdstore)" = 4 ] && ok "FDSTORE=4 for the child that has a store" ||
	fail "keeps: $(cat "$T/st/$pid")"
hp_stop

# 9. The Python example, where python3 has socket.send_fds.
if ! command -v python3 > /dev/null 2>&1; then
	skip "Python: python3 not installed (Debian package python3)"
elif ! python3 -c 'import socket; socket.send_fds' > /dev/null 2>&1; then
	skip "Python: $(python3 --version 2>&1) has no socket.send_fds (3.9 and later)"
else
	cat > "$T/py.ini" <<INI
[socket.chat]
listen = 127.0.0.1:0
[child]
command = python3 -B $TOP/contrib/examples/fdstore_chat.py
fdstore_max = 16
INI
	hp_start -c "$T/py.ini"
	port=$(wait_port chat)
	wait_until 10 at_least 1 'started pid' || fail "no start"
	clients_start "$port"
	# The first line waits until Python listens: the socket is held.
	r=$(say "connect 10")
	bad=0 i=0
	while [ "$i" -lt 3 ]; do
		i=$((i + 1))
		r=$(say "reload $HP_PID")
		[ "$r" = "ok reload pid $(latest_pid) answered 10 of 10 lost 0" ] ||
			{ bad=$((bad + 1)); echo "$r" >> "$T/pybad"; }
	done
	[ "$bad" -eq 0 ] && ok "Python: 10 clients through 3 reloads, none disconnected" ||
		fail "Python: $(cat "$T/pybad")"
	hp_stop
	clients_end
fi
finish
