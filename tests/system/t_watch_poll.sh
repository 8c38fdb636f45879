# SPDX-License-Identifier: ISC
# Polled watch roots: watch_mode = poll reloads on a change, a new file
# and a removal, with the ignores and .gitignore files of the events
# backend; and watch_mode = auto polls a root on FUSE (a bindfs mount,
# where a change made to the folder it mirrors sends no event through
# the mount), saying so once at start.
. tests/system/lib.sh

mkdir -p "$T/src/build"
echo a > "$T/src/app.c"
printf 'build/\n*.log\n' > "$T/src/.gitignore"
cat > "$T/ports.ini" << EOF
[holdports]
watch_mode = poll
poll_interval = 100ms
[socket.http]
listen = 127.0.0.1:0
[child]
command = $ECHO
watch = src
ignore = *.o
EOF
hp_start -v -c "$T/ports.ini"
wait_port http > /dev/null
wait_until 10 at_least 1 'started pid' || fail "no start: $(cat "$T/hp.log")"
wait_until 10 at_least 1 'paths polled' || fail "not polled: $(cat "$T/hp.log")"
# one inotify watch: the configuration file's folder, none for src
[ "$(cat /proc/"$HP_PID"/fdinfo/* 2>/dev/null | grep -c '^inotify wd:')" -eq 1 ] &&
	ok "watch_mode = poll: src has no inotify watch" ||
	fail "inotify watches: $(cat /proc/"$HP_PID"/fdinfo/* 2>/dev/null | grep -c '^inotify wd:')"

echo b >> "$T/src/app.c"
wait_until 10 at_least 1 'src/app.c changed, restarted pid' &&
	ok "a change of a polled file reloads" || fail "change missed: $(cat "$T/hp.log")"
echo 1 > "$T/src/build/out"
echo 1 > "$T/src/x.log"
echo 1 > "$T/src/x.o"
echo 1 > "$T/src/new.c"
wait_until 10 at_least 1 'src/new.c changed, restarted pid' &&
	ok "a new file reloads" || fail "new file missed: $(tail -n 3 "$T/hp.log")"
if grep -q 'build/out changed\|x.log changed\|x.o changed' "$T/hp.log"; then
	fail "ignored paths were reported: $(cat "$T/hp.log")"
else
	ok "the ignores and .gitignore apply to polled paths"
fi
rm "$T/src/new.c"
wait_until 10 at_least 2 'src/new.c changed, restarted pid' &&
	ok "a removal reloads" || fail "removal missed: $(tail -n 3 "$T/hp.log")"
kill -TERM "$HP_PID"
wait "$HP_PID"
HP_PID=

# watch_mode = auto on FUSE.
mkdir -p "$T/real" "$T/mnt"
echo a > "$T/real/app.c"
if ! command -v bindfs > /dev/null 2>&1; then
	skip "FUSE: bindfs not installed (Debian package bindfs)"
elif ! bindfs "$T/real" "$T/mnt" > /dev/null 2>&1; then
	skip "FUSE: bindfs could not mount here (no /dev/fuse or no permission)"
else
	cat > "$T/auto.ini" << EOF
[holdports]
poll_interval = 100ms
[socket.http]
listen = 127.0.0.1:0
[child]
command = $ECHO
watch = mnt
EOF
	hp_start -c "$T/auto.ini"
	wait_port http > /dev/null
	if wait_until 10 grep -q "mnt is on fuse[.a-z]*, where file events miss changes made elsewhere: polling it every 100 ms" "$T/hp.log"; then
		ok "auto: says it polls the FUSE root: $(grep 'is on fuse' "$T/hp.log")"
	else
		fail "auto on FUSE: $(cat "$T/hp.log")"
	fi
	wait_until 10 at_least 1 'started pid'
	echo b >> "$T/real/app.c" # the mirrored folder: no event on mnt
	wait_until 10 at_least 1 'mnt/app.c changed, restarted pid' &&
		ok "auto: a change behind the FUSE mount reloads" ||
		fail "auto: change missed: $(cat "$T/hp.log")"
	kill -TERM "$HP_PID"
	wait "$HP_PID"
	HP_PID=
	fusermount3 -u "$T/mnt" 2> /dev/null || fusermount -u "$T/mnt" 2> /dev/null ||
		umount "$T/mnt"
fi
finish
