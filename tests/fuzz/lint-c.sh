#!/bin/sh
# SPDX-License-Identifier: ISC
# lint-c.sh: cppcheck and clang-tidy on supervisor/ and child-api/ (make
# lint-c). The checks: .clang-tidy and tests/fuzz/cppcheck.supp, each
# exception with its reason; the few that hold for one file only are
# below. Fails on any finding.
#
#   sh tests/fuzz/lint-c.sh [FILE.c...]
set -u
cd "$(dirname "$0")/../.." || exit 1
[ $# -gt 0 ] || set -- supervisor/*.c child-api/*.c
status=0

# Every #if configuration, not only Linux's (cppcheck has no system
# headers, so it guesses nothing from them).
cppcheck --quiet --error-exitcode=1 --std=c11 --inline-suppr \
    --enable=warning,style,performance,portability \
    --suppressions-list=tests/fuzz/cppcheck.supp \
    -Isupervisor -Ichild-api "$@" || status=1

# -Itests/stub: watch_kqueue.c against the stand-in <sys/event.h>, as
# make kqueue-syntax compiles it.
flags="-std=c11 -D_POSIX_C_SOURCE=200809L -Isupervisor -Ichild-api \
    -Itests/stub $(pkg-config --cflags inih 2>/dev/null)"
for f in "$@"; do
	case $f in
	# cmd_signal(): with no target, cmd_pick() never returns 0 while an
	# instance runs (it falls back to all of them), so target is not
	# NULL where k == 0 && n > 0, and v is not NULL where k == 1.
	*/cmd.c) extra=-clang-analyzer-core.NullDereference,-clang-analyzer-core.NonNullParamChecker ;;
	# "if (errno > 0) return -errno;": the analyzer reads errno twice
	# as two unknown values, so it follows a path where the error
	# return is >= 0 and *ret was never written.
	*/holdports.c) extra=-clang-analyzer-core.UndefinedBinaryOperatorResult ;;
	*) extra= ;;
	esac
	# shellcheck disable=SC2086
	clang-tidy --quiet ${extra:+--checks=$extra} "$f" -- $flags \
	    2>/dev/null || status=1
done
[ "$status" -eq 0 ] && echo "lint-c: cppcheck and clang-tidy: no finding in $# files"
exit $status
