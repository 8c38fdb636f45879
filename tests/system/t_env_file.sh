# SPDX-License-Identifier: ISC
# env_file = PATH: the child (and its build) gets the variables of a
# dotenv file, environment = wins over them, a later file over an
# earlier one; the files are watched: a change reloads the child, and the
# reload line names the keys that changed, never their values; a file
# that no longer parses keeps the running configuration. check prints
# the files, not the values.
. tests/system/lib.sh

mkdir -p "$T/reports"
cat > "$T/.env" << 'EOF'
# the project's secrets
HPT_SECRET=hunter2-first
export HPT_MODE="dev mode"
HPT_BOTH=from-env-file
HPT_GONE=soon
EOF
printf 'HPT_MODE=from-second-file\n' > "$T/second.env"
cat > "$T/ports.ini" << EOF
[socket.http]
listen = 127.0.0.1:0
[child]
command = $ECHO -r reports
env_file = .env
env_file = second.env
environment = HPT_BOTH=from-environment
build = env | grep '^HPT_SECRET=' > build.env
EOF

"$HP" check -c "$T/ports.ini" > "$T/check.out" 2>&1
if grep -qx "env_file = $T/.env" "$T/check.out" &&
    ! grep -q hunter2 "$T/check.out"; then
	ok "check prints the env_file, not its values"
else
	fail "check: $(cat "$T/check.out")"
fi

hp_start -c "$T/ports.ini"
wait_port http > /dev/null
wait_until 10 at_least 1 'started pid' || fail "no start: $(cat "$T/hp.log")"
pid=$(latest_pid)
wait_until 10 sh -c "[ -s '$T/reports/$pid.report' ]"
r=$(grep '^env\.HPT_' "$T/reports/$pid.report" | sort | tr '\n' ' ')
want='env.HPT_BOTH=from-environment env.HPT_GONE=soon env.HPT_MODE=from-second-file env.HPT_SECRET=hunter2-first '
[ "$r" = "$want" ] && ok "the child gets the variables; environment = and the later file win" ||
	fail "child's variables: $r"
grep -qx 'HPT_SECRET=hunter2-first' "$T/build.env" &&
	ok "the build gets them too" || fail "build: $(cat "$T/build.env")"

# A change: the reload names the keys, never a value.
wait_until 10 watching "$HP_PID"
cat > "$T/.env" << 'EOF'
HPT_SECRET=hunter2-second
export HPT_MODE="dev mode"
HPT_BOTH=from-env-file
HPT_NEW=1
EOF
if wait_until 10 grep -q '\.env changed (HPT_SECRET changed; HPT_NEW added; HPT_GONE removed), build ok ([^)]*), restarted pid' "$T/hp.log"; then
	ok "a change of .env reloads: $(grep 'env changed' "$T/hp.log")"
else
	fail "no reload for .env: $(cat "$T/hp.log")"
fi
pid=$(latest_pid)
wait_until 10 sh -c "[ -s '$T/reports/$pid.report' ]"
grep -q '^env.HPT_SECRET=hunter2-second$' "$T/reports/$pid.report" &&
	ok "the new child has the new value" || fail "new value missing"
[ "$(count 'restarted pid')" -eq 1 ] && ok "one reload for one change" ||
	fail "reloads: $(count 'restarted pid')"

# An editor's atomic save of the second file.
printf 'HPT_MODE=saved\n' > "$T/second.env.tmp"
mv "$T/second.env.tmp" "$T/second.env"
wait_until 10 grep -q 'second.env changed (HPT_MODE changed), build ok' "$T/hp.log" &&
	ok "an atomic save of the second file reloads" ||
	fail "atomic save: $(tail -n 3 "$T/hp.log")"

# A file that no longer parses: the running configuration stays.
printf 'HPT_SECRET hunter2-third\n' > "$T/second.env"
if wait_until 10 grep -q "second.env:1: .*keeping the running configuration" "$T/hp.log"; then
	ok "a bad env_file keeps the running configuration"
else
	fail "bad env_file: $(tail -n 3 "$T/hp.log")"
fi
if grep -q 'hunter2-first\|hunter2-second' "$T/hp.log"; then
	fail "a value reached the log: $(cat "$T/hp.log")"
else
	ok "no value of the files reached the log"
fi

# A file that does not exist: an error naming it, at start.
printf '[child]\ncommand = true\nenv_file = missing.env\n' > "$T/bad.ini"
"$HP" check -c "$T/bad.ini" > /dev/null 2> "$T/check.err"
st=$?
[ "$st" -eq 2 ] && grep -q "bad.ini:3: \[child\] env_file: .*missing.env: cannot read: No such file or directory" "$T/check.err" &&
	ok "a missing env_file: exit 2, $(cat "$T/check.err")" ||
	fail "missing env_file: exit $st: $(cat "$T/check.err")"
finish
