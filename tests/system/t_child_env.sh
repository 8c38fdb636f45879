# SPDX-License-Identifier: ISC
# What a child gets: LISTEN_* right and fresh, fds 3.. are the
# held sockets in config order, nothing else leaks, clean signal state,
# O_NONBLOCK set by one child does not reach the next.
. tests/system/lib.sh

mkdir -p "$T/reports"
cat > "$T/ports.ini" <<INI
[socket.http]
listen = 127.0.0.1:0
[socket.admin]
listen = 127.0.0.1:0
[child]
command = $ECHO -n -r $T/reports
environment = HPT_GREETING=hello world
INI
# Stale variables a parent might leave; an extra fd the supervisor
# inherits (9) must not reach the child either. Started from a
# non-interactive sh with &, so SIGINT and SIGQUIT are ignored in
# holdports: the child must still get them at their default.
env LISTEN_FDS=7 LISTEN_PID=1 LISTEN_FDNAMES=stale LISTEN_PIDFDID=1 \
    NOTIFY_SOCKET=/nonexistent "$HP" -c "$T/ports.ini" 2>"$T/hp.log" 9>"$T/leak" &
HP_PID=$!
track "$HP_PID"
http=$(wait_port http)
admin=$(wait_port admin)
wait_until 10 at_least 1 'started pid' || fail "no child started: $(cat "$T/hp.log")"
pid=$(latest_pid)
wait_until 10 test -f "$T/reports/$pid.report" || fail "child wrote no report"

[ "$(report_of "$pid" listen_pid)" = "$pid" ] &&
	ok "LISTEN_PID is the child's own pid" ||
	fail "LISTEN_PID=$(report_of "$pid" listen_pid), child pid $pid"
[ "$(report_of "$pid" listen_fds)" = 2 ] && ok "LISTEN_FDS=2" ||
	fail "LISTEN_FDS=$(report_of "$pid" listen_fds)"
[ "$(report_of "$pid" listen_fdnames)" = "http:admin" ] &&
	ok "LISTEN_FDNAMES in config order" ||
	fail "LISTEN_FDNAMES=$(report_of "$pid" listen_fdnames)"
[ "$(report_of "$pid" listen_pidfdid)" = unset ] &&
	[ "$(report_of "$pid" notify_socket)" = unset ] &&
	ok "stale LISTEN_PIDFDID and NOTIFY_SOCKET removed" ||
	fail "stale variables passed on"
[ "$(report_of "$pid" hp_listen_fds)" = 2 ] &&
	[ "$(report_of "$pid" names)" = "http:admin" ] &&
	ok "hp_listen_fds_with_names finds both" ||
	fail "hp_listen_fds=$(report_of "$pid" hp_listen_fds)"
[ "$(report_of "$pid" env.HPT_GREETING)" = "hello world" ] &&
	ok "environment = KEY=VALUE reaches the child" ||
	fail "HPT_GREETING=$(report_of "$pid" env.HPT_GREETING)"

# fd 3 is the socket on the http port, fd 4 the admin one.
[ "$(report_of "$pid" fd.3)" = "socket:[$(inode_of_port "$http")]" ] &&
	[ "$(report_of "$pid" fd.4)" = "socket:[$(inode_of_port "$admin")]" ] &&
	ok "fd 3 and fd 4 are the held sockets in order" ||
	fail "fd.3=$(report_of "$pid" fd.3) fd.4=$(report_of "$pid" fd.4)"
fds=$(sed -n 's/^fd\.\([0-9]*\)=.*/\1/p' "$T/reports/$pid.report" | sort -n | tr '\n' ' ')
[ "$fds" = "0 1 2 3 4 " ] && ok "no other descriptor reaches the child" ||
	fail "child has fds: $fds"
[ "$(report_of "$pid" fd.0)" = /dev/null ] && ok "stdin is /dev/null" ||
	fail "fd.0=$(report_of "$pid" fd.0)"
[ "$(report_of "$pid" cloexec.3)$(report_of "$pid" cloexec.4)" = 00 ] &&
	ok "FD_CLOEXEC clear on fds 3 and 4" || fail "FD_CLOEXEC set"
[ -z "$(report_of "$pid" sigmask)" ] && [ -z "$(report_of "$pid" sigign)" ] &&
	ok "empty signal mask, no ignored signal" ||
	fail "sigmask=$(report_of "$pid" sigmask) sigign=$(report_of "$pid" sigign)"
[ "$(report_of "$pid" pgid)" = "$pid" ] && ok "child leads its own process group" ||
	fail "pgid=$(report_of "$pid" pgid)"

# The first child set O_NONBLOCK on the shared sockets (-n); the next one
# must find them blocking again.
[ "$(report_of "$pid" nonblock.3)" = 0 ] || fail "first child found O_NONBLOCK"
kill -HUP "$HP_PID"
wait_until 10 at_least 1 'SIGHUP, restarted pid' || fail "no reload on SIGHUP"
pid2=$(latest_pid)
wait_until 10 test -f "$T/reports/$pid2.report" || fail "second child wrote no report"
[ "$pid2" != "$pid" ] && [ "$(report_of "$pid2" nonblock.3)$(report_of "$pid2" nonblock.4)" = 00 ] &&
	ok "O_NONBLOCK of one child does not leak to the next" ||
	fail "second child: nonblock.3=$(report_of "$pid2" nonblock.3)"
[ "$(report_of "$pid2" fd.3)" = "$(report_of "$pid" fd.3)" ] &&
	ok "the same socket (inode) after a restart" ||
	fail "socket changed across restart"
kill -TERM "$HP_PID"; wait "$HP_PID"; HP_PID=

# listen_pid = none: the sockets and their names, but no LISTEN_PID; a
# strict consumer (hp_listen_fds, like sd_listen_fds) then takes nothing.
rm -f "$T"/reports/*
cat > "$T/nopid.ini" <<INI
[socket.http]
listen = 127.0.0.1:0
[child]
command = $ECHO -r $T/reports
listen_pid = none
INI
hp_start -c "$T/nopid.ini"
wait_until 10 at_least 1 'started pid' || fail "no child with listen_pid = none"
# run as written through /bin/sh -c: the report is hp-echo's, whose pid
# may be the shell's child
wait_until 10 sh -c "ls '$T'/reports/*.report" || fail "no report"
pid3=$(basename "$(ls "$T"/reports/*.report | head -n 1)" .report)
[ "$(report_of "$pid3" listen_pid)" = unset ] && [ "$(report_of "$pid3" listen_fds)" = 1 ] &&
	[ "$(report_of "$pid3" listen_fdnames)" = http ] && [ "$(report_of "$pid3" hp_listen_fds)" = 0 ] &&
	ok "listen_pid = none: LISTEN_FDS and names, no LISTEN_PID (strict consumers take nothing)" ||
	fail "listen_pid = none: pid=$(report_of "$pid3" listen_pid) fds=$(report_of "$pid3" listen_fds) hp=$(report_of "$pid3" hp_listen_fds)"
finish
