#!/bin/sh
# SPDX-License-Identifier: ISC
# scratch.sh: runs a command in a throw-away copy of the source tree, so
# that a sanitized or instrumented build never mixes its objects with the
# working tree's (the objects do not depend on SAN or CFLAGS, so a second
# build in place would reuse the first one's), and the working tree is
# left as it was.
#
#   sh tests/fuzz/scratch.sh NAME CMD [ARG...]
#
# Copies the tree from the repo top (without .git, objects and built
# files) into ${TMPDIR:-/tmp}/hp.XXXXXX, runs CMD there and exits with
# its status; NAME is for its messages. The copy is removed unless KEEP
# is set.
set -u
cd "$(dirname "$0")/../.." || exit 1
[ $# -ge 2 ] || {
	echo "usage: sh tests/fuzz/scratch.sh NAME CMD [ARG...]" >&2
	exit 2
}
name=$1
shift
# A short name: some messages a test compares cut long command lines.
dir=$(mktemp -d "${TMPDIR:-/tmp}/hp.XXXXXX") || exit 1
# As open as a checkout: a test may run a program of the tree as another
# user (t_inuse: setpriv to nobody).
chmod 755 "$dir"
cleanup() { [ -n "${KEEP:-}" ] || rm -rf "$dir"; }
trap cleanup EXIT
trap 'exit 1' INT TERM

# make clean in the copy drops what the working tree had built; the fuzz
# folder's own outputs live in tests/fuzz/out, left out here.
tar -cf - --exclude=./.git --exclude='*.o' --exclude=./tests/fuzz/out . |
	(cd "$dir" && tar -xf -) || exit 1
${MAKE:-make} -s -C "$dir" clean > /dev/null || exit 1
echo "== $name: $* (in $dir)"
(cd "$dir" && "$@")
status=$?
[ -z "${KEEP:-}" ] || echo "== $name: kept $dir"
exit $status
