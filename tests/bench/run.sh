#!/bin/sh
# SPDX-License-Identifier: ISC
# run.sh: make bench; runs every measurement of tests/bench/hp-bench at
# least 5 times and prints one markdown table per metric (median, and
# min–max over the repetitions), on 127.0.0.1 only.
#   sh tests/bench/run.sh [-H holdports] [-o FILE] [-r REPS]
# Progress goes to stderr, the tables to stdout (and to FILE with -o);
# -H times another holdports binary than ./holdports.
# Each hp-bench run is bounded by timeout(1) and stops what it started.
set -u
REPS=5
OUT=
HP=./holdports
while getopts H:o:r: opt; do
	case $opt in
	H) HP=$OPTARG ;;
	o) OUT=$OPTARG ;;
	r) REPS=$OPTARG ;;
	*) echo "usage: run.sh [-H holdports] [-o FILE] [-r REPS]" >&2; exit 2 ;;
	esac
done
[ "$REPS" -ge 5 ] 2>/dev/null || { echo "run.sh: -r: at least 5" >&2; exit 2; }

B=tests/bench/hp-bench
AWK="awk -f tests/bench/table.awk"
T=$(mktemp -d "${TMPDIR:-/tmp}/hp-bench.XXXXXX")
R=$T/results
mkdir -p "$R" "$T/run"
TABLES=$T/tables.md
START=$(date +%s)
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)

# A registry of our own, so that `holdports ls` elsewhere never lists
# the benchmark's instances. It goes on a tmpfs where there is one, as
# /run/user/UID is on a desktop; the memory pass also runs with it on
# the disk ($TMPDIR or /tmp), where holdports falls back to /tmp without
# XDG_RUNTIME_DIR.
XDG_DISK=$T/xdg-disk
mkdir -m 700 "$XDG_DISK"
XDG_RUNTIME_DIR=$XDG_DISK
if [ -d /dev/shm ] && [ -w /dev/shm ] &&
    _x=$(mktemp -d /dev/shm/hp-bench.XXXXXX 2>/dev/null); then
	XDG_RUNTIME_DIR=$_x
	chmod 700 "$_x"
fi
export XDG_RUNTIME_DIR
cleanup() {
	rm -rf "$T"
	case $XDG_RUNTIME_DIR in /dev/shm/hp-bench.*) rm -rf "$XDG_RUNTIME_DIR" ;; esac
}
# fstype DIR: the file system type of DIR (df -T names ext4, where stat
# says ext2/ext3).
fstype() {
	_t=$(df -T "$1" 2>/dev/null | awk 'NR == 2 { print $2 }')
	[ -n "$_t" ] || _t=$(stat -f -c %T "$1" 2>/dev/null) || _t="?"
	echo "$_t"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

say() { echo "bench: $*" >&2; }
out() { echo "$*" >> "$TABLES"; }

# bench NAME SECS ARG...: one hp-bench run, at most SECS seconds, its
# line(s) appended to $R/NAME; a failed run is reported and left out.
bench() {
	_name=$1 _secs=$2
	shift 2
	if timeout -s TERM "$_secs" "$B" -H "$HP" -t "$T/run" $WRKOPT "$@" \
	    >> "$R/$_name" 2>> "$T/errors"; then
		return 0
	fi
	say "$_name: run failed ($*); see below"
	tail -n 5 "$T/errors" >&2
	return 1
}

# row LABEL NAME KEYS: a table row from the repetitions in $R/NAME.
row() { out "$($AWK -v label="$1" -v keys="$3" "$R/$2" 2>/dev/null)"; }

# reps N CMD...: CMD N times.
reps() {
	_n=$1
	shift
	_i=0
	while [ "$_i" -lt "$_n" ]; do
		"$@"
		_i=$((_i + 1))
	done
}

# wrk, from Debian, for the keep-alive pass; skipped with the reason when
# it cannot be installed.
WRK=$(command -v wrk 2>/dev/null)
WRK_SKIP=
if [ -z "$WRK" ]; then
	if ! command -v apt-get >/dev/null 2>&1; then
		WRK_SKIP="wrk is not installed and this is not Debian (no apt-get)"
	else
		if [ "$(id -u)" -eq 0 ]; then
			sudo=
		elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
			sudo=sudo
		else
			sudo=none
			WRK_SKIP="wrk is not installed, and installing it needs root (sudo asks for a password)"
		fi
		if [ "$sudo" != none ]; then
			say "installing wrk with apt-get"
			export DEBIAN_FRONTEND=noninteractive
			$sudo apt-get install -y -qq --no-install-recommends wrk >/dev/null 2>&1 ||
				{ $sudo apt-get update -qq >/dev/null 2>&1 &&
				  $sudo apt-get install -y -qq --no-install-recommends wrk >/dev/null 2>&1; }
			WRK=$(command -v wrk 2>/dev/null)
			[ -n "$WRK" ] || WRK_SKIP="apt-get install wrk failed"
		fi
	fi
fi
WRKOPT=
[ -n "$WRK" ] && WRKOPT="-W $WRK"

# Server::Starter's start_server (Debian: libserver-starter-perl, which
# contrib/install-deps.sh --toolchains installs), for the overlap
# comparison; skipped with the reason when it is missing.
STARTER=$(command -v start_server 2>/dev/null)
STARTER_SKIP=
[ -n "$STARTER" ] || STARTER_SKIP="start_server is not installed (Debian: apt-get install libserver-starter-perl)"
[ -n "$STARTER" ] && WRKOPT="$WRKOPT -S $STARTER"

# The socket-scale pass runs under this soft descriptor limit, the one
# most sessions give a process.
NOFILE=1024

say "generating trees"
"$B" -t "$T/run" tree "$T/idle" 1000 10 0 > "$R/tree-idle" || exit 1
for n in 1000 10000 50000; do
	"$B" -t "$T/run" tree "$T/tree$n" "$n" 1 1 > "$R/watch$n" || exit 1
done

say "1/10 reload gap"
for client in load wrk; do
	[ "$client" = wrk ] && [ -z "$WRK" ] && continue
	for cfg in "replace hup" "replace file" "overlap hup" "overlap file" \
	    "baseline hup"; do
		set -- $cfg
		reps "$REPS" bench "gap-$1-$2-$client" 60 gap "$1" "$2" "$client"
	done
done
say "2/10 reload latency"
reps "$REPS" bench latency 120 latency
# The same with the children's output read through holdports (what
# protocol = http and events turn on): a pipe per start, a read per turn.
printf '[holdports]\nevents = 127.0.0.1:0\n' > "$T/capture.ini"
reps "$REPS" bench latency-cap 120 -c "$T/capture.ini" latency
say "3/10 memory"
reps "$REPS" bench memory 120 memory 1000
reps "$REPS" bench memory-cap 120 -c "$T/capture.ini" memory 1000
XDG_TMPFS=$XDG_RUNTIME_DIR
XDG_RUNTIME_DIR=$XDG_DISK
reps "$REPS" bench memdisk 120 memory 200
XDG_RUNTIME_DIR=$XDG_TMPFS
say "4/10 idle cost"
bench idle 120 idle "$T/idle" "$REPS" 10
say "5/10 watch scale"
for n in 1000 10000 50000; do
	reps "$REPS" bench "watch$n" 120 watch "$T/tree$n" "$n"
done
say "6/10 socket scale"
for n in 1 100 256; do
	reps "$REPS" bench "socks$n" 120 socks "$n" "$NOFILE"
done
bench socks257 60 socks 257 "$NOFILE"
reps "$REPS" bench socks1000 120 socks 1000 "$NOFILE"
say "7/10 burst coalescing"
reps "$REPS" bench burst 60 burst 1000 100
say "8/10 replace reload against its floor"
reps "$REPS" bench floor 120 floor
say "9/10 overlap against Server::Starter"
[ -n "$STARTER" ] && reps "$REPS" bench starter 300 starter
say "10/10 polling"
# poll DIR NAME: one bench-poll run on 10 000 files under DIR, appended to
# $R/poll-NAME; a failed run is reported and left out.
poll() {
	timeout -s TERM 120 tests/bench/bench-poll "$1/poll" 10000 \
	    >> "$R/poll-$2" 2>> "$T/errors" || say "poll $2: run failed"
}
reps "$REPS" poll "$T" disk
if [ -d /dev/shm ] && [ -w /dev/shm ] &&
    _p=$(mktemp -d /dev/shm/hp-poll.XXXXXX 2>/dev/null); then
	reps "$REPS" poll "$_p" tmpfs
	rm -rf "$_p"
fi

# The tables.
CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
out "Machine: $(nproc) cores${CPU:+ ($CPU)}, $(uname -s) $(uname -r);"
out "load average before: $LOAD0, after: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)."
out "\`make bench\`, $REPS repetitions; each cell: median (min–max)."
out ""
out "**1. Reload gap**: 50 reloads under load (file change: debounce 10 ms;"
out "20 ms between reloads). *new conn.*: one client opening new"
out "connections back to back (1 ms pause after a failure); *wrk*: 32"
out "keep-alive connections (\`wrk -t1 -c32\`), failures = wrk's socket errors"
out "(connect: refused; read/write: reset). Baseline: a shell loop that kills"
out "and restarts the child on SIGHUP, the child binding the port itself."
out "The last column is the reload time holdports logs (SIGHUP or debounce to"
out "the new child's exec; overlap: to its READY=1), 1 ms resolution: a stall"
out "longer than that is the new child's own start-up and waiting for a CPU."
out ""
out "| reload | client | requests | refused | reset | timeout | longest stall (ms) | longest reload in holdports' log (ms) |"
out "|---|---|---|---|---|---|---|---|"
for client in load wrk; do
	label="new conn."
	[ "$client" = wrk ] && label=wrk
	if [ "$client" = wrk ] && [ -z "$WRK" ]; then
		out "| (all) | wrk | skipped: $WRK_SKIP | | | | | |"
		continue
	fi
	for cfg in "replace hup" "replace file" "overlap hup" "overlap file" \
	    "baseline hup"; do
		set -- $cfg
		what="holdports $1, $2"
		[ "$1" = baseline ] && what="baseline: kill + restart, $2"
		[ "$2" = hup ] && what=$(echo "$what" | sed 's/hup$/SIGHUP/')
		row "$what | $label" "gap-$1-$2-$client" "made refused reset timeout stall_ms sv_max_ms"
	done
done
out ""
out "**2. Reload latency** (replace mode, a child that starts at once), ms,"
out "over 50 reloads a repetition. Floor: fork + exec of the same child with"
out "the socket inherited, until its first reply, no supervisor (measured"
out "between the SIGHUP reloads). Overhead: median − floor median (file:"
out "− debounce 50 ms − floor). The old child's exit and the rest split"
out "the SIGHUP overhead; the floor through /bin/sh shows what a command"
out "run through a shell (\`listen_pid = none\`) would add."
out ""
out "| path | median | p95 | max | overhead |"
out "|---|---|---|---|---|"
row "SIGHUP → first reply of the new child" latency "hup_med hup_p95 hup_max hup_over"
row "file write → first reply of the new child" latency "file_med file_p95 file_max file_over"
row "SIGHUP after 50 ms idle → first reply" latency "hupidle_med hupidle_p95 hupidle_max hupidle_over"
row "floor: fork + exec the child" latency "floor_med floor_p95 floor_max -"
row "floor through /bin/sh -c 'exec child' (what listen_pid = none adds)" latency "floorsh_med floorsh_p95 floorsh_max sh_cost"
row "old child: SIGTERM → reaped" latency "stop_med stop_p95 stop_max -"
row "supervisor's own share (overhead − old child's exit)" latency "- - - own"
row "SIGHUP → first reply, output read (events on)" latency-cap "hup_med hup_p95 hup_max hup_over"
row "file write → first reply, output read (events on)" latency-cap "file_med file_p95 file_max file_over"
row "supervisor's own share, output read" latency-cap "- - - own"
out ""
out "**3. Memory** of the supervisor process, KiB: VmRSS (/proc/PID/status),"
out "Pss and Pss_Anon (its own heap and stack) from /proc/PID/smaps_rollup;"
out "and the time per reload, SIGHUP to the supervisor's \"restarted\" line,"
out "with its registry in XDG_RUNTIME_DIR on $(fstype "$XDG_TMPFS") and on $(fstype "$XDG_DISK")."
out ""
out "| when | VmRSS | Pss | Pss_Anon | open fds | ms per reload |"
out "|---|---|---|---|---|---|"
row "after start" memory "rss_start pss_start anon_start fds_start -"
row "after 1000 reloads (SIGHUP)" memory "rss_end pss_end anon_end fds_end ms_per_reload"
row "growth" memory "rss_growth pss_growth anon_growth - -"
row "200 reloads, registry on $(fstype "$XDG_DISK")" memdisk "rss_end pss_end anon_end fds_end ms_per_reload"
row "after 1000 reloads, output read (events on)" memory-cap "rss_end pss_end anon_end fds_end ms_per_reload"
out ""
out "**4. Idle cost** over 10 s, watching 10 000 files in 1 000 directories"
out "($REPS supervisors side by side, one per repetition)."
out ""
out "| process | CPU ticks (1/$(getconf CLK_TCK) s) | context switches | its child's | inotify watches |"
out "|---|---|---|---|---|"
row "supervisor" idle "ticks csw child_csw watches"
out ""
out "**5. Watch scale**: generated trees, one file a directory, a"
out "node_modules folder of 25 directories under every 100th directory,"
out "ignored with \`-i node_modules\`; warm cache. Walk: child started →"
out "watches set; event: file write → first reply of the new child, less"
out "the 20 ms debounce (median of 10)."
out ""
out "| directories | ignored | inotify watches | walk (ms) | exec → watching (ms) | event → reply (ms) | worst event (ms) |"
out "|---|---|---|---|---|---|---|"
for n in 1000 10000 50000; do
	row "$n" "watch$n" "ignored fdinfo setup_ms total_ms event_ms event_max"
done
out ""
out "**6. Socket scale**: N sockets on 127.0.0.1, checked by the child with"
out "hp_listen_fds_with_names() (count, names, listening TCP) before it"
out "serves, under a soft descriptor limit (RLIMIT_NOFILE) of $NOFILE, what most"
out "sessions give a process. Start: exec → first reply on the last socket;"
out "reload: SIGHUP → the new child's first reply there (median and max of"
out "10), ms. ÷ 1 socket: against one socket measured in the same run."
out ""
out "| sockets | accepted | start | reload | reload max | start ÷ 1 socket | reload ÷ 1 socket | supervisor fds |"
out "|---|---|---|---|---|---|---|---|"
for n in 1 100 256 257 1000; do
	row "$n" "socks$n" "accepted start_ms reload_ms reload_max start_ratio reload_ratio fds"
done
for n in 257 1000; do
	msg=$(sed -n "s/^hp-bench: socks $n: //p" "$T/errors" | head -n 1)
	[ -n "$msg" ] && out "" && out "$n sockets are refused: \`$msg\`"
done
out ""
out "**7. Burst coalescing**: 1000 file writes (100 files) spread over 100 ms,"
out "default debounce 50 ms."
out ""
out "| writes | span (ms) | reloads | changes named in the reload line |"
out "|---|---|---|---|"
row 1000 burst "span_ms reloads changes"
out ""
out "**8. Replace-mode reload against its floor**, ms: holdports in replace"
out "mode and bench-floor, the least a supervisor can do (bind once; on"
out "SIGHUP: SIGTERM to the old child, wait for it, fork + execve the new one"
out "with the socket at fd 3 and LISTEN_*, no shell, no registry), run the"
out "same child side by side; 200 SIGHUP reloads of each a repetition,"
out "alternating; SIGHUP → first reply of the new child. Target: holdports'"
out "median within 0.5 ms of the floor's."
out ""
out "| | median | p95 | max |"
out "|---|---|---|---|"
row "holdports, replace" floor "hp_med hp_p95 hp_max"
row "floor (bench-floor)" floor "floor_med floor_p95 floor_max"
row "holdports − floor (target: median ≤ 0.5)" floor "over_med over_p95 -"
row "holdports ÷ floor" floor "ratio_med ratio_p95 -"
out ""
out "**9. Overlap against Server::Starter**, ms: \`mode = overlap\`, \`ready ="
out "none\` and \`start_server --interval=0\` (Server::Starter), which both start"
out "the new worker and at once send SIGTERM to the old one, run the same"
out "child (it takes SERVER_STARTER_PORT); 200 SIGHUP reloads of each a"
out "repetition, alternating; SIGHUP → first reply of the new worker."
out ""
out "| | median | p95 | max |"
out "|---|---|---|---|"
if [ -n "$STARTER" ]; then
	row "holdports, overlap, ready none" starter "hp_med hp_p95 hp_max"
	row "start_server --interval=0" starter "ss_med ss_p95 ss_max"
	row "holdports ÷ start_server" starter "ratio_med ratio_p95 -"
else
	out "| (all) | skipped: $STARTER_SKIP | | |"
fi
out ""
out "**10. Polling** (the poll watcher, for roots on NFS, SMB, 9p, FUSE):"
out "10 000 files, 10 a directory, in a tree of 1 000 directories; one scan"
out "is a readdir + fstatat walk compared with the snapshot (median of 21"
out "scans of the unchanged tree, warm cache), ms; change: the scan that"
out "finds one grown file; RSS of the benchmark process, KiB."
out ""
out "| file system | entries | snapshot | scan | scan max | change | RSS |"
out "|---|---|---|---|---|---|---|"
row "$(fstype "$T")" poll-disk "entries add_ms scan_med_ms scan_max_ms change_ms rss_kb"
[ -s "$R/poll-tmpfs" ] &&
	row tmpfs poll-tmpfs "entries add_ms scan_med_ms scan_max_ms change_ms rss_kb"
out ""
out "Total run time: $(( $(date +%s) - START )) s."

cat "$TABLES"
[ -n "$OUT" ] && cp "$TABLES" "$OUT"
if [ -s "$T/errors" ]; then
	say "messages from the runs:"
	sort -u "$T/errors" | head -n 40 >&2
fi
exit 0
