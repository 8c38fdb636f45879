# SPDX-License-Identifier: ISC
# mode = overlap: a worker of the serving child whose own parent exited is
# re-parented to holdports but stays in the serving child's process group
# (and cgroup). It is no stray: when a new child starts, and then never
# becomes ready, the old child and its worker keep serving. With a cgroup
# per child (root here) and with process groups alone (another user).
. tests/system/lib.sh

chmod 755 "$T"
mkdir -m 777 "$T/d"
# child.sh DIR: the first run leaves a worker in its group (a subshell
# starts it and exits) and sends READY=1; later runs never do.
cat > "$T/child.sh" <<EOS
#!/bin/sh
n=\$(cat "\$1/n" 2>/dev/null || echo 0)
n=\$((n + 1))
echo \$n > "\$1/n"
if [ \$n -eq 1 ]; then
	(sleep 1000 & echo \$! > "\$1/worker")
	exec $ECHO -N 0
fi
exec sleep 1000
EOS
chmod 755 "$T/child.sh"
cat > "$T/ports.ini" <<INI
[holdports]
mode = overlap
ready = notify
ready_timeout = 1s
[socket.http]
listen = 127.0.0.1:0
[child]
command = $T/child.sh $T/d
INI
chmod 644 "$T/ports.ini"

# stat_field PID N: field N of /proc/PID/stat after the command (3: state,
# 4: ppid, 5: pgrp).
stat_field() {
	_l=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	set -- "$2" ${_l##*) }
	eval "echo \${$(($1 - 1))}"
}

# run WHAT [AS...]: one instance under AS (a command prefix, or nothing).
run() {
	what=$1
	shift
	rm -f "$T/d/n" "$T/d/worker"
	: > "$T/hp.log"
	"$@" "$HP" -v -c "$T/ports.ini" 2>> "$T/hp.log" &
	HP_PID=$!
	track "$HP_PID"
	port=$(wait_port http)
	wait_until 10 at_least 1 'started pid .*, ready in' ||
		{ fail "$what: never ready: $(cat "$T/hp.log")"; return; }
	child=$(latest_pid)
	wait_until 10 test -s "$T/d/worker" || { fail "$what: no worker"; return; }
	worker=$(cat "$T/d/worker")
	track "$worker"
	wait_until 10 sh -c "[ \"\$(sed 's/.*) [A-Z] \([0-9]*\) .*/\1/' /proc/$worker/stat)\" = $HP_PID ]" ||
		fail "$what: worker $worker not re-parented to holdports"
	[ "$(stat_field "$worker" 5)" = "$child" ] ||
		fail "$what: worker $worker not in the child's group"
	kill -HUP "$HP_PID"
	wait_until 10 at_least 1 "sent no READY=1 within 1.00 s; stopping it and keeping pid $child" ||
		fail "$what: no ready timeout: $(cat "$T/hp.log")"
	sleep 0.3
	alive "$worker" && alive "$child" &&
		! grep -q "stopping pid $worker" "$T/hp.log" &&
		ok "$what: the old child and its worker keep serving" ||
		fail "$what: worker $worker or child $child stopped: $(cat "$T/hp.log")"
	kill -TERM "$HP_PID"
	wait "$HP_PID"
	st=$?
	untrack "$HP_PID"
	HP_PID=
	wait_until 10 dead "$worker" && dead "$child" && [ "$st" -eq 0 ] &&
		ok "$what: SIGTERM stops both (exit 0)" ||
		fail "$what: exit $st, worker or child left"
	untrack "$worker"
}

run "cgroups"
if [ "$(id -u)" -eq 0 ] && command -v setpriv > /dev/null; then
	mkdir -m 700 "$T/nrun"
	chown 65534:65534 "$T/nrun"
	run "process groups" setpriv --reuid 65534 --regid 65534 \
	    --clear-groups env XDG_RUNTIME_DIR="$T/nrun"
else
	skip "skipped: process groups alone: needs root and setpriv(1)"
fi
finish
