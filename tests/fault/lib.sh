# SPDX-License-Identifier: ISC
# lib.sh: sourced after tests/system/lib.sh by t_fault_*.sh and
# t_hostile_*.sh.
#
#   SHIM HOSTILE          the fault shim (tests/fault/shim.c) and the
#                         hostile child (tests/helpers/hostile.c)
#   FAULT                 the shim's control file; $FAULT.hits its record
#   need_shim             skip the whole test where there is no shim
#   hp_start_fault ARG... hp_start with the shim preloaded into holdports
#   fault RULE...         make these the faults in force, at once
#   no_fault              end every fault
#   hits FUNC             how often FUNC was made to fail so far
#   hits_at_least N FUNC  true once FUNC was made to fail N times
#   ms_now                CLOCK_REALTIME in ms, for reload timings
#   reload_within MS N PATTERN
#                         sends SIGHUP and waits for the Nth line of
#                         PATTERN; fails past MS; RELOAD_MS is the time

SHIM=$TOP/tests/fault/hp-fault.so
HOSTILE=$T/h/hostile
FAULT=$T/fault
RELOAD_MS=
# gcc's ASan wants its runtime first among the libraries; the shim is.
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
export ASAN_OPTIONS

need_shim() {
	if [ ! -f "$SHIM" ] || [ "$(uname -s)" != Linux ]; then
		skip "no fault shim (Linux and glibc only): $SHIM"
		finish
	fi
}

# The shim re-reads $FAULT when its inode, size or time changes: a rename
# replaces it whole.
fault() {
	printf '%s\n' "$@" > "$FAULT.tmp" && mv -f "$FAULT.tmp" "$FAULT"
}
no_fault() { rm -f "$FAULT"; }

hits() {
	_n=$(grep -c "^$1 " "$FAULT.hits" 2>/dev/null)
	echo "${_n:-0}"
}
hits_at_least() { [ "$(hits "$2")" -ge "$1" ]; }

hp_start_fault() {
	LD_PRELOAD=$SHIM HP_FAULT_FILE=$FAULT "$HP" "$@" 2> "$T/hp.log" &
	HP_PID=$!
	track "$HP_PID"
}

ms_now() { echo $(($(date +%s%N) / 1000000)); }

reload_within() {
	_t0=$(ms_now)
	kill -HUP "$HP_PID"
	wait_until $((($1 + 999) / 1000 + 10)) at_least "$2" "$3" || return 1
	RELOAD_MS=$(($(ms_now) - _t0))
	[ "$RELOAD_MS" -le "$1" ]
}

# Hostile children (t_hostile_*.sh):
#
#   hostile_start MODE [KEY=VALUE]...
#                   runs holdports -c $T/ports.ini: stop_timeout 500 ms,
#                   the KEY=VALUE lines in [holdports], one socket http,
#                   and the hostile child in MODE; the mode file
#                   $T/mode is read by every new child, so `echo echo >
#                   $T/mode` makes the next one behave. HOSTILE_ARGS are
#                   passed on (-N for ready = notify), HP_OUT is
#                   holdports' stdout (default /dev/null).
#   BOUND_MS        what a SIGHUP reload may take: stop_timeout + 1 s
#   first_child     waits for the first child's report; sets PID
#   gone_all        true when every process a hostile child reported
#                   (pid=, gc=) is gone and every one of their process
#                   groups is empty
STOP_MS=500
BOUND_MS=$((STOP_MS + 1000))
HOSTILE_ARGS=
HP_OUT=/dev/null

hostile_start() {
	mkdir -p "$T/reports"
	echo "$1" > "$T/mode"
	shift
	{
		echo "[holdports]"
		echo "stop_timeout = ${STOP_MS}ms"
		for _kv in "$@"; do echo "$_kv"; done
		echo "[socket.http]"
		echo "listen = 127.0.0.1:0"
		echo "[child]"
		echo "command = $HOSTILE -f $T/mode -r $T/reports $HOSTILE_ARGS"
	} > "$T/ports.ini"
	"$HP" -c "$T/ports.ini" > "$HP_OUT" 2> "$T/hp.log" &
	HP_PID=$!
	track "$HP_PID"
}

first_child() {
	wait_until 10 sh -c "ls '$T/reports' | grep -q '^[0-9]*\.report\$'" ||
		return 1
	PID=$(ls "$T/reports" | sed -n 's/^\([0-9]*\)\.report$/\1/p' | head -n 1)
}

gone_all() {
	for _r in "$T"/reports/*.report; do
		[ -f "$_r" ] || continue
		for _p in $(sed -n 's/^pid=//p; s/^gc=//p' "$_r"); do
			alive "$_p" && return 1
		done
		group_empty "$(sed -n 's/^pgid=//p' "$_r")" || return 1
	done
	return 0
}

# stop_and_check PORT: SIGTERM to holdports, which must exit 0 and leave
# nothing: no process, no group, no listening port.
stop_and_check() {
	kill -TERM "$HP_PID"
	wait "$HP_PID"
	_st=$?
	HP_PID=
	if [ "$_st" -eq 0 ] && wait_until 10 gone_all && ! listening "$1"; then
		ok "stopped with status 0; nothing left behind"
	else
		fail "after stop: status $_st, processes: $(gone_all || echo left), port: $(listening "$1" && echo open)"
	fi
}
