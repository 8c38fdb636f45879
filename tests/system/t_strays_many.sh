# SPDX-License-Identifier: ISC
# A child that leaves 100 daemons (each in a session of its own, setsid(1),
# re-parented to holdports at once), each holding the listening socket:
# SIGTERM to holdports stops every one of them, the port is free, and the
# next instance binds it. Three ways: with a cgroup per child (where
# holdports can make one: root here), with process groups alone (the same
# run as another user, who may not make cgroups: the daemons are found as
# strays), and with cgroups after SIGKILL of holdports, where the guard
# kills the cgroup: none left, port free.
. tests/system/lib.sh

N=100
chmod 755 "$T"
mkdir -m 777 "$T/d"

# daemons.sh: starts N daemons, records their pids, then runs hp-echo.
cat > "$T/daemons.sh" <<EOS
#!/bin/sh
i=0
while [ \$i -lt $N ]; do
	(setsid sleep 1000 & echo \$! >> "\$1/pids")
	i=\$((i + 1))
done
echo done > "\$1/done"
exec $ECHO
EOS
chmod 755 "$T/daemons.sh"

all_dead() { for _p in $(cat "$1"); do dead "$_p" || return 1; done; }
count_alive() {
	_n=0
	for _p in $(cat "$1"); do alive "$_p" && _n=$((_n + 1)); done
	echo $_n
}
# rebind PORT: another instance can bind PORT now.
rebind() {
	"$HP" -l "127.0.0.1:$1=again" -- "$ECHO" 2> "$T/again.log" &
	_a=$!
	track "$_a"
	wait_until 10 grep -q "again listening on 127.0.0.1:$1 " "$T/again.log"
	_st=$?
	kill -TERM "$_a" 2>/dev/null
	wait "$_a" 2>/dev/null
	untrack "$_a"
	return $_st
}

# run HOW [AS...]: one instance under AS (a command prefix, or nothing),
# its child's N daemons, then HOW (TERM or KILL) to holdports.
run() {
	how=$1
	shift
	rm -f "$T/d/pids" "$T/d/done"
	: > "$T/hp.log"
	"$@" "$HP" -v -l 127.0.0.1:0=http -- "$T/daemons.sh" "$T/d" \
	    2>> "$T/hp.log" &
	HP_PID=$!
	track "$HP_PID"
	port=$(wait_port http)
	wait_until 20 test -s "$T/d/done" || {
		fail "$how: no daemons: $(cat "$T/hp.log")"
		return
	}
	for p in $(cat "$T/d/pids"); do track "$p"; done
	n=$(count_alive "$T/d/pids")
	sid=$(head -n 1 "$T/d/pids")
	[ "$n" -eq $N ] && [ "$(ps -o sid= -p "$sid" | tr -d ' ')" = "$sid" ] &&
		listening "$port" ||
		fail "$how: $n of $N daemons run, or not in sessions of their own"
	kill "-$how" "$HP_PID"
	wait "$HP_PID" 2>/dev/null
	st=$?
	untrack "$HP_PID"
	HP_PID=
	wait_until 10 all_dead "$T/d/pids"
	left=$(count_alive "$T/d/pids")
	[ "$left" -eq 0 ] && untrack $(cat "$T/d/pids")
	[ "$left" -eq 0 ] && ! listening "$port" ||
		fail "$how: $left of $N daemons left, port $port $(listening "$port" && echo held || echo free)"
	[ "$how" = KILL ] || [ "$st" -eq 0 ] || fail "$how: exit $st"
	rebind "$port" || fail "$how: the next instance cannot bind $port: $(cat "$T/again.log")"
	[ "$left" -eq 0 ] && return 0
	return 1
}

if run TERM; then
	if grep -q 'each child runs in a cgroup' "$T/hp.log"; then
		ok "cgroups, SIGTERM: all $N daemons stopped, port free, next instance binds it"
		cg=yes
	else
		ok "SIGTERM: all $N daemons stopped, port free, next instance binds it"
		cg=no
	fi
fi

if [ "$(id -u)" -eq 0 ] && command -v setpriv > /dev/null; then
	mkdir -m 700 "$T/nrun"
	chown 65534:65534 "$T/nrun"
	run TERM setpriv --reuid 65534 --regid 65534 --clear-groups \
	    env XDG_RUNTIME_DIR="$T/nrun" &&
		[ "$(count 'no cgroups: ')" -eq 1 ] &&
		! grep -q 'each child runs in a cgroup' "$T/hp.log" &&
		ok "process groups alone (another user): all $N stopped as strays, port free, next instance binds it"
	grep -q "no cgroups: .*is not ours to change" "$T/hp.log" ||
		fail "-v does not say why there are no cgroups: $(head -n 3 "$T/hp.log")"
else
	skip "skipped: process groups alone: needs root and setpriv(1)"
fi

if [ "${cg:-no}" = yes ]; then
	run KILL && grep -q 'guard: holdports is gone; killed its cgroups' "$T/hp.log" &&
		ok "cgroups, SIGKILL of holdports: the guard killed all $N, port free, next instance binds it"
else
	skip "skipped: SIGKILL with cgroups: holdports has none here"
fi
finish
