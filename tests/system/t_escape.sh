# SPDX-License-Identifier: ISC
# Text that others chose never reaches holdports' output raw: the command
# line of a process that holds our port (another user's, in general) and
# the name of a changed file may hold a carriage return and an escape
# sequence that erase holdports' own line on a terminal. Both are shown
# with \xNN escapes instead, and no control byte is written at all.
. tests/system/lib.sh

# no_control FILE: FILE holds no byte below 0x20 but newline, and no DEL.
no_control() {
	! LC_ALL=C grep -q "$(printf '[\001-\011\013-\037\177]')" "$1"
}

# 1. A port holder whose command line is "...\r\033[2Kall fine".
evil=$(printf 'x\r\033[2Kall fine')
cp "$TOP/tests/helpers/hp-hold" "$T/$evil"
"$T/$evil" 0 > "$T/hold.port" 2> "$T/hold.err" &
track $!
wait_until 10 test -s "$T/hold.port" ||
	fail "hp-hold did not start: $(cat "$T/hold.err")"
port=$(cat "$T/hold.port")
"$HP" -l "127.0.0.1:$port=web" -- "$ECHO" 2> "$T/err1"
st=$?
[ "$st" -eq 1 ] && grep -q "holds this port: pid [0-9]* ($T/x\\\\x0d\\\\x1b\[2Kall fine 0)" "$T/err1" &&
	ok "the holder's command line is shown escaped" ||
	fail "holder: exit $st: $(od -c "$T/err1" | head -20)"
no_control "$T/err1" && ok "no control byte reaches the output" ||
	fail "control bytes in: $(od -c "$T/err1" | head -20)"

# 2. A changed file whose name holds the same sequence, in the reload line.
mkdir "$T/src"
hp_start -v -w "$T/src" -l 127.0.0.1:0=http -- "$ECHO"
wait_port http > /dev/null
wait_until 10 at_least 1 'started pid' || fail "no child"
wait_until 10 watching "$HP_PID" || fail "no inotify watch"
echo x > "$T/src/$evil.c"
wait_until 10 at_least 1 'restarted pid' || fail "no reload: $(cat "$T/hp.log")"
grep -q 'x\\x0d\\x1b\[2Kall fine\.c changed' "$T/hp.log" &&
	ok "a changed file's name is shown escaped" ||
	fail "file name: $(od -c "$T/hp.log" | head -30)"
no_control "$T/hp.log" && ok "no control byte in the reload lines" ||
	fail "control bytes in: $(od -c "$T/hp.log" | head -30)"
finish
