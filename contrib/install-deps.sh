#!/bin/sh
# SPDX-License-Identifier: ISC
# install-deps.sh: installs what building and testing holdports needs, when
# it is missing. Debian and derivatives: apt-get, as root or through sudo.
# Elsewhere it says what to install and fails.
#
# With --toolchains (CI) it also installs, as far as the archive has them,
# what the optional tests use: the other languages' runtimes of
# contrib/examples, gunicorn, Server::Starter, zsh, valgrind, clang and
# libFuzzer, cppcheck and clang-tidy, bindfs (a FUSE mount for the tests
# of remote file systems), and Chromium and npm for the browser tests
# (tests/browser). A test whose tool is missing says
# "skipped" with the reason, so make check never needs these.
set -u
need_pkgs=
toolchains=
[ "${1:-}" = --toolchains ] && toolchains="python3 python3-gunicorn gunicorn
	python3-uvicorn uvicorn nodejs
	golang-go rustc perl libserver-starter-perl zsh valgrind clang
	libclang-rt-14-dev cppcheck clang-tidy bsdutils iproute2 bindfs
	chromium npm"
have_pc() { pkg-config --exists "$1" 2>/dev/null; }
command -v pkg-config >/dev/null 2>&1 || need_pkgs="$need_pkgs pkg-config"
command -v cc >/dev/null 2>&1 || need_pkgs="$need_pkgs gcc libc6-dev"
command -v make >/dev/null 2>&1 || need_pkgs="$need_pkgs make"
have_pc inih || need_pkgs="$need_pkgs libinih-dev"
have_pc cmocka || need_pkgs="$need_pkgs libcmocka-dev"
have_pc libsystemd || need_pkgs="$need_pkgs libsystemd-dev"
# systemd-socket-activate, used by the tests that run the demo the way
# systemd would.
command -v systemd-socket-activate >/dev/null 2>&1 || need_pkgs="$need_pkgs systemd"
# curl, the HTTP client of the system tests of the error page and the
# events server.
command -v curl >/dev/null 2>&1 || need_pkgs="$need_pkgs curl"
# mandoc, for make lint of the man pages.
command -v mandoc >/dev/null 2>&1 || need_pkgs="$need_pkgs mandoc"
for p in $toolchains; do
	# Node.js and npm may come from elsewhere than Debian (NodeSource,
	# the machine's image): their commands are enough.
	case $p in
	nodejs) command -v node >/dev/null 2>&1 && continue ;;
	npm) command -v npm >/dev/null 2>&1 && continue ;;
	esac
	dpkg -s "$p" >/dev/null 2>&1 || need_pkgs="$need_pkgs $p"
done
[ -z "$need_pkgs" ] && exit 0

echo "install-deps: missing:$need_pkgs"
if ! command -v apt-get >/dev/null 2>&1; then
	cat >&2 <<MSG
install-deps: this is not a Debian system, so nothing was installed.
Install these by hand: a C11 compiler, make, pkg-config, inih (libinih),
cmocka, and libsystemd's headers (only the tests use it); then run the
command again. Packages: Fedora: inih-devel libcmocka-devel systemd-devel;
Arch: libinih cmocka systemd-libs; FreeBSD: pkg install inih cmocka pkgconf.
MSG
	exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
	sudo=
elif command -v sudo >/dev/null 2>&1; then
	sudo=sudo
else
	echo "install-deps: not root and no sudo: run as root: apt-get install -y$need_pkgs" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq || exit 1
# shellcheck disable=SC2086
if ! $sudo apt-get install -y -qq --no-install-recommends $need_pkgs; then
	[ -n "$toolchains" ] || exit 1
	# One optional package the archive lacks must not stop the rest.
	for p in $need_pkgs; do
		$sudo apt-get install -y -qq --no-install-recommends "$p" ||
			echo "install-deps: $p could not be installed; its tests will be skipped"
	done
fi
