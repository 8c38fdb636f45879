# SPDX-License-Identifier: ISC
# The command starts without a shell: split at load as a shell splits a
# simple command, NAME=value words into the environment, the program
# executed directly (its pid is LISTEN_PID); shell syntax refused at load
# with its ways out; listen_pid = none runs it through /bin/sh -c. And a
# thousand held sockets reach a child as fds 3..1002, by name, with the
# descriptor limit holdports was started with.
. tests/system/lib.sh

mkdir -p "$T/reports"

# 1. A simple command: assignments, quotes, $VAR.
cat > "$T/ports.ini" <<INI
[socket.http]
listen = 127.0.0.1:0
[child]
command = HPT_DEBUG=1 HPT_WHERE=\$HOME $ECHO -r $T/reports -- "a b" 'c  d' \$HOME/x plain
INI
hp_start -c "$T/ports.ini"
wait_until 10 at_least 1 'started pid' || fail "no child: $(cat "$T/hp.log")"
pid=$(latest_pid)
wait_until 10 test -f "$T/reports/$pid.report" || fail "no report from pid $pid"
[ "$(report_of "$pid" listen_pid)" = "$pid" ] && [ "$(report_of "$pid" pid)" = "$pid" ] &&
	ok "executed directly: LISTEN_PID is the started pid $pid" ||
	fail "LISTEN_PID=$(report_of "$pid" listen_pid) for pid $pid"
[ "$(report_of "$pid" env.HPT_DEBUG)" = 1 ] && [ "$(report_of "$pid" env.HPT_WHERE)" = "$HOME" ] &&
	ok "leading NAME=value words reach the environment, \$HOME expanded" ||
	fail "env: DEBUG=$(report_of "$pid" env.HPT_DEBUG) WHERE=$(report_of "$pid" env.HPT_WHERE)"
[ "$(report_of "$pid" nargs)" = 4 ] && [ "$(report_of "$pid" arg.0)" = "a b" ] &&
	[ "$(report_of "$pid" arg.1)" = "c  d" ] && [ "$(report_of "$pid" arg.2)" = "$HOME/x" ] &&
	[ "$(report_of "$pid" arg.3)" = plain ] &&
	ok "quoted arguments arrive as one word each, \$HOME expanded" ||
	fail "args: $(grep '^arg\|^nargs' "$T/reports/$pid.report" | tr '\n' ' ')"
kill -TERM "$HP_PID"
wait "$HP_PID"
HP_PID=

# 2. Shell syntax is refused at load, naming the operator and the ways
# out; with listen_pid = none the same line runs through /bin/sh -c.
printf '[child]\ncommand = make && ./server\n' > "$T/and.ini"
"$HP" check -c "$T/and.ini" > /dev/null 2> "$T/err"
st=$?
[ "$st" -eq 2 ] && grep -q "and.ini:2: \[child\] command: '&&' is shell syntax" "$T/err" &&
	grep -q 'build =' "$T/err" && grep -q 'listen_pid = none' "$T/err" &&
	ok "'make && ./server' refused by check (exit 2), naming '&&', build = and listen_pid = none" ||
	fail "&&: exit $st: $(cat "$T/err")"
taken=
for cmd in './server | tee log' './server > log' 'echo $(date)' './server; ./other'; do
	printf '[child]\ncommand = %s\n' "$cmd" > "$T/sh.ini"
	"$HP" check -c "$T/sh.ini" > /dev/null 2>&1 && taken="$taken [$cmd]"
done
[ -z "$taken" ] && ok "pipes, redirections, \$(...) and ';' are refused too" ||
	fail "accepted:$taken"
cat > "$T/none.ini" <<INI
[socket.http]
listen = 127.0.0.1:0
[child]
command = true && $ECHO -r $T/reports
listen_pid = none
INI
rm -f "$T"/reports/*
hp_start -c "$T/none.ini"
wait_until 10 sh -c "ls '$T'/reports/*.report" &&
	ok "with listen_pid = none the line runs through /bin/sh -c" ||
	fail "listen_pid = none: $(cat "$T/hp.log")"
kill -TERM "$HP_PID"
wait "$HP_PID"
HP_PID=

# 3. A thousand sockets, under a soft limit of 1024 (as a login shell
# has it): holdports raises its own, the child gets them all at 3..1002,
# by name, and the limit holdports was started with.
hard=$(ulimit -Hn)
if [ "$hard" != unlimited ] && [ "$hard" -lt 2048 ]; then
	skip "1000 sockets: the hard descriptor limit is $hard"
	finish
fi
if [ -n "${HP_WRAP:-}" ]; then
	# valgrind keeps the top of the descriptor table for itself
	skip "1000 sockets: under $HP_WRAP, which takes descriptors of its own"
	finish
fi
{
	i=0
	while [ $i -lt 1000 ]; do
		printf '[socket.s%d]\nlisten = 127.0.0.1:0\n' $i
		i=$((i + 1))
	done
	printf '[child]\ncommand = %s -r %s\n' "$ECHO" "$T/reports"
} > "$T/many.ini"
rm -f "$T"/reports/*
: > "$T/hp.log"
(ulimit -Sn 1024 && exec "$HP" -c "$T/many.ini") 2>> "$T/hp.log" &
HP_PID=$!
track "$HP_PID"
wait_until 20 at_least 1 'started pid' || fail "1000 sockets: no child: $(tail -n 3 "$T/hp.log")"
pid=$(latest_pid)
wait_until 20 test -f "$T/reports/$pid.report" || fail "1000 sockets: no report"
[ "$(report_of "$pid" listen_fds)" = 1000 ] && [ "$(report_of "$pid" hp_listen_fds)" = 1000 ] &&
	ok "1000 sockets: LISTEN_FDS=1000, hp_listen_fds() takes them all" ||
	fail "1000 sockets: LISTEN_FDS=$(report_of "$pid" listen_fds) hp=$(report_of "$pid" hp_listen_fds)"
want=$(i=0; while [ $i -lt 1000 ]; do printf '%ss%d' "$([ $i -gt 0 ] && echo :)" $i; i=$((i + 1)); done)
[ "$(report_of "$pid" names)" = "$want" ] && ok "1000 sockets: the names in order" ||
	fail "1000 sockets: names differ"
# Each fd 3+i is the socket s<i>: its inode is the one listening on the
# port holdports printed for s<i>.
sed -n 's/^holdports: s\([0-9]*\) listening on 127.0.0.1:\([0-9]*\) (fd [0-9]*)$/\1 \2/p' "$T/hp.log" > "$T/ports"
bad=$(awk -v rep="$T/reports/$pid.report" '
	FILENAME == "/proc/net/tcp" {
		if ($4 == "0A") { split($2, a, ":"); inode[a[2]] = $10 }
		next
	}
	FILENAME == rep { if (sub(/^fd\./, "")) { split($0, kv, "="); fd[kv[1]] = kv[2] } next }
	{ hex = sprintf("%04X", $2); want = "socket:[" inode[hex] "]"
	  if (fd[$1 + 3] != want) n++ }
	END { print n + 0 }' /proc/net/tcp "$T/reports/$pid.report" "$T/ports")
[ "$(wc -l < "$T/ports")" -eq 1000 ] && [ "$bad" = 0 ] &&
	ok "1000 sockets: fd 3+i is the socket s<i>, for every i" ||
	fail "1000 sockets: $bad of $(wc -l < "$T/ports") descriptors are not their socket"
[ "$(report_of "$pid" nofile)" = 1024 ] &&
	ok "1000 sockets: the child's soft descriptor limit is 1024, as holdports was started" ||
	fail "child's limit: $(report_of "$pid" nofile)"
finish
