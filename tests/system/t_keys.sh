# SPDX-License-Identifier: ISC
# The terminal: holdports on a pseudo-terminal, driven as a shell drives a
# job (tests/helpers/pty-drive). Keys r, q and c; the terminal's modes
# given back after Ctrl-Z, q, a fatal signal; --clear; stdin = tty lends
# the terminal to a child, for a debugger, and takes it back.
. tests/system/lib.sh

DRIVE=$T/h/pty-drive
WAIT=10
[ -n "${HP_WRAP:-}${ASAN_OPTIONS:-}" ] && WAIT=30

# drive NAME [-b] ARG...: runs holdports with ARG on a new terminal (in
# the background with -b), following the script $T/NAME.txt; the
# terminal's output goes to $T/NAME.log.
drive() {
	_n=$1
	_bg=
	shift
	[ "$1" = -b ] && _bg=-b && shift
	"$DRIVE" $_bg -t "$WAIT" -o "$T/$_n.log" "$T/$_n.txt" -- "$HP" "$@" \
	    2> "$T/$_n.err"
}
# driven NAME: the driver's complaint, for a failure message.
driven() { head -c 2000 "$T/$1.err"; }

cd "$T" || exit 1

# r reloads, c clears; Ctrl-Z gives the terminal its modes back and fg
# takes the key mode again; q stops and leaves the terminal as it was.
cat > keys.txt << 'EOF'
expect keys: r reloads, q stops
expect started pid
raw
send r
expect key r, restarted pid
send c
expect \e[H\e[2J
send \032
stopped
cooked
fg driver
cont
raw
send r
expect key r, restarted pid
send q
expect stopping pid
expect (q again to kill)
exit 0
cooked
EOF
# Under valgrind holdports does not stop itself (its raise(SIGSTOP) is
# valgrind's to carry out, and it does not): the scripts go on without
# the Ctrl-Z part, said once.
no_stop() {
	[ -n "${HP_WRAP:-}" ] || return 0
	sed '/^send \\032$/,/^cont$/d' "$1.txt" > "$1.tmp" && mv "$1.tmp" "$1.txt"
	skip "$1: Ctrl-Z and fg: holdports does not stop under valgrind"
}
no_stop keys
if drive keys -l 127.0.0.1:0 -- "$ECHO"; then
	ok "r reloads, c clears, Ctrl-Z and fg give back and take the key mode, q stops and says so; the modes are as they were"
else
	fail "keys: $(driven keys)"
fi

# Ctrl-C stops as before, the terminal as it was.
cat > ctrlc.txt << 'EOF'
raw
send \003
exit 0
cooked
EOF
if drive ctrlc -l 127.0.0.1:0 -- "$ECHO"; then
	ok "Ctrl-C stops; the terminal's modes are given back"
else
	fail "Ctrl-C: $(driven ctrlc)"
fi

# A fatal signal: the handler gives the modes back before dying of it.
cat > fatal.txt << 'EOF'
raw
signal QUIT
exit signal QUIT
cooked
EOF
if [ -n "${HP_WRAP:-}" ]; then
	skip "SIGQUIT: valgrind catches the fatal signals itself"
elif drive fatal -l 127.0.0.1:0 -- "$ECHO"; then
	ok "SIGQUIT: holdports dies of it, the terminal's modes given back"
else
	fail "SIGQUIT: $(driven fatal)"
fi

# Started in the background (a shell's &): no key mode, no key read;
# brought to the foreground (fg: SIGCONT), the keys work.
cat > bg.txt << 'EOF'
expect started pid
send r
absent 300 restarted
cooked
fg driver
cont
raw
expect key r, restarted pid
signal TERM
exit 0
cooked
EOF
if drive bg -b -l 127.0.0.1:0 -- "$ECHO"; then
	ok "in the background the terminal is left alone and no key is read; in the foreground the keys work"
else
	fail "background: $(driven bg)"
fi

# --clear: a clean screen before each reload's output.
cat > clear.txt << 'EOF'
expect started pid
signal HUP
expect \e[H\e[2J\e[3J
expect SIGHUP, restarted pid
send q
exit 0
EOF
if drive clear --clear -l 127.0.0.1:0 -- "$ECHO"; then
	ok "--clear: the screen is cleared before the reload's output"
else
	fail "--clear: $(driven clear)"
fi

# stdin = tty: the child reads a line typed on the terminal while its
# group is the foreground one; Ctrl-C reaches it, not holdports; after it
# exits the terminal and the keys are holdports' again.
cat > tty.ini << 'EOF'
[socket.http]
listen = 127.0.0.1:0
[child]
command = sh -c 'printf "name? "; read line; echo "got: $line"; exec sleep 1'
stdin = tty
restart = always
EOF
cat > tty.txt << 'EOF'
expect stdin = tty: the terminal is the child's while it runs
expect name?
fg other
cooked
send hello\r
expect got: hello
fg command
raw
expect name?
fg other
send \003
expect killed by SIGINT
expect name?
send \032
stopped
cooked
fg driver
cont
fg other
send again\r
expect got: again
fg command
raw
send q
exit 0
cooked
EOF
no_stop tty
if drive tty -c tty.ini; then
	ok "stdin = tty: the child reads a typed line, Ctrl-C and Ctrl-Z reach it, the terminal is holdports' again after it exits"
else
	fail "stdin = tty: $(driven tty)"
fi

# Without a terminal the child gets /dev/null, and holdports says why.
: > "$T/hp.log"
"$HP" -c tty.ini < /dev/null > "$T/out.log" 2>> "$T/hp.log" &
HP_PID=$!
track "$HP_PID"
# read(1) gets end-of-file at once from /dev/null: an empty line, twice.
wait_until "$WAIT" sh -c "[ \$(grep -c '^name? got: \$' '$T/out.log') -ge 2 ]"
if [ "$(grep -c '^name? got: $' "$T/out.log")" -ge 2 ] &&
    [ "$(count "stdin = tty: holdports' stdin is not a terminal")" -eq 1 ]; then
	ok "stdin = tty without a terminal: the child gets /dev/null; said once"
else
	fail "no terminal: $(cat "$T/hp.log" "$T/out.log")"
fi
kill -TERM "$HP_PID"
wait_until "$WAIT" sh -c "! kill -0 $HP_PID"

# One terminal: two children may not both have it.
cat > two.ini << 'EOF'
[child.a]
command = ./a
stdin = tty
[child.b]
command = ./b
stdin = tty
EOF
if "$HP" check -c two.ini > /dev/null 2> two.err; then
	fail "two children with stdin = tty: check accepted it"
elif grep -q 'two.ini:4: \[child.b\] stdin: tty is set for \[child.a\] too (line 1)' two.err; then
	ok "two children with stdin = tty: refused, naming both sections"
else
	fail "two children with stdin = tty: $(cat two.err)"
fi
finish
