# SPDX-License-Identifier: ISC
# A unix socket in a folder another user can write, with mode, user and
# group set, holdports running as root: the other user replaces the
# socket file by a symbolic link to a file of root's the moment bind(2)
# made it (tests/fault/swap.c wins that race for the test). holdports
# must change nothing through the link: the file it points to keeps its
# mode and owner, and holdports refuses the socket, saying why.
. tests/system/lib.sh

SWAP=$TOP/tests/fault/hp-swap.so
if [ ! -f "$SWAP" ] || [ "$(uname -s)" != Linux ]; then
	skip "no swap shim (Linux and glibc only): $SWAP"
	finish
fi

# gcc's ASan wants its runtime first among the libraries; the shim is.
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
export ASAN_OPTIONS

# mode_of PATH: "MODE UID GID" of PATH itself, from ls -ln.
mode_of() {
	ls -ln "$1" | awk '{
		m = 0; p = substr($1, 2, 9)
		for (i = 1; i <= 9; i++) if (substr(p, i, 1) != "-") m += 2 ^ (9 - i)
		printf "%o %s %s\n", m, $3, $4 }'
}

mkdir "$T/pub"
chmod 1777 "$T/pub"
echo secret > "$T/victim"
chmod 600 "$T/victim"
before=$(mode_of "$T/victim")
owner=
[ "$(id -u)" -eq 0 ] && owner="user = 65534
group = 65534"
cat > "$T/ports.ini" <<INI
[socket.api]
listen = unix:$T/pub/api.sock
mode = 0666
$owner
[child]
command = $ECHO
INI
LD_PRELOAD=$SWAP HP_SWAP_PATH=$T/pub/api.sock HP_SWAP_TARGET=$T/victim \
    timeout -k 1 10 "$HP" -c "$T/ports.ini" 2> "$T/err" &
HP_PID=$!
track "$HP_PID"
if ! wait_until 10 test -L "$T/pub/api.sock"; then
	skip "bind(2) was not intercepted: a sanitizer runtime in the way? $(cat "$T/err")"
	finish
fi
wait_until 10 dead "$HP_PID"
wait "$HP_PID"
st=$?
HP_PID=
after=$(mode_of "$T/victim")
[ "$after" = "$before" ] &&
	ok "the link's target keeps its mode and owner ($after)" ||
	fail "the link's target changed: $before -> $after"
[ "$st" -eq 1 ] && grep -q "api): ELOOP: .*replaced by a symbolic link" "$T/err" &&
	ok "the socket is refused: exit 1, the replaced file named" ||
	fail "exit $st: $(cat "$T/err")"
[ -L "$T/pub/api.sock" ] && [ "$(cat "$T/victim")" = secret ] &&
	ok "the link and its target are left alone" ||
	fail "the link or its target was touched"
[ -z "$owner" ] && skip "user = and group = need root"
finish
