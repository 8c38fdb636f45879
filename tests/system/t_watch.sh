# SPDX-License-Identifier: ISC
# File changes that must reload (an editor's atomic save, a new
# subdirectory with a new file), and ones that must not (ignored paths),
# and a burst of writes that must reload exactly once.
. tests/system/lib.sh

mkdir -p "$T/src/.git" "$T/src/build"
echo a > "$T/src/app.c"
# A repository inside the watched folder, with two branches that differ
# in 100 files, for the checkout below.
G="git -C $T/src/repo -c user.name=t -c user.email=t@localhost"
if command -v git > /dev/null 2>&1 && git init -q "$T/src/repo" 2> /dev/null; then
	i=0
	while [ $i -lt 100 ]; do
		echo "a $i" > "$T/src/repo/f$i.c"
		i=$((i + 1))
	done
	$G add . && $G commit -q -m a && $G checkout -q -b other &&
	    sed -i 's/^a/b/' "$T/src/repo"/f*.c && $G commit -q -am b &&
	    $G checkout -q - || fail "git: cannot make the repository"
fi
hp_start -w "$T/src" -i 'build' -i '*.o' -l 127.0.0.1:0=http -- "$ECHO"
wait_port http > /dev/null
wait_until 10 at_least 1 'started pid' || fail "no child"
wait_until 10 watching "$HP_PID" || fail "no inotify watch"

# sentinel NAME: change src/NAME and wait for the reload that names it.
# inotify keeps events in order, so every event before the sentinel's has
# been seen by then.
sentinel() {
	echo x > "$T/src/$1"
	wait_until 10 at_least 1 "/$1 changed, restarted pid\|/$1 and [0-9]* more changes, restarted pid"
}

# 1. Editor-style atomic save: write a temporary file, rename it over.
echo b > "$T/src/.app.c.tmp"
mv "$T/src/.app.c.tmp" "$T/src/app.c"
wait_until 10 at_least 1 '/app.c changed, restarted pid\|/app.c and 1 more changes, restarted pid' &&
	ok "atomic save (write temp, rename over) reloads" || fail "atomic save missed"

# 2. A new subdirectory with a new file, then a write inside it.
mkdir "$T/src/new"
echo c > "$T/src/new/file.c"
wait_until 10 at_least 2 'restarted pid' &&
	ok "new subdirectory with a file reloads" || fail "new directory missed"
n=$(count 'restarted pid')
echo d >> "$T/src/new/file.c"
wait_until 10 at_least 1 'new/file.c changed, restarted pid' &&
	ok "a write inside the new subdirectory reloads" || fail "new directory not watched"

# 3. Ignored paths: .git, a user glob directory, *.o, a vim swap file.
n=$(count 'restarted pid')
echo 1 > "$T/src/.git/index"
echo 1 > "$T/src/build/out.bin"
echo 1 > "$T/src/app.o"
echo 1 > "$T/src/.app.c.swp"
sentinel s1 || fail "sentinel s1 missed"
[ "$(count 'restarted pid')" -eq $((n + 1)) ] &&
	ok "changes under ignored paths trigger no reload" ||
	fail "ignored change reloaded: $(tail -n 3 "$T/hp.log")"

# 4. 100 writes within a few ms (under the 50 ms debounce): one reload.
n=$(count 'restarted pid')
i=0
while [ $i -lt 100 ]; do
	echo $i > "$T/src/burst.c"
	i=$((i + 1))
done
wait_until 10 at_least $((n + 1)) 'restarted pid' || fail "burst: no reload"
sentinel s2 || fail "sentinel s2 missed"
[ "$(count 'burst.c.*restarted pid')" -eq 1 ] &&
	ok "100 writes in a burst: exactly one reload" ||
	fail "burst reloads: $(count 'burst.c.*restarted pid')"

# 5. A git checkout that rewrites 100 files: one reload.
if [ -d "$T/src/repo/.git" ]; then
	n=$(count 'restarted pid')
	$G checkout -q other || fail "git checkout failed"
	wait_until 10 at_least $((n + 1)) 'restarted pid' || fail "checkout: no reload"
	sentinel s3 || fail "sentinel s3 missed"
	[ "$(count 'repo/f[0-9]*.c.*restarted pid')" -eq 1 ] &&
		ok "a git checkout of 100 files: one reload ($(grep 'repo/f[0-9]*.c' "$T/hp.log"))" ||
		fail "checkout reloads: $(grep 'restarted pid' "$T/hp.log" | tail -n 5)"
else
	skip "git checkout: git not installed (Debian package git)"
fi
finish
