# SPDX-License-Identifier: ISC
# With several children each line of their output, and of their builds',
# starts with the child's name, padded to the longest name: whole lines,
# never two mixed, even with two children flooding at once; coloured on a
# terminal, never with NO_COLOR.
. tests/system/lib.sh

LINES=5000
cd "$T" || exit 1
# Each child prints LINES numbered lines as fast as awk can, then waits.
cat > ports.ini << EOF
[child.alpha]
build = echo built alpha
command = awk 'BEGIN { for (i = 0; i < $LINES; i++) printf "alpha %d xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\\n", i; system("exec sleep 100") }'
[child.b]
command = awk 'BEGIN { for (i = 0; i < $LINES; i++) printf "b %d yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\\n", i; system("exec sleep 100") }'
EOF

: > "$T/hp.log"
"$HP" -c ports.ini > out.txt 2>> "$T/hp.log" &
HP_PID=$!
track "$HP_PID"
want=$((2 * LINES + 1))
wait_until 30 sh -c "[ \$(wc -l < out.txt) -ge $want ]"
kill -TERM "$HP_PID"
wait_until 10 sh -c "! kill -0 $HP_PID"

# Every line: a prefix and what its own child printed, whole.
bad=$(grep -cv -e '^alpha | alpha [0-9]* x*$' -e '^b     | b [0-9]* y*$' \
    -e '^alpha | built alpha$' out.txt)
a=$(grep -c '^alpha | alpha ' out.txt)
b=$(grep -c '^b     | b ' out.txt)
# In order: each child's numbers count up from 0 without a gap.
order=$(awk '$3 == $1 { if ($4 != n[$1]) bad++; n[$1]++ }
    END { print bad + 0 }' out.txt)
if [ "$bad" -eq 0 ] && [ "$a" -eq "$LINES" ] && [ "$b" -eq "$LINES" ] &&
    [ "$order" -eq 0 ]; then
	ok "two children flooding $LINES lines each: every line whole, prefixed with its child, none lost or mixed"
else
	fail "prefixes: $bad bad lines, alpha $a, b $b, out of order $order: $(grep -v -e '^alpha | ' -e '^b     | ' out.txt | head -5)"
fi
if grep -qx 'alpha | built alpha' out.txt; then
	ok "a build's line carries its child's name"
else
	fail "no 'alpha | built alpha': $(head -3 out.txt)"
fi

# On a terminal: the name in a colour of its own; NO_COLOR: none. A
# terminal is slower than two floods: what it cannot take is dropped
# (holdports never blocks on it), in whole lines, and said on a line of
# its own.
cat > colour.txt << 'EOF'
shown \e[36malpha\e[0m | built alpha
shown \e[36malpha\e[0m | alpha 0 
shown \e[33mb    \e[0m | b 0 
send q
exit 0
EOF
cat > plain.txt << 'EOF'
stall 2000
shown did not keep up
shown alpha | built alpha
shown alpha | alpha 0 
shown b     | b 0 
absent 200 \e[3
send q
exit 0
EOF
if "$T/h/pty-drive" -o colour.log colour.txt -- "$HP" -c ports.ini \
    2> colour.err; then
	ok "on a terminal each child's name has a colour of its own"
else
	fail "colour: $(head -c 1500 colour.err)"
fi
if NO_COLOR=1 "$T/h/pty-drive" -o plain.log plain.txt -- "$HP" -c ports.ini \
    2> plain.err; then
	ok "NO_COLOR: the same prefixes without colour"
else
	fail "NO_COLOR: $(head -c 1500 plain.err)"
fi
bad=$(tr -d '\r' < plain.log | grep -cv -e '^alpha | alpha [0-9]* x*$' \
    -e '^b     | b [0-9]* y*$' -e '^alpha | built alpha$' -e '^holdports: ')
if [ "$bad" -eq 0 ] && [ "$(grep -c '^alpha | alpha' plain.log)" -gt 0 ]; then
	ok "a terminal that stalls: output dropped in whole lines, said on a line of its own"
else
	fail "terminal: $bad lines cut: $(tr -d '\r' < plain.log | grep -v -e '^alpha | alpha [0-9]* x*$' -e '^b     | b [0-9]* y*$' -e '^alpha | built alpha$' -e '^holdports: ' | head -3)"
fi
finish
