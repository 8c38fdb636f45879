#!/bin/sh
# SPDX-License-Identifier: ISC
# valgrind.sh: the system tests with every holdports they start run under
# valgrind (tests/fuzz/vgwrap.sh, through HP_WRAP in tests/system/lib.sh).
# Run in a scratch copy of the tree (make check-valgrind does), built with
# -g so that the reports name lines.
#
# Fails when a test fails or when any valgrind log holds an error: a
# memcheck error or a definite leak. A holdports killed with SIGKILL
# (t_kill9, and cleanup when TERM is not enough) writes no summary; such
# logs are listed, not counted.
set -u
cd "$(dirname "$0")/../.." || exit 1
HP_VGLOG=$(pwd)/tests/fuzz/out/valgrind
rm -rf "$HP_VGLOG"
mkdir -p "$HP_VGLOG"
# A test may run holdports as another user (t_inuse: setpriv to nobody),
# which must run the wrapper and write its log too.
chmod 1777 "$HP_VGLOG"
chmod 755 tests/fuzz/vgwrap.sh
HP_WRAP=$(pwd)/tests/fuzz/vgwrap.sh
export HP_VGLOG HP_WRAP

status=0
make CFLAGS='-g -O1' all || exit 1
make CFLAGS='-g -O1' system || status=1

# Each process valgrind ran (holdports, and its guard, which writes to
# the same log) ends with "ERROR SUMMARY: N errors ...": memcheck errors
# plus definite leaks (--errors-for-leak-kinds=definite).
logs=0
bad=0
cut=
for f in "$HP_VGLOG"/*.vg; do
	[ -f "$f" ] || continue
	logs=$((logs + 1))
	if grep 'ERROR SUMMARY: [1-9]' "$f" > /dev/null; then
		bad=$((bad + 1))
		echo "--- $f"
		grep -v '^==[0-9]*== *$' "$f" | head -n 80
	elif ! grep 'ERROR SUMMARY: 0 ' "$f" > /dev/null; then
		cut="$cut $(basename "$f")"
	fi
done
[ -z "$cut" ] ||
	echo "check-valgrind: killed before valgrind's summary (SIGKILL):$cut"
if [ "$logs" -eq 0 ]; then
	echo "FAIL check-valgrind: no valgrind log: was HP_WRAP honoured?"
	status=1
elif [ "$bad" -gt 0 ]; then
	echo "FAIL check-valgrind: $bad of $logs holdports runs have valgrind errors"
	status=1
else
	echo "check-valgrind: $logs holdports runs under valgrind, no error"
fi
exit $status
