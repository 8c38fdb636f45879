# SPDX-License-Identifier: ISC
# Installs like a Unix tool: make install PREFIX=/usr/local into a
# temporary DESTDIR puts every file where it belongs; a child builds
# against the installed child API with pkg-config and runs under the
# installed holdports; make uninstall then leaves no file of ours.
#
# The installed holdports.pc names the final paths (/usr/local/...), not
# DESTDIR's. PKG_CONFIG_SYSROOT_DIR=$DESTDIR makes pkg-config put DESTDIR
# in front of its -I and -L paths, which is what a staged install needs.
# (--define-prefix would not do: it derives only ${prefix} from where the
# .pc file lies, and holdports.pc writes libdir and includedir out in
# full, so they would still name /usr/local.)
. tests/system/lib.sh

D=$T/dest
P=/usr/local
MAKE_INSTALL="make -s --no-print-directory PREFIX=$P DESTDIR=$D"
# The files of ours, relative to DESTDIR.
FILES="$P/bin/holdports $P/lib/libholdports.a $P/lib/libholdports.so.0
$P/lib/libholdports.so $P/include/holdports.h $P/lib/pkgconfig/holdports.pc
$P/share/man/man1/holdports.1 $P/share/man/man5/holdports.ini.5
$P/share/man/man3/hp_listen_fds.3 $P/share/man/man3/hp_listen_fds_with_names.3
$P/share/man/man3/hp_listen_fd.3 $P/share/man/man3/hp_is_socket_inet.3
$P/share/man/man3/hp_is_socket_unix.3 $P/share/man/man3/hp_notify.3
$P/share/man/man3/hp_notifyf.3 $P/share/man/man3/hp_pid_notify.3
$P/share/man/man3/hp_pid_notifyf.3 $P/share/man/man3/hp_pid_notify_with_fds.3
$P/share/man/man3/hp_notify_barrier.3
$P/share/bash-completion/completions/holdports
$P/share/zsh/site-functions/_holdports"

if ! $MAKE_INSTALL install > "$T/install.log" 2>&1; then
	fail "make install: $(tail -n 5 "$T/install.log")"
	finish
fi
missing=
for f in $FILES; do
	[ -e "$D$f" ] || missing="$missing $f"
done
[ -z "$missing" ] && ok "make install PREFIX=$P DESTDIR=...: $(echo $FILES | wc -w) files and links" ||
	fail "not installed:$missing"
[ -L "$D$P/lib/libholdports.so" ] &&
	[ "$(readlink "$D$P/lib/libholdports.so")" = libholdports.so.0 ] &&
	[ "$(readlink "$D$P/share/man/man3/hp_notify.3")" = hp_listen_fds.3 ] &&
	ok "libholdports.so and the man page aliases are relative links" ||
	fail "links: $(ls -l "$D$P/lib" "$D$P/share/man/man3")"
cmp -s "$D$P/share/bash-completion/completions/holdports" \
    contrib/completions/holdports.bash &&
	cmp -s "$D$P/share/zsh/site-functions/_holdports" \
	    contrib/completions/_holdports &&
	ok "the bash and zsh completions are installed" ||
	fail "completions differ from contrib/completions"
grep -qx "prefix=$P" "$D$P/lib/pkgconfig/holdports.pc" &&
	! grep -q "$D" "$D$P/lib/pkgconfig/holdports.pc" &&
	ok "holdports.pc names $P, not DESTDIR" ||
	fail "holdports.pc: $(cat "$D$P/lib/pkgconfig/holdports.pc")"
"$D$P/bin/holdports" -V > "$T/version" 2>&1 &&
	grep -q "$(cat VERSION)" "$T/version" &&
	ok "the installed holdports runs: $(cat "$T/version")" ||
	fail "installed holdports -V: $(cat "$T/version")"

# A child built against the installed library, found by pkg-config.
if ! command -v pkg-config > /dev/null 2>&1; then
	skip "pkg-config not installed (Debian package pkg-config)"
else
	flags=$(PKG_CONFIG_PATH=$D$P/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$D \
	    pkg-config --cflags --libs holdports 2>&1)
	flags=$(echo $flags) # one space between words, none at the ends
	# (the sysroot is put in front of the rpath too)
	[ "$flags" = "-I$D$P/include -L$D$P/lib -Wl,-rpath,$D$P/lib -lholdports" ] &&
		ok "pkg-config --cflags --libs holdports: $flags" ||
		fail "pkg-config --cflags --libs holdports: $flags"
	# SAN: the sanitizer flags of a sanitizer build (make test SAN=...),
	# which the installed library was built with too.
	# shellcheck disable=SC2086
	if ${CC:-cc} ${SAN:-} -o "$T/server" contrib/examples/server.c $flags \
	    > "$T/cc.log" 2>&1; then
		ok "contrib/examples/server.c builds against the installed library"
	else
		fail "build against the installed library: $(cat "$T/cc.log")"
	fi
	LD_LIBRARY_PATH=$D$P/lib
	export LD_LIBRARY_PATH
	ldd "$T/server" 2>&1 | grep -q "libholdports.so.0 => $D$P/lib/libholdports.so.0" &&
		ok "it loads $P/lib/libholdports.so.0 from DESTDIR (LD_LIBRARY_PATH)" ||
		fail "ldd: $(ldd "$T/server" 2>&1 | grep holdports)"
	HP=$D$P/bin/holdports hp_start -l 127.0.0.1:0=http -- "$T/server"
	port=$(wait_port http)
	wait_until 10 at_least 1 'started pid' || fail "no child: $(cat "$T/hp.log")"
	pid=$(latest_pid)
	body=$("$LOAD" -p "$port" -n 1 -r 'GET /pid HTTP/1.0\r\n\r\n' 2>&1 | head -n 1)
	[ -n "$pid" ] && [ "$body" = "$pid" ] &&
		ok "it runs under the installed holdports and answers with its pid" ||
		fail "under the installed holdports: '$body', not '$pid': $(cat "$T/hp.log")"
	kill -TERM "$HP_PID"
	wait "$HP_PID" || fail "installed holdports exited $?"
	HP_PID=
	unset LD_LIBRARY_PATH
	# The static library alone, as a project that copies no file would.
	# shellcheck disable=SC2086
	${CC:-cc} ${SAN:-} -I"$D$P/include" -o "$T/server-static" \
	    contrib/examples/server.c "$D$P/lib/libholdports.a" > "$T/cc.log" 2>&1 &&
		! ldd "$T/server-static" 2>&1 | grep -q libholdports &&
		ok "and statically against libholdports.a" ||
		fail "static build: $(cat "$T/cc.log")"
fi

# make install PREFIX=... without DESTDIR, as a user does into a folder
# of their own: a program linked with pkg-config finds libholdports.so.0
# there with no ldconfig and no LD_LIBRARY_PATH (the rpath of Libs).
U=$T/prefix
if ! command -v pkg-config > /dev/null 2>&1; then
	skip "PREFIX=$U: pkg-config not installed"
elif ! make -s --no-print-directory PREFIX="$U" install > "$T/install2.log" 2>&1; then
	fail "make install PREFIX=$U: $(tail -n 5 "$T/install2.log")"
else
	flags=$(PKG_CONFIG_PATH=$U/lib/pkgconfig pkg-config --cflags --libs holdports)
	# shellcheck disable=SC2086
	if ${CC:-cc} ${SAN:-} -o "$T/server-u" contrib/examples/server.c $flags \
	    > "$T/cc.log" 2>&1 &&
	    ldd "$T/server-u" 2>&1 | grep -q "libholdports.so.0 => $U/lib/libholdports.so.0"; then
		ok "PREFIX=$U: a program linked with pkg-config finds $U/lib/libholdports.so.0"
	else
		fail "PREFIX=$U: $(cat "$T/cc.log"; ldd "$T/server-u" 2>&1 | grep holdports)"
	fi
	make -s --no-print-directory PREFIX="$U" uninstall > /dev/null 2>&1
fi

if ! $MAKE_INSTALL uninstall > "$T/uninstall.log" 2>&1; then
	fail "make uninstall: $(tail -n 5 "$T/uninstall.log")"
	finish
fi
left=$(find "$D" ! -type d | sed "s,^$D,,")
[ -z "$left" ] &&
	ok "make uninstall leaves no file of ours (only $(find "$D" -type d | wc -l) empty directories)" ||
	fail "left after make uninstall: $left"
finish
