# SPDX-License-Identifier: ISC
# Each start and build in a cgroup of its own, through the binary: a
# daemon that left the child's process group and ignores SIGTERM is
# killed with the cgroup (cgroup.kill) at the stop timeout, the next child
# starts only once the old cgroup is empty, what a build that succeeded
# left running is stopped the same way, each cgroup is removed when its
# group is gone, and a clean stop removes holdports' subtree. Needs root
# (or a delegated cgroup) and cgroup v2.
. tests/system/lib.sh

mkdir -p "$T/d"
# child.sh DIR: leaves a daemon in a session of its own that ignores
# SIGTERM (an ignored signal stays ignored across exec), waits until it
# does, then runs hp-echo.
cat > "$T/child.sh" <<EOS
#!/bin/sh
: > "\$1/d.new"
(setsid sh -c 'trap "" TERM; echo \$\$ > "\$0"; exec sleep 1000' "\$1/d.new" &)
while [ ! -s "\$1/d.new" ]; do sleep 0.01; done
cat "\$1/d.new" >> "\$1/daemons"
exec $ECHO
EOS
chmod 755 "$T/child.sh"
# build.sh DIR: a build that leaves such a daemon behind, and succeeds.
cat > "$T/build.sh" <<EOS
#!/bin/sh
: > "\$1/b.new"
(setsid sh -c 'trap "" TERM; echo \$\$ > "\$0"; exec sleep 1000' "\$1/b.new" &)
while [ ! -s "\$1/b.new" ]; do sleep 0.01; done
cat "\$1/b.new" >> "\$1/built"
EOS
chmod 755 "$T/build.sh"
cat > "$T/ports.ini" <<INI
[holdports]
stop_timeout = 500ms
[socket.http]
listen = 127.0.0.1:0
[child]
command = $T/child.sh $T/d
build = $T/build.sh $T/d
INI
hp_start -v -c "$T/ports.ini"
port=$(wait_port http)
wait_until 10 at_least 1 'started pid' || fail "no child: $(cat "$T/hp.log")"
dir=$(sed -n 's/^holdports: each child runs in a cgroup below \(.*\)$/\1/p' "$T/hp.log")
if [ -z "$dir" ]; then
	skip "skipped: no cgroups here: $(grep 'no cgroups' "$T/hp.log")"
	finish
fi
child=$(latest_pid)
wait_until 10 test -s "$T/d/daemons" || fail "no daemon"
d1=$(head -n 1 "$T/d/daemons")
track "$d1"
leaves() { find "$dir" -mindepth 1 -maxdepth 1 -type d; }
grep -qx "$d1" "$dir"/run-*/cgroup.procs && grep -qx "$child" "$dir"/run-*/cgroup.procs &&
	ok "the child and its daemon are in its cgroup" ||
	fail "not in a leaf: $(cat "$dir"/*/cgroup.procs)"
# What the build left is stopped (SIGTERM, then SIGKILL), as a stray
# would be, and its cgroup removed.
b1=$(head -n 1 "$T/d/built")
track "$b1"
wait_until 10 sh -c "! ls '$dir' | grep -q '^build-'" && dead "$b1" &&
	grep -q "stopping 1 process left in the cgroup of pid" "$T/hp.log" &&
	grep -q "processes left in the cgroup of pid [0-9]* did not stop; killing them" "$T/hp.log" &&
	ok "what the build left is killed, its cgroup removed" ||
	fail "build daemon $b1 $(alive "$b1" && echo alive); leaves: $(leaves); $(cat "$T/hp.log")"
untrack "$b1"

old=$(grep -lx "$child" "$dir"/run-*/cgroup.procs)
old=${old%/cgroup.procs}
kill -HUP "$HP_PID"
wait_until 10 at_least 1 'SIGHUP, build ok .*, restarted pid' ||
	fail "no reload: $(cat "$T/hp.log")"
grep -q "stopping 1 process that left the process group of pid $child, in its cgroup" "$T/hp.log" &&
	grep -q "pid $child did not stop within 500 ms of SIGTERM; sending SIGKILL" "$T/hp.log" &&
	ok "its daemon got SIGTERM, ignored it, and got the cgroup's SIGKILL" ||
	fail "log: $(cat "$T/hp.log")"
dead "$d1" && ok "the daemon is gone before the next child started" ||
	fail "daemon $d1 alive"
# The leaf of the next start may be made already, empty; the old one
# must be gone, and only one leaf may hold processes.
wait_until 10 test ! -e "$old" &&
	[ "$(grep -l . "$dir"/*/cgroup.procs | wc -l)" -eq 1 ] &&
	ok "the old cgroup is removed" || fail "$old: leaves: $(leaves)"
untrack "$d1"
d2=$(tail -n 1 "$T/d/daemons")
track "$d2"
# The stop comes while a reload builds: the leaf its start would have
# used, made meanwhile, goes with the rest.
kill -HUP "$HP_PID"
wait_until 10 at_least 3 'building: pid' || fail "no build: $(cat "$T/hp.log")"
hp_stop
st=$?
[ "$st" -eq 0 ] && dead "$d2" && [ ! -e "$dir" ] && ! listening "$port" &&
	! grep -q 'guard:' "$T/hp.log" &&
	ok "a clean stop during a reload kills the daemon and removes the subtree $dir; the guard has nothing to say" ||
	fail "exit $st, daemon $d2 $(alive "$d2" && echo alive), $dir $([ -e "$dir" ] && echo left): $(grep guard: "$T/hp.log")"

# The cgroup of the next start is made ahead, soon after a start, so
# that a reload does not wait for mkdir(2): the reload's child runs in
# the empty cgroup that was there before it.
cat > "$T/ports2.ini" <<INI
[socket.http]
listen = 127.0.0.1:0
[child]
command = $ECHO
INI

# start_ahead ARG...: holdports -v on ports2.ini with ARG; sets dir, its
# cgroup folder, once the first child runs.
start_ahead() {
	hp_start -v -c "$T/ports2.ini" "$@"
	wait_port http > /dev/null
	wait_until 10 at_least 1 'started pid' || fail "no child: $(cat "$T/hp.log")"
	dir=$(sed -n 's/^holdports: each child runs in a cgroup below \(.*\)$/\1/p' "$T/hp.log")
}

# reload_into_ahead N WHAT: once the leaf of the next start is there
# (a second run- leaf, empty), SIGHUP; the child of reload N must start
# in that leaf.
reload_into_ahead() {
	wait_until 10 sh -c "[ \$(ls '$dir' | grep -c '^run-') -eq 2 ]" || fail "no leaf ahead: $(leaves)"
	ahead=$(for l in $(leaves); do grep -q . "$l/cgroup.procs" || echo "$l"; done)
	kill -HUP "$HP_PID"
	wait_until 10 at_least "$1" 'SIGHUP, restarted pid' || fail "no reload $1: $(cat "$T/hp.log")"
	new=$(latest_pid)
	[ -n "$ahead" ] && wait_until 10 grep -qx "$new" "$ahead/cgroup.procs" &&
		ok "$2" ||
		fail "ahead '$ahead', pid $new: $(cat "/proc/$new/cgroup"); leaves: $(leaves)"
}

start_ahead
reload_into_ahead 1 "a reload's child starts in the cgroup made ahead of it"
hp_stop

# mode = overlap: the old child is stopped after the new one started;
# once it is gone, the cgroup of the next start is made, and the next
# reload's child runs in it.
start_ahead --mode overlap --ready none
old=$(latest_pid)
kill -HUP "$HP_PID"
wait_until 10 at_least 1 'SIGHUP, restarted pid' || fail "no reload: $(cat "$T/hp.log")"
wait_until 10 dead "$old" || fail "old child $old still runs"
reload_into_ahead 2 "mode = overlap: a reload's child starts in the cgroup made ahead once the old child was gone"
finish
