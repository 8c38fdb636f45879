# SPDX-License-Identifier: ISC
# A live edit of a unix socket's mode, user or group reaches its file: the
# socket is kept (same file, its connections wait on), so no bind gives
# them; holdports changes the file it bound, never through a link. A key
# removed goes back to what a bind gives.
. tests/system/lib.sh

# mode_of PATH: "MODE UID GID" of PATH, from ls -ln (POSIX, unlike stat -c).
mode_of() {
	ls -ln "$1" | awk '{
		m = 0; p = substr($1, 2, 9)
		for (i = 1; i <= 9; i++) if (substr(p, i, 1) != "-") m += 2 ^ (9 - i)
		printf "%o %s %s\n", m, $3, $4 }'
}
# conf KEYS: ports.ini with KEYS (lines) in [socket.api], written at once.
conf() {
	cat > "$T/new.ini" <<INI
[socket.api]
listen = unix:$T/api.sock
$1
[child]
command = $ECHO
INI
	mv "$T/new.ini" "$T/ports.ini"
}

umask 022
me="$(id -u) $(id -g)"
conf "mode = 0600"
hp_start -c "$T/ports.ini"
wait_port api > /dev/null
wait_until 10 at_least 1 'started pid' || fail "no child: $(cat "$T/hp.log")"
wait_until 10 watching "$HP_PID" || fail "no inotify watch"
ino=$(ls -i "$T/api.sock" | awk '{ print $1 }')
[ "$(mode_of "$T/api.sock")" = "600 $me" ] || fail "at start: $(mode_of "$T/api.sock")"

if [ "$(id -u)" -eq 0 ]; then
	conf "mode = 0660
user = 65534
group = 65534"
	want="660 65534 65534"
else
	conf "mode = 0660"
	want="660 $me"
fi
wait_until 10 at_least 1 "api: $T/api.sock has its new mode, user and group" ||
	fail "not applied: $(cat "$T/hp.log")"
[ "$(mode_of "$T/api.sock")" = "$want" ] &&
	[ "$(ls -i "$T/api.sock" | awk '{ print $1 }')" = "$ino" ] &&
	ok "a live edit of mode, user and group: the same file has them ($want)" ||
	fail "file: $(mode_of "$T/api.sock"), want $want"

conf ""
wait_until 10 at_least 2 "api: $T/api.sock has its new mode, user and group" ||
	fail "not applied: $(cat "$T/hp.log")"
[ "$(mode_of "$T/api.sock")" = "755 $me" ] &&
	ok "the keys removed: back to what a bind gives (umask 022)" ||
	fail "file: $(mode_of "$T/api.sock"), want 755 $me"
alive "$HP_PID" && [ -S "$T/api.sock" ] || fail "the instance or its socket is gone"
finish
