# SPDX-License-Identifier: ISC
# Colour only on a terminal and only without NO_COLOR (no-color.org);
# -q leaves only warnings and errors.
. tests/system/lib.sh

if ! command -v script > /dev/null 2>&1; then
	skip "script(1) not installed (bsdutils): no pseudo-terminal to test with"
	finish
fi
esc=$(printf '\033')
# The child stops holdports at once: a short run with info and warnings.
cmd="$HP -l 127.0.0.1:0=http -- sh -c 'kill -TERM \$PPID'"
script -qec "$cmd" /dev/null > "$T/tty.out" 2>&1
grep -q "${esc}\[1mholdports:${esc}\[0m http listening" "$T/tty.out" &&
	ok "on a terminal the prefix is bold" || fail "no colour on a tty: $(cat -v "$T/tty.out")"
script -qec "$HP -l 192.0.2.1:0 -- true" /dev/null > "$T/tty2.out" 2>&1
grep -q "${esc}\[1;31mholdports:${esc}\[0m bind 192.0.2.1:0" "$T/tty2.out" &&
	ok "a warning's prefix is bold red" || fail "warning colour: $(cat -v "$T/tty2.out")"
NO_COLOR=1 script -qec "$cmd" /dev/null > "$T/nc.out" 2>&1
grep -q "holdports: http listening" "$T/nc.out" && ! grep -q "$esc" "$T/nc.out" &&
	ok "NO_COLOR=1 turns it off" || fail "NO_COLOR ignored: $(cat -v "$T/nc.out")"
sh -c "$cmd" 2> "$T/pipe.out"
grep -q "^holdports: http listening" "$T/pipe.out" && ! grep -q "$esc" "$T/pipe.out" &&
	ok "no colour when stderr is not a terminal" || fail "colour in a file: $(cat -v "$T/pipe.out")"
"$HP" -q -l 127.0.0.1:0=http -- sh -c 'exit 3' 2> "$T/q.out" &
HP_PID=$!
track "$HP_PID"
wait_until 10 grep -q 'exited with status 3' "$T/q.out" || fail "-q hid the warning"
kill -TERM "$HP_PID"
wait "$HP_PID"
HP_PID=
! grep -q 'listening\|started pid' "$T/q.out" &&
	ok "-q prints warnings only" || fail "-q printed info: $(cat "$T/q.out")"
finish
