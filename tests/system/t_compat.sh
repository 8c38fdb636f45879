# SPDX-License-Identifier: ISC
# compat = server-starter einhorn: Server::Starter's own
# server_ports() finds every held socket, bound where its key says; the
# einhorn variables and SERVER_STARTER_PORT are exact, fresh after a
# reload, and a parent's stale ones never reach a child, compat on or off.
. tests/system/lib.sh

mkdir -p "$T/reports"
# The variables a parent running under either supervisor would leave.
STALE="SERVER_STARTER_PORT=80=3 SERVER_STARTER_GENERATION=7
    EINHORN_FD_COUNT=3 EINHORN_FD_0=9 EINHORN_FD_2=11 EINHORN_FDS=9
    EINHORN_MASTER_PID=1 EINHORN_SOCK_PATH=/nonexistent"

# connect_tcp PORT / connect_unix PATH: the first line the server sends.
connect_tcp() {
	perl -MIO::Socket::INET -e '
		my $c = IO::Socket::INET->new(PeerAddr => "127.0.0.1",
		    PeerPort => $ARGV[0], Timeout => 10) or exit 1;
		print scalar <$c>;' "$1"
}
connect_unix() {
	perl -MIO::Socket::UNIX -e '
		my $c = IO::Socket::UNIX->new(Peer => $ARGV[0]) or exit 1;
		print scalar <$c>;' "$1"
}

# 1. A Perl child on Server::Starter's own module.
if ! perl -MServer::Starter -e1 2>/dev/null; then
	skip "Server::Starter not installed (Debian: libserver-starter-perl)"
else
	v6=
	perl -MSocket=:all -e 'my $s; socket($s, AF_INET6, SOCK_STREAM, 0) &&
	    bind($s, pack_sockaddr_in6(0, inet_pton(AF_INET6, "::1"))) or exit 1' \
	    2>/dev/null && v6=yes
	{
		printf '[holdports]\ncompat = server-starter\n'
		printf '[socket.http]\nlisten = 127.0.0.1:0\n'
		[ -n "$v6" ] && printf '[socket.v6]\nlisten = [::1]:0\n'
		printf '[socket.unix]\nlisten = unix:%s/app.sock\n' "$T"
		printf '[socket.dns]\nlisten = udp:127.0.0.1:0\n'
		printf '[child]\ncommand = perl %s/tests/helpers/ss-ports.pl %s\n' \
		    "$TOP" "$T/reports"
	} > "$T/ss.ini"
	# shellcheck disable=SC2086
	env $STALE "$HP" -c "$T/ss.ini" 2> "$T/hp.log" &
	HP_PID=$!
	track "$HP_PID"
	http=$(wait_port http)
	dns=$(wait_port dns)
	wait_until 10 at_least 1 'started pid' || fail "no child: $(cat "$T/hp.log")"
	pid=$(latest_pid)
	wait_until 10 test -f "$T/reports/$pid.ss" ||
		fail "the Perl child wrote no report: $(cat "$T/hp.log")"
	v6port=
	[ -n "$v6" ] && v6port=$(port_of v6)

	# What server_ports() returned, sorted by key as the child wrote it.
	fd=3
	want="entry 127.0.0.1:$http $fd 127.0.0.1:$http stream"
	if [ -n "$v6" ]; then
		fd=$((fd + 1))
		want="$want
entry [::1]:$v6port $fd [::1]:$v6port stream"
	fi
	want="$want
entry $T/app.sock $((fd + 1)) $T/app.sock stream
entry 127.0.0.1:$dns $((fd + 2)) 127.0.0.1:$dns dgram"
	want=$(printf '%s\n' "$want" | sort)
	got=$(grep '^entry ' "$T/reports/$pid.ss" | sort)
	[ "$got" = "$want" ] &&
		ok "server_ports() finds every socket at its key (IPv4,${v6:+ IPv6,} unix, udp)" ||
		fail "server_ports(): got [$got], want [$want]"
	expect="127.0.0.1:$http=3"
	[ -n "$v6" ] && expect="$expect;[::1]:$v6port=4"
	expect="$expect;$T/app.sock=$((fd + 1));127.0.0.1:$dns=$((fd + 2))"
	[ "$(sed -n 's/^server_starter_port=//p' "$T/reports/$pid.ss")" = "$expect" ] &&
		ok "SERVER_STARTER_PORT=$expect" ||
		fail "SERVER_STARTER_PORT=$(sed -n 's/^server_starter_port=//p' "$T/reports/$pid.ss"), want $expect"
	[ "$(connect_tcp "$http")" = "127.0.0.1:$http" ] &&
		[ "$(connect_unix "$T/app.sock")" = "$T/app.sock" ] &&
		ok "the Perl child answers on the held TCP and unix sockets" ||
		fail "no answer from the Perl child"

	# After a reload: the same map, for the new child.
	kill -HUP "$HP_PID"
	wait_until 10 at_least 1 'SIGHUP, restarted pid' || fail "no reload"
	pid2=$(latest_pid)
	wait_until 10 test -f "$T/reports/$pid2.ss" || fail "no report after reload"
	[ "$pid2" != "$pid" ] &&
		[ "$(grep '^entry ' "$T/reports/$pid2.ss" | sort)" = "$want" ] &&
		[ "$(connect_tcp "$http")" = "127.0.0.1:$http" ] &&
		ok "the next child gets the same sockets and answers" ||
		fail "after reload: $(cat "$T/reports/$pid2.ss" 2>/dev/null)"
	hp_stop
fi

# 2. einhorn's variables and the exact SERVER_STARTER_PORT, through hp-echo,
# with a parent's stale ones in the environment.
cat > "$T/both.ini" <<INI
[holdports]
compat = einhorn server-starter
[socket.a]
listen = 127.0.0.1:0
[socket.b]
listen = 127.0.0.1:0
[child]
command = $ECHO -r $T/reports
INI
# shellcheck disable=SC2086
env $STALE "$HP" -c "$T/both.ini" 2> "$T/hp.log" &
HP_PID=$!
track "$HP_PID"
a=$(wait_port a)
b=$(wait_port b)
wait_until 10 at_least 1 'started pid' || fail "no child: $(cat "$T/hp.log")"
pid=$(latest_pid)
wait_until 10 test -f "$T/reports/$pid.report" || fail "hp-echo wrote no report"
[ "$(report_of "$pid" env.EINHORN_FD_COUNT)" = 2 ] &&
	[ "$(report_of "$pid" env.EINHORN_FD_0)" = 3 ] &&
	[ "$(report_of "$pid" env.EINHORN_FD_1)" = 4 ] &&
	ok "EINHORN_FD_COUNT=2 EINHORN_FD_0=3 EINHORN_FD_1=4" ||
	fail "einhorn: $(grep '^env\.EINHORN' "$T/reports/$pid.report" | tr '\n' ' ')"
[ "$(report_of "$pid" env.SERVER_STARTER_PORT)" = "127.0.0.1:$a=3;127.0.0.1:$b=4" ] &&
	ok "SERVER_STARTER_PORT=127.0.0.1:$a=3;127.0.0.1:$b=4" ||
	fail "SERVER_STARTER_PORT=$(report_of "$pid" env.SERVER_STARTER_PORT)"
left=$(grep -c '^env\.\(EINHORN_FD_2\|EINHORN_FDS\|EINHORN_MASTER_PID\|EINHORN_SOCK_PATH\|SERVER_STARTER_GENERATION\)=' \
    "$T/reports/$pid.report")
[ "$left" = 0 ] && ok "a parent's stale compat variables are dropped" ||
	fail "stale variables reached the child: $left"
[ "$(report_of "$pid" listen_fds)" = 2 ] && ok "LISTEN_FDS=2 alongside" ||
	fail "LISTEN_FDS=$(report_of "$pid" listen_fds)"
hp_stop

# 3. compat off: none of them at all, even with a stale parent.
cat > "$T/off.ini" <<INI
[socket.a]
listen = 127.0.0.1:0
[child]
command = $ECHO -r $T/reports
INI
# shellcheck disable=SC2086
env $STALE "$HP" -c "$T/off.ini" 2> "$T/hp.log" &
HP_PID=$!
track "$HP_PID"
wait_port a > /dev/null
wait_until 10 at_least 1 'started pid' || fail "no child: $(cat "$T/hp.log")"
pid=$(latest_pid)
wait_until 10 test -f "$T/reports/$pid.report" || fail "hp-echo wrote no report"
[ "$(grep -c '^env\.\(EINHORN_\|SERVER_STARTER_\)' "$T/reports/$pid.report")" = 0 ] &&
	ok "without compat no EINHORN_* or SERVER_STARTER_* reaches the child" ||
	fail "compat off: $(grep '^env\.' "$T/reports/$pid.report" | tr '\n' ' ')"
finish
