#!/bin/sh
# SPDX-License-Identifier: ISC
# deps.sh: installs what make fuzz, check-asan, check-valgrind and lint-c
# need on top of contrib/install-deps.sh, when it is missing. Debian and
# derivatives: apt-get, as root or through sudo; elsewhere it says what is
# missing and fails.
#
#   sh tests/fuzz/deps.sh clang|valgrind|cppcheck|clang-tidy...
#
# clang: the compiler and its sanitizer runtimes, libFuzzer among them
# (Debian: libclang-rt-N-dev, only recommended by clang-N).
set -u
need=
for tool in "$@"; do
	case $tool in
	clang)
		if ! command -v clang >/dev/null 2>&1; then
			need="$need clang"
			rt=1
		else
			# The runtimes ship apart: probe a link, not a file.
			p=$(mktemp -d "${TMPDIR:-/tmp}/hp-deps.XXXXXX")
			printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
			    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
			    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)' \
			    '{ (void)d; (void)n; return 0; }' > "$p/t.c"
			clang -fsanitize=fuzzer,address,undefined "$p/t.c" \
			    -o "$p/t" >/dev/null 2>&1 || rt=1
			rm -rf "$p"
		fi
		;;
	valgrind | cppcheck | clang-tidy)
		command -v "$tool" >/dev/null 2>&1 || need="$need $tool" ;;
	*)
		echo "deps.sh: unknown tool $tool" >&2
		exit 2 ;;
	esac
done
[ -z "$need" ] && [ -z "${rt:-}" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	[ -z "${rt:-}" ] || need="$need compiler-rt (clang sanitizer runtimes)"
	echo "deps.sh: missing:$need; install them and run make again" >&2
	exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
	sudo=
elif command -v sudo >/dev/null 2>&1; then
	sudo=sudo
else
	[ -z "${rt:-}" ] || need="$need libclang-rt-N-dev (N: clang major version)"
	echo "deps.sh: not root and no sudo: as root, apt-get install$need" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if [ -n "$need" ]; then
	echo "deps.sh: installing:$need"
	$sudo apt-get update -qq || exit 1
	# shellcheck disable=SC2086
	$sudo apt-get install -y -qq --no-install-recommends $need || exit 1
fi
if [ -n "${rt:-}" ]; then
	# libclang-rt-14-dev for clang 14 (Debian 12), and so on.
	v=$(clang -dumpversion | cut -d. -f1)
	echo "deps.sh: installing: libclang-rt-$v-dev"
	$sudo apt-get update -qq || exit 1
	$sudo apt-get install -y -qq --no-install-recommends "libclang-rt-$v-dev" || exit 1
fi
