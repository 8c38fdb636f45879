# SPDX-License-Identifier: ISC
# gitignore = yes: changes to what .gitignore files exclude trigger no
# reload, tracked and re-included ("!") files do, nested .gitignore files
# apply to their subtree, and an edited .gitignore takes effect at once.
. tests/system/lib.sh

mkdir -p "$T/src/build" "$T/src/sub" "$T/src/.git"
printf '# build output\n*.log\n!keep.log\nbuild/\n/top.txt\n' > "$T/src/.gitignore"
printf '!*.log\n' > "$T/src/sub/.gitignore"
echo a > "$T/src/app.c"
cat > "$T/ports.ini" <<INI
[socket.http]
listen = 127.0.0.1:0
[child]
command = $ECHO
watch = src
ignore = *.gen
gitignore = yes
INI
# -v: every path the watcher reports is logged ("holdports: PATH changed")
hp_start -v -c "$T/ports.ini"
wait_port http > /dev/null
wait_until 10 at_least 1 'started pid' || fail "no child: $(cat "$T/hp.log")"
# holdports starts the child first and watches second: wait for the watches.
wait_until 10 watching "$HP_PID" || fail "no inotify watch"

# sentinel NAME: change src/NAME (tracked) and wait for the reload that
# names it alone. The watcher keeps events in order, so every change made
# before it has been seen by then.
sentinel() {
	echo x > "$T/src/$1"
	wait_until 10 at_least 1 "/src/$1 changed, restarted pid"
}

# reported PATH: the watcher reported src/PATH as a change.
reported() { grep -q "^holdports: .*/src/$1 changed\$" "$T/hp.log"; }

# 1. Excluded by .gitignore: a glob, a directory, an anchored name; and by
# the defaults and ignore = globs, which still apply.
n=$(count 'restarted pid')
echo 1 > "$T/src/app.log"
echo 1 > "$T/src/build/out.o"
echo 1 > "$T/src/top.txt"
echo 1 > "$T/src/.app.c.swp"
echo 1 > "$T/src/.git/index"
echo 1 > "$T/src/x.gen"
sentinel s1 || fail "sentinel s1 missed: $(tail -n 3 "$T/hp.log")"
bad=
for p in app.log build/out.o top.txt .app.c.swp .git/index x.gen; do
	reported "$p" && bad="$bad $p"
done
[ -z "$bad" ] && [ "$(count 'restarted pid')" -eq $((n + 1)) ] &&
	ok "changes to excluded files and directories trigger no reload" ||
	fail "reloaded for:$bad; $(tail -n 3 "$T/hp.log")"

# 2. A tracked file, a negated one, one re-included by a nested file, and
# an anchored name below the top (where "/top.txt" does not reach).
echo b >> "$T/src/app.c"
wait_until 10 at_least 1 '/src/app.c changed, restarted pid' &&
	ok "a change to a tracked file reloads" || fail "tracked file missed"
echo 1 > "$T/src/keep.log"
wait_until 10 at_least 1 '/src/keep.log changed, restarted pid' &&
	ok "a negated path (!keep.log) reloads" || fail "negated path missed"
echo 1 > "$T/src/sub/x.log"
wait_until 10 at_least 1 '/src/sub/x.log changed, restarted pid' &&
	ok "a nested .gitignore re-includes in its subtree (!*.log)" ||
	fail "nested negation missed"
echo 1 > "$T/src/sub/top.txt"
wait_until 10 at_least 1 '/src/sub/top.txt changed, restarted pid' &&
	ok "a leading / anchors to the .gitignore's directory" ||
	fail "sub/top.txt missed"

# 3. Edit the .gitignore: build/ is no longer excluded, *.tmp now is.
printf '*.log\n!keep.log\n*.tmp\n' > "$T/src/.gitignore"
wait_until 10 at_least 1 '/src/.gitignore changed, restarted pid' ||
	fail "the .gitignore edit itself did not reload"
n=$(count 'restarted pid')
echo 1 > "$T/src/a.tmp"
sentinel s2 || fail "sentinel s2 missed"
! reported a.tmp && [ "$(count 'restarted pid')" -eq $((n + 1)) ] &&
	ok "a rule added to .gitignore applies at once" ||
	fail "a.tmp reloaded: $(tail -n 3 "$T/hp.log")"
echo 2 > "$T/src/build/out.o"
wait_until 10 at_least 1 '/src/build/out.o changed, restarted pid' &&
	ok "a directory no longer excluded is watched at once" ||
	fail "build/out.o missed after the edit: $(tail -n 3 "$T/hp.log")"
finish
