# SPDX-License-Identifier: ISC
# Configuration errors exit 2 with the exact file:line message of the
# golden files; `holdports check` prints the resolved configuration.
. tests/system/lib.sh

for ini in tests/golden/bad-*.ini; do
	"$HP" check -c "$ini" > "$T/out" 2> "$T/err"
	st=$?
	if [ "$st" -eq 2 ] && diff -u "$ini.err" "$T/err" > "$T/diff"; then
		ok "$(basename "$ini"): exit 2, $(cat "$T/err")"
	else
		fail "$(basename "$ini"): exit $st; $(cat "$T/diff")"
	fi
	# The run mode reports the same and binds nothing.
	"$HP" -c "$ini" > /dev/null 2> "$T/err2"
	st=$?
	[ "$st" -eq 2 ] && cmp -s "$ini.err" "$T/err2" ||
		fail "$(basename "$ini") in run mode: exit $st: $(cat "$T/err2")"
done

dir=$(cd tests/golden && pwd -P)
"$HP" check -c tests/golden/good.ini > "$T/out" 2> "$T/err"
st=$?
sed "s|@DIR@|$dir|g" tests/golden/good.ini.out > "$T/expected"
[ "$st" -eq 0 ] && diff -u "$T/expected" "$T/out" > "$T/diff" &&
	ok "check prints the resolved configuration" ||
	fail "check good.ini: exit $st $(cat "$T/err") $(cat "$T/diff")"
# The command line overrides the file in check mode too (and is freed:
# make check-asan and check-valgrind run this).
"$HP" check -c tests/golden/good.ini -l 127.0.0.1:0=web -w . -i '*.tmp' > "$T/out2" 2> "$T/err"
st=$?
[ "$st" -eq 0 ] && grep -q '^\[socket.web\]' "$T/out2" && grep -q "^ignore = \*.tmp" "$T/out2" &&
	ok "check with -l, -w and -i shows the overrides" || fail "check overrides: exit $st $(cat "$T/err")"
# Its output is itself a valid configuration.
"$HP" check -c "$T/out" > /dev/null 2> "$T/err" &&
	ok "check output reads back" || fail "check output rejected: $(cat "$T/err")"

# Unreadable configurations: missing, and a directory.
"$HP" check -c "$T/none.ini" 2> "$T/err"
st=$?
[ "$st" -eq 2 ] && grep -q "^holdports: $T/none.ini: cannot read: No such file or directory\$" "$T/err" &&
	ok "missing file: exit 2, names the file" || fail "missing file: exit $st: $(cat "$T/err")"
mkdir "$T/dir.ini"
"$HP" check -c "$T/dir.ini" 2> "$T/err"
st=$?
[ "$st" -eq 2 ] && grep -q "^holdports: $T/dir.ini: not a regular file; " "$T/err" &&
	ok "directory as file: exit 2, names the file" || fail "dir: exit $st: $(cat "$T/err")"

# The reference and demo configurations are valid.
for f in conf/ports.ini conf/demo.ini; do
	"$HP" check -c "$f" > /dev/null 2> "$T/err" && ok "$f is valid" ||
		fail "$f: $(cat "$T/err")"
done

# Usage errors exit 2 with the synopsis; -V and -h exit 0.
"$HP" --no-such-option 2> "$T/err"
[ $? -eq 2 ] && grep -q '^usage: holdports' "$T/err" && ok "bad option: exit 2 with usage" ||
	fail "bad option"
"$HP" -w "$T/missing" -l 0 -- true 2> "$T/err"
[ $? -eq 2 ] && grep -q "watch '$T/missing': No such file or directory" "$T/err" &&
	ok "missing watch path: exit 2, named" || fail "missing watch: $(cat "$T/err")"
"$HP" -V | grep -q "^holdports $(cat VERSION)\$" && ok "-V prints the version" || fail "-V"
"$HP" -h | grep -q '^usage: holdports' && ok "-h prints usage" || fail "-h"
finish
