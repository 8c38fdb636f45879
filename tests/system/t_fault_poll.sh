# SPDX-License-Identifier: ISC
# Fault injection: every poll(2) fails with ENOMEM for a second. holdports
# says so in one line, does not spin (it pauses between tries, about a
# hundred tries a second, not hundreds of thousands), keeps the port and
# the child, and goes on as before once poll(2) works again.
. tests/system/lib.sh
. tests/fault/lib.sh
need_shim

hp_start_fault -l 127.0.0.1:0=http -- "$ECHO"
port=$(wait_port http)
wait_until 10 at_least 1 'started pid' || fail "no child"
child=$(latest_pid)
fault "poll ENOMEM 100"
# holdports waits in poll(2) with no timer: a signal that changes
# nothing (SIGWINCH) makes it call poll(2) again.
kill -WINCH "$HP_PID"
wait_until 5 hits_at_least 1 poll || fail "the fault was never reached"
sleep 1
no_fault
n=$(hits poll)
[ "$n" -le 300 ] && ok "a second of failing poll(2): $n tries, no spin" ||
	fail "$n tries in about a second: it spins"
[ "$(count '^holdports: poll')" -le 2 ] &&
	ok "said in $(count '^holdports: poll') line(s)" || fail "$(cat "$T/hp.log")"
alive "$child" && listening "$port" && ok "the child and the port stay" ||
	fail "lost: $(cat "$T/hp.log")"
kill -HUP "$HP_PID"
wait_until 10 at_least 1 'SIGHUP, restarted pid' &&
	"$LOAD" -p "$port" -n 3 > /dev/null &&
	ok "and a reload works once poll(2) does" ||
	fail "no reload after the fault: $(tail -n 3 "$T/hp.log")"
finish
