# SPDX-License-Identifier: ISC
# holdports reads its children's output when the browser side shows it
# (here: events): on a terminal (a pseudo-terminal of script(1)) a child
# sees a terminal of the same size on 1 and 2, resized when holdports'
# is (SIGWINCH); without one it sees a pipe; the output of a child that
# exits reaches holdports' output whole, before the line that says it
# exited; and without events children write to holdports' own stdout as
# before.
. tests/system/lib.sh

# conf CHILD [LINE]...: a ports.ini with events and the child CHILD.
conf() {
	{
		echo "[holdports]"
		echo "events = 127.0.0.1:0"
		echo "restart = no"
		echo "[child]"
		echo "command = $1"
		shift
		for _l in "$@"; do echo "$_l"; done
	} > "$T/ports.ini"
}
# The child: writes what its 1 and 2 are into $T/tty every 50 ms.
cat > "$T/tty.sh" <<EOF
while :; do
	if [ -t 1 ] && [ -t 2 ]; then
		echo "tty=yes size=\$(stty size <&2)" > "$T/tty.tmp"
	else
		echo "tty=no" > "$T/tty.tmp"
	fi
	mv "$T/tty.tmp" "$T/tty"
	sleep 0.05
done
EOF
# The child: 3000 numbered lines at once, then exit 3.
cat > "$T/lines.sh" <<'EOF'
i=1
while [ "$i" -le 3000 ]; do
	echo "line $i of the child's output, padded to be longer"
	i=$((i + 1))
done
exit 3
EOF

conf "sh $T/tty.sh"
hp_start -c "$T/ports.ini" > "$T/out"
wait_until 10 grep -q '^tty=' "$T/tty" || fail "no report: $(cat "$T/hp.log")"
[ "$(cat "$T/tty")" = "tty=no" ] &&
	ok "holdports' output is a file: the child writes to a pipe" ||
	fail "child sees: $(cat "$T/tty")"
kill -TERM "$HP_PID"
wait "$HP_PID"
HP_PID=
rm -f "$T/tty"

conf "sh $T/lines.sh"
hp_start -c "$T/ports.ini" > "$T/out"
wait_until 10 at_least 1 'exited with status 3' || fail "no exit: $(cat "$T/hp.log")"
[ "$(grep -c '^line [0-9]* of the child' "$T/out")" = 3000 ] &&
	tail -n 1 "$T/out" | grep -q '^line 3000 ' &&
	ok "the output of a child that exits arrives whole (3000 lines)" ||
	fail "output: $(wc -l < "$T/out") lines, last: $(tail -n 1 "$T/out")"
kill -TERM "$HP_PID"
wait "$HP_PID"
HP_PID=

if ! command -v script > /dev/null 2>&1; then
	skip "script(1) not installed (Debian package bsdutils)"
	finish
fi
# holdports on a terminal: script(1)'s pseudo-terminal, 40 rows of 120.
# The pid of holdports is that of script's child (sh, which execs it).
on_tty() {
	: > "$T/typescript"
	script -qfc "stty rows 40 cols 120; exec $HP -c $T/ports.ini" \
	    "$T/typescript" < /dev/null > /dev/null 2>&1 &
	SCRIPT=$!
	track "$SCRIPT"
	wait_until 10 sh -c "grep -l '^PPid:[[:space:]]*$SCRIPT\$' /proc/[0-9]*/status 2>/dev/null | head -n 1 | grep -q ." ||
		{ fail "script did not start holdports"; finish; }
	HP_PID=$(grep -l "^PPid:[[:space:]]*$SCRIPT\$" /proc/[0-9]*/status 2>/dev/null |
	    head -n 1 | sed 's,^/proc/\([0-9]*\)/status$,\1,')
	track "$HP_PID"
}
conf "sh $T/tty.sh"
on_tty
wait_until 10 grep -q '^tty=' "$T/tty" || fail "no report: $(cat "$T/typescript")"
[ "$(cat "$T/tty")" = "tty=yes size=40 120" ] &&
	ok "holdports on a terminal: the child has one on 1 and 2, of its size" ||
	fail "child sees: $(cat "$T/tty")"
term=$(readlink "/proc/$HP_PID/fd/1")
# Resizing holdports' terminal signals its foreground group: holdports.
stty -F "$term" rows 50 cols 150 2>/dev/null ||
	stty rows 50 cols 150 < "$term"
wait_until 10 grep -q '^tty=yes size=50 150$' "$T/tty" &&
	ok "a resize of holdports' terminal reaches the child's (SIGWINCH)" ||
	fail "after the resize the child sees: $(cat "$T/tty")"
# The child's terminal is not its controlling terminal.
cpid=$(sed -n 's/.*started pid \([0-9]*\).*/\1/p' "$T/typescript" | tail -n 1)
[ -n "$cpid" ] && [ "$(readlink "/proc/$cpid/fd/1")" != "$term" ] &&
	ok "and that terminal is one of its own, not holdports'" ||
	fail "child $cpid writes to $(readlink "/proc/$cpid/fd/1")"
kill -TERM "$HP_PID"
wait_until 10 dead "$HP_PID" || fail "holdports did not stop"
wait "$SCRIPT"
HP_PID=

conf "sh $T/lines.sh"
on_tty
wait_until 10 grep -q 'exited with status 3' "$T/typescript" ||
	fail "no exit: $(tail -n 5 "$T/typescript")"
tr -d '\r' < "$T/typescript" > "$T/ts"
last=$(grep -n '^line 3000 ' "$T/ts" | cut -d: -f1)
said=$(grep -n 'exited with status 3' "$T/ts" | cut -d: -f1)
[ "$(grep -c '^line [0-9]* of the child' "$T/ts")" = 3000 ] &&
	[ -n "$last" ] && [ -n "$said" ] && [ "$last" -lt "$said" ] &&
	ok "on a terminal too, all of it, before the line that says it exited" ||
	fail "pty output: $(grep -c '^line' "$T/ts") lines, line 3000 at ${last:-none}, exit said at ${said:-none}"
kill -TERM "$HP_PID"
wait_until 10 dead "$HP_PID" || fail "holdports did not stop"
wait "$SCRIPT"
HP_PID=

# Without the browser side nothing is read: the child has holdports'
# own stdout.
printf '[child]\ncommand = sh %s\n' "$T/tty.sh" > "$T/ports.ini"
rm -f "$T/tty"
hp_start -c "$T/ports.ini" > "$T/out"
wait_until 10 grep -q '^tty=' "$T/tty" || fail "no report"
# The child may write before holdports has logged its start (under
# valgrind, holdports is the slow one).
wait_until 10 at_least 1 'started pid' || fail "no start line: $(cat "$T/hp.log")"
cpid=$(latest_pid)
[ "$(stat -L -c %i "/proc/$cpid/fd/1")" = "$(stat -c %i "$T/out")" ] &&
	ok "without protocol = http or events, the child writes to holdports' stdout itself" ||
	fail "child's stdout: $(readlink "/proc/$cpid/fd/1")"
finish
