# SPDX-License-Identifier: ISC
# Without XDG_RUNTIME_DIR, another process that guesses holdports' pid
# takes the readiness socket's names first: the abstract names and the
# file in /tmp an earlier version used (tests/helpers/squat runs
# holdports under the pid it guessed). A ready = notify instance must
# start all the same: its names are random, and a name taken only means
# another.
. tests/system/lib.sh

SQUAT=$T/h/squat
if [ ! -x "$TOP/tests/helpers/squat" ]; then
	skip "skipped: tests/helpers/squat not built (make system)"
	finish
fi
mkdir "$T/reports"
: > "$T/hp.log"
env -u XDG_RUNTIME_DIR "$SQUAT" "$HP" --ready notify -l 127.0.0.1:0=http \
    -- "$ECHO" -N 0 -r "$T/reports" 2>> "$T/hp.log" &
HP_PID=$!
track "$HP_PID"
wait_until 10 grep -q '^squat: pid' "$T/hp.log" || fail "no squatter"
sq=$(sed -n 's/^squat: pid //p' "$T/hp.log")
track "$sq"
wait_until 10 at_least 1 'started pid .*, ready in' &&
	ok "ready = notify starts despite the names taken" ||
	fail "not started: $(cat "$T/hp.log")"
pid=$(ls "$T/reports" | sed -n 's/\.report$//p' | head -n 1)
addr=$(report_of "$pid" notify_socket)
case $addr in
@holdports/$HP_PID/*) fail "a guessable name: $addr" ;;
@holdports/*) ok "the child got a random name: $addr" ;;
*) fail "NOTIFY_SOCKET=$addr" ;;
esac
hp=$HP_PID
kill -TERM "$HP_PID"
wait "$HP_PID"
st=$?
HP_PID=
[ "$st" -eq 0 ] && ok "clean stop" || fail "exit $st"
kill -KILL "$sq" 2>/dev/null
# the squatter's file, a regular one: nothing of holdports' is at that name
[ -f "/tmp/notify.$hp" ] && rm -f "/tmp/notify.$hp"
finish
