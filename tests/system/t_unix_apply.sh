# SPDX-License-Identifier: ISC
# A live edit of mode =, user = or group = of a unix socket reaches the
# socket file that is already there (sock_unix_apply(), driven through
# tests/helpers/sock-drive as the loop calls it): the new mode and owner,
# or, for a key removed, what a new bind would give. Only the inode that
# holdports bound is changed: a symbolic link or another file put at the
# path is refused (ELOOP, ESTALE) and nothing is changed through it.
. tests/system/lib.sh

DRIVE=$TOP/tests/helpers/sock-drive
if [ ! -x "$DRIVE" ]; then
	skip "skipped: $DRIVE not built (make system)"
	finish
fi
umask 022
mkfifo "$T/in"
"$DRIVE" < "$T/in" > "$T/out" 2> "$T/err" &
track $!
exec 9> "$T/in"
cmd() {
	_n=$(wc -l < "$T/out")
	echo "$*" >&9
	wait_until 20 sh -c "[ \$(wc -l < '$T/out') -gt $_n ]" || {
		echo "no answer"
		return 1
	}
	tail -n 1 "$T/out"
}
# mode_of PATH: "MODE UID GID" of PATH itself, from ls -ln.
mode_of() {
	ls -ln "$1" | awk '{
		m = 0; p = substr($1, 2, 9)
		for (i = 1; i <= 9; i++) if (substr(p, i, 1) != "-") m += 2 ^ (9 - i)
		printf "%o %s %s\n", m, $3, $4 }'
}
expect() {
	[ "$2" = "$3" ] && ok "$1" || fail "$1: got '$2', want '$3'"
}
me="$(id -u) $(id -g)"
other=$me
[ "$(id -u)" -eq 0 ] && other="65534 65534"
sock=$T/api.sock

expect "bind with mode 0600" "$(cmd bind "unix:$sock" 0600 | cut -d' ' -f1)" bound
expect "the file has it" "$(mode_of "$sock")" "600 $me"
expect "apply mode 0660 and the other owner" "$(cmd apply 0660 ${other% *} ${other#* })" applied
expect "the file has them" "$(mode_of "$sock")" "660 $other"
expect "apply without mode, user, group" "$(cmd apply - - -)" applied
expect "back to what a bind gives (umask 022)" "$(mode_of "$sock")" "755 $me"

# Someone who can write to the folder replaces the file by a link.
echo secret > "$T/victim"
chmod 600 "$T/victim"
mv "$sock" "$T/moved.sock"
ln -s "$T/victim" "$sock"
expect "a link at the path: refused" "$(cmd apply 0666 - -)" "error ELOOP"
expect "its target untouched" "$(mode_of "$T/victim")" "600 $me"
# ... or by another socket file.
rm "$sock"
"$T/h/hp-hold" -u "$sock" > /dev/null 2>&1 &
track $!
wait_until 10 test -S "$sock"
before=$(mode_of "$sock")
expect "another socket file: refused" "$(cmd apply 0666 - -)" "error ESTALE"
expect "it is untouched" "$(mode_of "$sock")" "$before"
# The file moves back: ours again.
rm -f "$sock"
mv "$T/moved.sock" "$sock"
expect "our file back at the path: applied" "$(cmd apply 0640 - -)" applied
expect "with the new mode" "$(mode_of "$sock")" "640 $me"
[ "$me" = "$other" ] && skip "user = and group = need root"
echo quit >&9
finish
