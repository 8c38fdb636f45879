# SPDX-License-Identifier: ISC
# lib.sh: sourced by each tests/system/t_*.sh. Runs from the repo top.
#
#   T               a fresh temporary directory, removed at exit
#   HP ECHO SD LOAD the holdports binary and the test helpers
#   hp_start ARG... start holdports in the background (stderr in $T/hp.log),
#                   set HP_PID; wait_port NAME then gives the bound port
#   wait_until SECS CMD...  retry CMD until it succeeds, at most SECS
#   ok / fail / skip MESSAGE   report one case (run.sh counts them)
#   track PID       a process of ours to kill at exit (by pid, never by name)
#   untrack PID...  forget pids that are gone, before their pid is reused
#   HP_WRAP         (environment) a program every "$HP" runs through

set -u
TOP=$(pwd)
HP=$TOP/holdports
CASE=$(basename "$0" .sh)
T=$(mktemp -d "${TMPDIR:-/tmp}/hp-$CASE.XXXXXX")
# The helpers through a short path, whatever the checkout's: a ports.ini
# line holds at most 199 bytes (inih), and holdports shows a holder's
# command line cut at about 80.
ln -s "$TOP/tests/helpers" "$T/h"
ECHO=$T/h/hp-echo
SD=$T/h/sd-echo
LOAD=$T/h/hp-load
XDG_RUNTIME_DIR=$T/run
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
export XDG_RUNTIME_DIR
# HP_WRAP, an executable that runs "$HP_WRAPPED" with its arguments (make
# check-valgrind: under valgrind): every "$HP" of the test goes through it.
if [ -n "${HP_WRAP:-}" ]; then
	HP_WRAPPED=$HP
	HP_CASE=$CASE
	export HP_WRAPPED HP_CASE
	HP=$HP_WRAP
fi
: > "$T/pids"
HP_PID=
FAILED=0

ok() { echo "ok   $CASE: $*"; }
fail() { echo "FAIL $CASE: $*"; FAILED=1; }
skip() { echo "skip $CASE: $*"; }

track() { echo "$1" >> "$T/pids"; }
# untrack PID...: forget pids that are gone (reaped, or seen dead): with
# pids reused quickly, the cleanup must not kill another's process.
untrack() {
	for _u; do echo "$_u"; done > "$T/pids.drop"
	grep -vxF -f "$T/pids.drop" "$T/pids" > "$T/pids.new"
	mv "$T/pids.new" "$T/pids"
}

# End everything this test started: holdports first (it stops its child
# group), then any pid recorded with track, then remove $T.
cleanup() {
	if [ -n "$HP_PID" ] && kill -0 "$HP_PID" 2>/dev/null; then
		kill -TERM "$HP_PID" 2>/dev/null
		wait_until 10 sh -c "! kill -0 $HP_PID 2>/dev/null" ||
			kill -KILL "$HP_PID" 2>/dev/null
	fi
	while read -r p; do
		[ -n "$p" ] && kill -KILL "$p" 2>/dev/null
	done < "$T/pids"
	for r in "$T"/reports/*.report; do
		[ -f "$r" ] || continue
		for key in pid grandchild; do
			p=$(sed -n "s/^$key=//p" "$r")
			[ -n "$p" ] && kill -KILL "$p" 2>/dev/null
		done
	done
	[ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
# A test piped into head(1) dies of SIGPIPE: clean up then too.
trap 'exit 1' HUP INT PIPE TERM

# wait_until SECS CMD...: true as soon as CMD succeeds, false after SECS.
# Polls every 10 ms; the bound is in tries, so it ends even if the clock
# stalls.
wait_until() {
	_tries=$(( $1 * 100 ))
	shift
	while [ "$_tries" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.01
		_tries=$(( _tries - 1 ))
	done
	return 1
}

# hp_start ARG...: runs holdports with ARG in the background.
hp_start() {
	# Emptied here, not by the background job's redirection: a test
	# that starts holdports twice must not read the first run's log.
	: > "$T/hp.log"
	"$HP" "$@" 2>> "$T/hp.log" &
	HP_PID=$!
	track "$HP_PID"
}

# hp_stop: SIGTERM to the holdports hp_start ran, and reaps it; returns
# its exit status.
hp_stop() {
	kill -TERM "$HP_PID" 2>/dev/null
	wait "$HP_PID" 2>/dev/null
	_st=$?
	untrack "$HP_PID"
	HP_PID=
	return "$_st"
}

# port_of NAME: the port holdports printed for socket NAME, or nothing.
port_of() {
	sed -n "s/^holdports: $1 listening on .*:\([0-9][0-9]*\) (fd [0-9]*)\$/\1/p" \
	    "$T/hp.log" | tail -n 1
}

# take_port PORT: tries to bind 127.0.0.1:PORT the way a stray server
# would (SO_REUSEADDR, then listen), for at most 10 s; prints what
# hp-hold says: EADDRINUSE, or taken.
take_port() {
	"$TOP/tests/helpers/hp-hold" -t "$1" > "$T/take" 2>&1 &
	_take=$!
	track "$_take"
	wait_until 10 test -s "$T/take"
	cat "$T/take"
}

# wait_port NAME: waits until holdports bound NAME; prints the port.
wait_port() {
	wait_until 10 sh -c "grep -q '^holdports: $1 listening on' '$T/hp.log'" ||
		return 1
	port_of "$1"
}

# count PATTERN: lines of hp.log matching the grep pattern.
count() { grep -c -- "$1" "$T/hp.log"; }

# at_least N PATTERN: hp.log has at least N lines matching PATTERN.
at_least() { [ "$(count "$2")" -ge "$1" ]; }

# report_of PID KEY: a value from hp-echo's report of process PID.
report_of() { sed -n "s/^$2=//p" "$T/reports/$1.report" 2>/dev/null; }

# latest_pid: the pid of the child holdports started last.
latest_pid() {
	sed -n 's/.*restarted pid \([0-9]*\).*/\1/p; s/.*started pid \([0-9]*\).*/\1/p' \
	    "$T/hp.log" | tail -n 1
}

# listening PORT: true if some socket listens on 127.0.0.1:PORT
# (/proc/net/tcp: local address in hex, state 0A = LISTEN).
listening() {
	_hex=$(printf '%04X' "$1")
	grep -q "^ *[0-9]*: 0100007F:$_hex 00000000:0000 0A" /proc/net/tcp
}

# inode_of_port PORT: the inode of the socket listening on 127.0.0.1:PORT.
inode_of_port() {
	_hex=$(printf '%04X' "$1")
	awk -v a="0100007F:$_hex" '$2 == a && $4 == "0A" { print $10 }' \
	    /proc/net/tcp
}

# alive PID: the process exists and is not a zombie.
alive() {
	kill -0 "$1" 2>/dev/null || return 1
	_st=$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$1/status" 2>/dev/null)
	[ "$_st" != Z ]
}

# group_empty PGID: no live (non-zombie) process is in process group PGID.
# /proc/PID/stat after the command's ')': state, ppid, pgrp, ...
group_empty() {
	cat /proc/[0-9]*/stat 2>/dev/null | awk -v pg="$1" '
		{ sub(/^.*\) /, ""); if ($3 == pg && $1 != "Z") found = 1 }
		END { exit found }'
}

# dead PID: the process is gone (or only a zombie).
dead() { ! alive "$1"; }

# watching PID [N]: process PID holds at least N (default 1) inotify
# watches ("inotify wd:" lines of /proc/PID/fdinfo, proc(5)). holdports
# starts the child before it watches, so a test that changes a file right
# after "started pid" waits for this first (under valgrind the gap is
# long).
watching() {
	[ "$(cat /proc/"$1"/fdinfo/* 2>/dev/null | grep -c '^inotify wd:')" \
	    -ge "${2:-1}" ]
}

finish() { exit "$FAILED"; }
