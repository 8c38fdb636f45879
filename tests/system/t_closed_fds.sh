# SPDX-License-Identifier: ISC
# holdports started with descriptors 0, 1 and 2 closed (a careless service
# manager, a script's 0<&- 1>&- 2>&-) opens /dev/null on them before
# anything else: otherwise the first socket would become descriptor 0 and
# the signal pipe 1 and 2, log text would go into the signal pipe, and a
# changed file whose name holds byte 0x0f (SIGTERM's number) would stop
# holdports. The child still gets its socket as fd 3.
. tests/system/lib.sh

mkdir -p "$T/reports" "$T/src"
(exec 0<&- 1>&- 2>&- "$HP" -w "$T/src" -l 127.0.0.1:0=http -- \
    "$ECHO" -r "$T/reports") &
HP_PID=$!
track "$HP_PID"

# child_pid: the child the registry names, once it has written its report.
child_pid() {
	_p=$("$HP" ls --json 2>/dev/null |
	    sed -n 's/.*"child_pid":\([0-9]*\).*/\1/p' | head -n 1)
	[ -n "$_p" ] && [ -s "$T/reports/$_p.report" ] && echo "$_p"
}
wait_until 10 child_pid || {
	fail "no child: $("$HP" ls 2>&1)"
	finish
}
pid=$(child_pid)
fds=$(for fd in 0 1 2; do readlink "/proc/$HP_PID/fd/$fd"; done | tr '\n' ' ')
if [ -n "${HP_WRAP:-}" ]; then
	# valgrind opens its log before holdports runs: at fd 0.
	skip "0, 1, 2: under $HP_WRAP, which takes the lowest free descriptor for its log"
elif [ "$fds" = "/dev/null /dev/null /dev/null " ]; then
	ok "holdports holds /dev/null on 0, 1 and 2"
else
	fail "0, 1, 2: $fds"
fi
[ "$(report_of "$pid" listen_fds)" = 1 ] &&
	case $(report_of "$pid" fd.3) in socket:*) true ;; *) false ;; esac &&
	ok "the child gets its socket as fd 3" ||
	fail "child: $(cat "$T/reports/$pid.report")"

wait_until 10 watching "$HP_PID" || fail "no inotify watch"
: > "$T/src/$(printf 'a\017b')"
reloaded() { _n=$(child_pid) && [ "$_n" != "$pid" ]; }
wait_until 10 reloaded && ok "a file named a\\x0fb reloads the child" ||
	fail "no reload"
sleep 0.2
if alive "$HP_PID"; then
	ok "and holdports keeps running"
	kill -TERM "$HP_PID"
	wait "$HP_PID"
	st=$?
	HP_PID=
	[ "$st" -eq 0 ] && ok "SIGTERM: exit 0" || fail "exit $st"
else
	fail "holdports stopped on a file name"
fi
finish
