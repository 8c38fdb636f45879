# SPDX-License-Identifier: ISC
# Fault injection: every poll(2) fails with ENOMEM. holdports says so in
# one line, does not spin (it pauses between tries: about a hundred tries
# a second, not tens of thousands), keeps the port and the child, still
# acts on signals (a SIGHUP reloads, a SIGTERM stops it), and goes on as
# before once poll(2) works again.
. tests/system/lib.sh
. tests/fault/lib.sh
need_shim

# fail_poll: every poll(2) fails from now on. holdports waits in poll(2)
# with no timer: a signal that changes nothing (SIGWINCH) makes it call
# poll(2) again.
fail_poll() {
	fault "poll ENOMEM 100"
	kill -WINCH "$HP_PID"
	wait_until 5 hits_at_least $(($(hits poll) + 1)) poll ||
		fail "the fault was never reached"
}

hp_start_fault -l 127.0.0.1:0=http -- "$ECHO"
port=$(wait_port http)
wait_until 10 at_least 1 'started pid' || fail "no child"
fail_poll
t0=$(ms_now)
kill -HUP "$HP_PID"
wait_until 5 at_least 1 'SIGHUP, restarted pid' &&
	ok "while poll(2) fails, a SIGHUP still reloads" ||
	fail "no reload while poll fails: $(tail -n 3 "$T/hp.log")"
child=$(latest_pid)
sleep 1
n=$(hits poll)
ms=$(($(ms_now) - t0))
no_fault
# 10 ms a try: about 100 a second; without the pause, tens of thousands.
[ "$n" -le $((ms / 5 + 20)) ] && ok "$n tries in $ms ms: no spin" ||
	fail "$n tries in $ms ms: it spins"
[ "$(count '^holdports: poll')" -le 2 ] &&
	ok "said in $(count '^holdports: poll') line(s)" || fail "$(cat "$T/hp.log")"
alive "$child" && listening "$port" && ok "the child and the port stay" ||
	fail "lost: $(cat "$T/hp.log")"
kill -HUP "$HP_PID"
wait_until 10 at_least 2 'SIGHUP, restarted pid' &&
	"$LOAD" -p "$port" -n 3 > /dev/null &&
	ok "a reload works once poll(2) does" ||
	fail "no reload after the fault: $(tail -n 3 "$T/hp.log")"
fail_poll
kill -TERM "$HP_PID"
wait_until 5 dead "$HP_PID" && ok "while poll(2) fails, a SIGTERM still stops it" ||
	fail "SIGTERM ignored while poll fails"
wait "$HP_PID"
st=$?
HP_PID=
[ "$st" -eq 0 ] && ok "exit 0" || fail "exit $st"
finish
