# SPDX-License-Identifier: ISC
# Unix socket files: a stale file from a crashed instance
# is replaced; a live socket is reported like EADDRINUSE, naming the
# instance or the process that listens; a regular file at the path is
# never touched; mode, user and group are applied to the file.
. tests/system/lib.sh

# holdports shows a holder's command line cut at about 80 bytes: run the
# helper from a short path so the whole line can be compared wherever the
# repository is checked out.
cp "$TOP/tests/helpers/hp-hold" "$T/hold"
HOLD=$T/hold
mkdir "$T/app"
dir=$(cd "$T/app" && pwd -P)
sock=$dir/api.sock

# mode_of PATH: "MODE UID GID" of PATH, from ls -ln (POSIX, unlike stat -c).
mode_of() {
	ls -ln "$1" | awk '{
		m = 0; p = substr($1, 2, 9)
		for (i = 1; i <= 9; i++) if (substr(p, i, 1) != "-") m += 2 ^ (9 - i)
		printf "%o %s %s\n", m, $3, $4 }'
}

# 1. A stale file left by a crashed instance is replaced.
cat > "$dir/ports.ini" <<INI
[holdports]
name = sock-owner
[socket.api]
listen = unix:api.sock
[child]
command = $ECHO
INI
hp_start -c "$dir/ports.ini"
wait_port api > /dev/null
wait_until 10 at_least 1 'started pid' || fail "no child"
wait_until 10 sh -c "'$HP' ls | grep -q '^sock-owner '" || fail "not registered"
child=$(latest_pid)
kill -KILL "$HP_PID"
wait "$HP_PID" 2>/dev/null
HP_PID=
# the guard stops the child; the file stays, nobody listens on it
wait_until 10 dead "$child" || kill -KILL "$child"
[ -S "$sock" ] || fail "no stale socket file after SIGKILL"
hp_start -c "$dir/ports.ini"
wait_port api > /dev/null && [ -S "$sock" ] &&
	ok "a stale socket file from a crashed instance is replaced" ||
	fail "stale file: $(cat "$T/hp.log")"
wait_until 10 sh -c "'$HP' ls | grep -q '^sock-owner .* unix:$sock '" ||
	fail "not registered: $("$HP" ls)"

# 2. A live socket: reported like EADDRINUSE, naming the instance; the
# file stays.
"$HP" -l "unix:$sock=api2" -- "$ECHO" 2> "$T/err2"
st=$?
[ "$st" -eq 1 ] &&
	grep -q "^holdports: bind unix:$sock (api2): EADDRINUSE: Address already in use; a server is listening on this socket file: holdports instance 'sock-owner' (pid $HP_PID, socket 'api', config $dir/ports.ini); stop it or choose another path\$" "$T/err2" &&
	[ -S "$sock" ] && kill -0 "$HP_PID" &&
	ok "live socket of an instance: exit 1, names it, file kept" ||
	fail "live socket: exit $st: $(cat "$T/err2")"
kill -TERM "$HP_PID"
wait "$HP_PID"
HP_PID=
[ ! -e "$sock" ] || fail "clean stop left $sock"
# ... and a plain process listening on it: its pid and command.
"$HOLD" -u "$sock" > "$T/hold.out" 2>&1 &
hold=$!
track "$hold"
wait_until 10 test -s "$T/hold.out"
"$HP" -l "unix:$sock=api3" -- "$ECHO" 2> "$T/err3"
st=$?
[ "$st" -eq 1 ] &&
	grep -q "EADDRINUSE: .*listening on this socket file: pid $hold ($HOLD -u $sock); stop it" "$T/err3" &&
	ok "live socket of a process: exit 1, names pid $hold and its command" ||
	fail "live socket, process: exit $st: $(cat "$T/err3")"
kill "$hold"
wait "$hold" 2>/dev/null
rm -f "$sock"

# 3. A regular file at the path: refused, never removed nor changed.
printf 'precious\ncontents\n' > "$sock"
cp "$sock" "$T/expected"
"$HP" -c "$dir/ports.ini" 2> "$T/err4"
st=$?
[ "$st" -eq 1 ] && cmp -s "$sock" "$T/expected" && [ -f "$sock" ] &&
	grep -q "^holdports: bind unix:$sock (api): EEXIST: .*not a socket; holdports never removes it" "$T/err4" &&
	ok "a regular file at the path: exit 1, its contents untouched" ||
	fail "regular file: exit $st: $(cat "$T/err4"); $(cat "$sock")"
rm -f "$sock"

# 4. mode, user and group. As root, another user and group (nobody);
# otherwise the user's own, which chown(2) allows.
if [ "$(id -u)" -eq 0 ]; then
	uid=65534
	gid=65534
else
	uid=$(id -u)
	gid=$(id -g)
fi
cat > "$dir/ports.ini" <<INI
[holdports]
name = sock-owner
[socket.api]
listen = unix:api.sock
mode = 0640
user = $uid
group = $gid
[socket.open]
listen = unix:open.sock
mode = 666
[child]
command = $ECHO
INI
(umask 077 && exec "$HP" -c "$dir/ports.ini") 2> "$T/hp.log" &
HP_PID=$!
track "$HP_PID"
wait_port open > /dev/null
[ "$(mode_of "$sock")" = "640 $uid $gid" ] &&
	ok "mode = 0640, user = $uid, group = $gid applied to the file" ||
	fail "mode/user/group: $(mode_of "$sock"): $(cat "$T/hp.log")"
[ "$(mode_of "$dir/open.sock" | cut -d' ' -f1)" = 666 ] &&
	ok "mode = 666 applied despite a umask of 077" ||
	fail "mode 666: $(mode_of "$dir/open.sock")"
[ "$(id -u)" -eq 0 ] || skip "chown to another user: only root may"
kill -TERM "$HP_PID"
wait "$HP_PID"
HP_PID=
[ ! -e "$sock" ] && [ ! -e "$dir/open.sock" ] &&
	ok "clean stop removes the files, whoever owns them" || fail "files left"
finish
