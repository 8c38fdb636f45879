#!/bin/sh
# SPDX-License-Identifier: ISC
# san.sh: the whole test suite (unit, fuzz corpus replay, compat, system)
# built with CC under ASan and UBSan. Run in a scratch copy of the tree
# (make check-asan does: tests/fuzz/scratch.sh), never in the working
# tree: the objects do not depend on SAN.
#
#   sh tests/fuzz/san.sh gcc|clang
#
# Every sanitizer report, from any process (holdports, a child, the
# guard, a helper), goes to a file of its own under tests/fuzz/out/san
# instead of stderr, so that none is lost in a log a test did not read;
# any such file fails the run, even when every test passed.
set -u
cd "$(dirname "$0")/../.." || exit 1
cc=${1:?usage: sh tests/fuzz/san.sh CC}
san='-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all'
reports=$(pwd)/tests/fuzz/out/san
rm -rf "$reports"
mkdir -p "$reports"
# detect_leaks: LeakSanitizer at each exit(3) (on by default on Linux,
# said anyway). A report makes the process exit non-zero as well.
ASAN_OPTIONS=log_path=$reports/asan:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1
UBSAN_OPTIONS=log_path=$reports/ubsan:print_stacktrace=1:halt_on_error=1
LSAN_OPTIONS=log_path=$reports/lsan
export ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS

status=0
# make test's unit stage replays the fuzz corpus too (tests/fuzz/fuzz.mk).
make CC="$cc" SAN="$san" test || status=1
n=$(find "$reports" -type f | wc -l)
if [ "$n" -gt 0 ]; then
	echo "FAIL check-asan $cc: $n sanitizer reports:"
	for f in "$reports"/*; do
		echo "--- $f"
		head -n 40 "$f"
	done
	status=1
fi
[ "$status" -eq 0 ] && echo "check-asan $cc: no sanitizer report, every test passed"
exit $status
