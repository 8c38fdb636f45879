# SPDX-License-Identifier: ISC
# The same programs run under holdports and under systemd: a child using
# libsystemd's sd_listen_fds_with_names() under holdports, and the demo
# server under systemd-socket-activate.
. tests/system/lib.sh

mkdir -p "$T/reports"
hp_start -l 127.0.0.1:0=http -- "$SD" -r "$T/reports"
port=$(wait_port http)
wait_until 10 at_least 1 'started pid' || fail "no child"
pid=$(latest_pid)
wait_until 10 test -f "$T/reports/$pid.report" || fail "sd-echo wrote no report"
[ "$(report_of "$pid" n)" = 1 ] && [ "$(report_of "$pid" names)" = http ] &&
	ok "sd_listen_fds_with_names under holdports: 1 fd named http" ||
	fail "sd-echo saw n=$(report_of "$pid" n) names=$(report_of "$pid" names)"
"$LOAD" -p "$port" -n 3 > "$T/load.out" &&
	ok "libsystemd child answers: $(cat "$T/load.out")" || fail "no answer: $(cat "$T/load.out")"
kill -HUP "$HP_PID"
wait_until 10 at_least 1 'SIGHUP, restarted pid' || fail "no reload"
pid2=$(latest_pid)
wait_until 10 test -f "$T/reports/$pid2.report" &&
	[ "$(report_of "$pid2" n)" = 1 ] && ok "and again after a reload" || fail "after reload"
kill -TERM "$HP_PID"; wait "$HP_PID"; HP_PID=

if ! command -v systemd-socket-activate > /dev/null 2>&1; then
	skip "systemd-socket-activate not installed (Debian package systemd)"
	finish
fi
# systemd-socket-activate cannot bind port 0, but it passes on the fds it
# receives through LISTEN_FDS: holdports binds a free port for it, and it
# execs the demo server on the first connection, as systemd would.
cd contrib/demo || exit 1
hp_start -l 127.0.0.1:0=http -- systemd-socket-activate --fdname=http ../../contrib/demo/demo-server
port=$(wait_port http)
cd "$TOP" || exit 1
# hp-load -r sends one HTTP request and prints the response body.
"$LOAD" -p "$port" -n 1 -r 'GET /pid HTTP/1.0\r\n\r\n' > "$T/body" 2>&1
grep -q '^[0-9][0-9]*$' "$T/body" && ok "demo server under systemd-socket-activate answers /pid" ||
	fail "demo under systemd-socket-activate: $(cat "$T/body")"
finish
