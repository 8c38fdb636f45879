# SPDX-License-Identifier: ISC
# What a first run gets wrong, and what holdports says: a wrapper that
# drops the sockets (npm start, go run) is named at load with the command
# to write; a quoted command line is refused; a server that binds the
# held port itself gets the EADDRINUSE hint once its crash loop stops;
# the first Ctrl-C says what it stops; gitignore = yes is the default.
. tests/system/lib.sh

HOLD=$T/h/hp-hold

# 1. npm start at load: the warning names file:line and the command to
# write, from package.json; check and run mode alike.
mkdir -p "$T/node"
printf '{"scripts": {"start": "node server.js"}}\n' > "$T/node/package.json"
cat > "$T/node/ports.ini" << 'EOF'
[socket.http]
listen = 127.0.0.1:0

[child]
command = npm start
EOF
want="ports.ini:5: \[child\] command: 'npm start' runs the server in a child process of npm's.*write command = node server.js (scripts.start of package.json)"
if "$HP" check -c "$T/node/ports.ini" > /dev/null 2> "$T/check.err" &&
    grep -q "$want" "$T/check.err"; then
	ok "npm start: check warns: $(cat "$T/check.err")"
else
	fail "npm start: $(cat "$T/check.err")"
fi
sed -i 's/^command = npm start$/command = go run ./' "$T/node/ports.ini"
if "$HP" check -c "$T/node/ports.ini" > /dev/null 2> "$T/check.err" &&
    grep -q "ports.ini:5: \[child\] command: 'go run' builds the server.*command = ./.holdports/server" "$T/check.err"; then
	ok "go run: check warns"
else
	fail "go run: $(cat "$T/check.err")"
fi
sed -i 's/^command = go run \.$/command = node server.js/' "$T/node/ports.ini"
"$HP" check -c "$T/node/ports.ini" > /dev/null 2> "$T/check.err"
[ ! -s "$T/check.err" ] && ok "node server.js: no warning" ||
	fail "node server.js: $(cat "$T/check.err")"

# 2. command = "python3 app.py": one quoted word is no program.
printf '[child]\ncommand = "sh -c true"\n' > "$T/quoted.ini"
"$HP" check -c "$T/quoted.ini" > /dev/null 2> "$T/check.err"
st=$?
if [ "$st" -eq 2 ] && grep -q "quoted.ini:2: \[child\] command: the program 'sh -c true' is one word, spaces included, because of the quotes around it; there is no such program, but 'sh' is one: drop the quotes, e.g. command = sh -c true" "$T/check.err"; then
	ok "a quoted command line is refused: $(cat "$T/check.err")"
else
	fail "quoted command: exit $st: $(cat "$T/check.err")"
fi
mkdir -p "$T/my dir"
cp "$ECHO" "$T/my dir/server"
printf '[child]\ncommand = "%s/my dir/server"\n' "$T" > "$T/quoted.ini"
"$HP" check -c "$T/quoted.ini" > /dev/null 2> "$T/check.err" &&
	ok "a quoted path with a space that exists is accepted" ||
	fail "quoted real path: $(cat "$T/check.err")"

# 3. A server that binds the held port itself (Flask's app.run()): it
# fails with EADDRINUSE; once the crash loop stops, holdports says why.
: > "$T/port"
cat > "$T/ports.ini" << EOF
[socket.http]
listen = 127.0.0.1:0
[child]
command = sh -c 'while [ ! -s port ]; do sleep 0.02; done; exec "$HOLD" \$(cat port)'
EOF
hp_start -c "$T/ports.ini"
port=$(wait_port http)
echo "$port" > "$T/port"
if wait_until 15 grep -q "failed .* after its start: if it binds 127.0.0.1:$port itself (as Flask's app.run() or Go's http.ListenAndServe do), that fails with EADDRINUSE, for holdports holds it; make it take the socket holdports passes as fd 3 instead" "$T/hp.log"; then
	ok "self-binding child: $(grep 'after its start' "$T/hp.log")"
else
	fail "self-binding child: $(cat "$T/hp.log")"
fi
grep -q 'bind: Address already in use' "$T/hp.log" ||
	fail "self-binding child: it did not fail with EADDRINUSE"
[ "$(count 'after its start')" -eq 1 ] && ok "self-binding child: said once" ||
	fail "self-binding child: said $(count 'after its start') times"
kill -TERM "$HP_PID"
wait "$HP_PID"
HP_PID=

# 4. Ctrl-C: the first says what it stops; a second kills a child that
# ignores SIGTERM.
mkdir -p "$T/reports"
hp_start -l 127.0.0.1:0=http -- "$ECHO" -T -r "$T/reports"
wait_port http > /dev/null
wait_until 10 at_least 1 'started pid' || fail "ctrl-c: no start"
pid=$(latest_pid)
# Its report comes once it ignores SIGTERM: before, the first Ctrl-C
# would simply end it (a slow start, as under AddressSanitizer).
wait_until 10 test -f "$T/reports/$pid.report" || fail "ctrl-c: no report"
kill -INT "$HP_PID"
if wait_until 10 grep -q "^holdports: stopping pid $pid (Ctrl-C again to kill)\$" "$T/hp.log"; then
	ok "the first Ctrl-C says: stopping pid $pid (Ctrl-C again to kill)"
else
	fail "first Ctrl-C: $(cat "$T/hp.log")"
fi
kill -INT "$HP_PID"
wait_until 10 sh -c "! kill -0 $HP_PID 2> /dev/null"
wait "$HP_PID"
st=$?
HP_PID=
if [ "$st" -eq 0 ] && dead "$pid" && at_least 1 'stopping now: SIGKILL'; then
	ok "the second Ctrl-C kills it; exit 0"
else
	fail "second Ctrl-C: exit $st: $(cat "$T/hp.log")"
fi
[ "$(count 'Ctrl-C again')" -eq 1 ] || fail "Ctrl-C said more than once"

# 5. gitignore = yes is the default; gitignore = no still reloads for
# what .gitignore lists.
mkdir -p "$T/g"
printf 'out.bin\n' > "$T/g/.gitignore"
for gi in default no; do
	{
		printf '[socket.http]\nlisten = 127.0.0.1:0\n[child]\n'
		printf 'command = %s\nwatch = g\n' "$ECHO"
		[ "$gi" = no ] && printf 'gitignore = no\n'
	} > "$T/gi.ini"
	hp_start -v -c "$T/gi.ini"
	wait_port http > /dev/null
	wait_until 10 at_least 1 'started pid' || fail "gitignore $gi: no start"
	wait_until 10 watching "$HP_PID"
	echo 1 > "$T/g/out.bin"
	echo 1 > "$T/g/s$gi"
	wait_until 10 at_least 1 "g/s$gi changed" ||
		fail "gitignore $gi: sentinel missed: $(cat "$T/hp.log")"
	if [ "$gi" = default ]; then
		! grep -q 'out.bin' "$T/hp.log" &&
			ok "gitignore is yes by default: .gitignore'd out.bin reloads nothing" ||
			fail "default: $(cat "$T/hp.log")"
	else
		grep -q 'out.bin' "$T/hp.log" &&
			ok "gitignore = no: out.bin reloads" ||
			fail "gitignore = no: $(cat "$T/hp.log")"
	fi
	kill -TERM "$HP_PID"
	wait "$HP_PID"
	HP_PID=
done
finish
