# SPDX-License-Identifier: ISC
# Only a regular file is read as ports.ini: a FIFO would block holdports in
# open(2) for ever (deaf to SIGTERM), and a link to /dev/zero would be
# read as one endless line. Both are refused as "not a regular file", at
# start (holdports, holdports check) and when the file is replaced while
# an instance runs, which then keeps its running configuration.
. tests/system/lib.sh

mkdir -p "$T/app"
mkfifo "$T/app/fifo.ini"
ln -s /dev/zero "$T/app/zero.ini"

# bounded CMD...: runs CMD for at most 5 s; prints its exit status (124
# when it had to be stopped: timeout(1)).
bounded() { timeout -k 1 5 "$@" > "$T/out" 2>&1; echo $?; }

for f in fifo zero; do
	st=$(cd "$T/app" && bounded "$HP" -c "$f.ini")
	[ "$st" -eq 2 ] &&
		grep -q "^holdports: $f.ini: not a regular file; give the path of a ports.ini file\$" "$T/out" &&
		ok "-c $f.ini: refused at once (exit 2)" ||
		fail "-c $f.ini: exit $st: $(head -c 300 "$T/out")"
	st=$(cd "$T/app" && bounded "$HP" check -c "$f.ini")
	[ "$st" -eq 2 ] && grep -q "$f.ini: not a regular file" "$T/out" &&
		ok "check -c $f.ini: refused at once (exit 2)" ||
		fail "check -c $f.ini: exit $st: $(head -c 300 "$T/out")"
done
# A regular file of more than 1 MiB is surely not a ports.ini: refused
# before a line of it is read.
awk 'BEGIN { for (i = 0; i < 40000; i++) print "; a comment line of thirty bytes" }' > "$T/app/big.ini"
st=$(cd "$T/app" && bounded "$HP" check -c big.ini)
[ "$st" -eq 2 ] &&
	grep -q "^holdports: big.ini: [0-9]* bytes, more than the 1048576 a ports.ini may have; is it the right file?\$" "$T/out" &&
	ok "a file of $(wc -c < "$T/app/big.ini") bytes: refused at once (exit 2), its size named" ||
	fail "big.ini: exit $st: $(head -c 300 "$T/out")"
rm "$T/app/big.ini"

mv "$T/app/fifo.ini" "$T/app/ports.ini"
st=$(cd "$T/app" && bounded "$HP")
[ "$st" -eq 2 ] && grep -q "ports.ini: not a regular file" "$T/out" &&
	ok "./ports.ini a FIFO: refused at once (exit 2)" ||
	fail "./ports.ini a FIFO: exit $st: $(head -c 300 "$T/out")"
rm "$T/app/ports.ini"

# Replaced while running.
cat > "$T/app/ports.ini" <<INI
[socket.http]
listen = 127.0.0.1:0
[child]
command = $ECHO
INI
hp_start -c "$T/app/ports.ini"
port=$(wait_port http)
wait_until 10 at_least 1 'started pid' || fail "no child: $(cat "$T/hp.log")"
child=$(latest_pid)
wait_until 10 watching "$HP_PID" || fail "no inotify watch"
n=0
for f in fifo zero; do
	if [ $f = fifo ]; then
		mkfifo "$T/app/new"
	else
		ln -s /dev/zero "$T/app/new"
	fi
	mv "$T/app/new" "$T/app/ports.ini"
	n=$((n + 1))
	wait_until 10 at_least $n 'ports.ini: not a regular file; .*keeping the running configuration' &&
		ok "replaced by $f while running: refused, says so" ||
		fail "$f: $(tail -n 3 "$T/hp.log")"
	alive "$HP_PID" && alive "$child" && listening "$port" ||
		fail "$f: the instance did not keep running"
done
kill -TERM "$HP_PID"
wait_until 5 dead "$HP_PID" && ok "SIGTERM still stops it at once" ||
	fail "holdports does not stop"
wait "$HP_PID"
st=$?
HP_PID=
[ "$st" -eq 0 ] && ok "exit 0" || fail "exit $st"
finish
