# SPDX-License-Identifier: ISC
# The man pages: mandoc -Tlint -Wwarning finds nothing in any of the
# three, and what their EXAMPLES sections show is true. The example
# configurations of holdports.ini(5) and holdports(1) pass `holdports
# check`, and what check prints reads back to the same; the output shown
# for `holdports check -c conf/ports.ini` is the real one; the programs of
# hp_listen_fds(3) compile with the project's warnings against the child
# API and do under holdports (the fd store one: under fdstore-drive, a
# stand-in supervisor) what the page says.
. tests/system/lib.sh

MAN1=$TOP/supervisor/holdports.1
MAN5=$TOP/conf/holdports.ini.5
MAN3=$TOP/child-api/hp_listen_fds.3

if ! command -v mandoc > /dev/null 2>&1; then
	skip "mandoc -Tlint: mandoc not installed (Debian package mandoc)"
else
	for page in "$MAN1" "$MAN5" "$MAN3"; do
		if mandoc -Tlint -Wwarning "$page" > "$T/lint" 2>&1; then
			ok "mandoc -Tlint -Wwarning $(basename "$page"): clean"
		else
			fail "mandoc -Tlint -Wwarning $(basename "$page"): $(cat "$T/lint")"
		fi
	done
fi

# examples PAGE DIR: writes the literal displays (.Bd -literal ... .Ed)
# of the EXAMPLES section of PAGE to DIR/1, DIR/2, ..., as printed
# (\e is a backslash, \& nothing); prints how many.
examples() {
	mkdir -p "$2"
	awk -v dir="$2" '
		/^\.Sh / { in_ex = ($0 == ".Sh EXAMPLES"); next }
		in_ex && /^\.Bd -literal/ { n++; in_bd = 1; printf "" > (dir "/" n); next }
		in_ex && /^\.Ed/ { in_bd = 0; close(dir "/" n); next }
		in_bd {
			gsub(/\\&/, ""); gsub(/\\e/, "\\")
			print > (dir "/" n)
		}
		END { print n + 0 }' "$1"
}

# prepare DIR: creates what DIR/ports.ini refers to, as a project would
# have it: the watched paths, and the directories of its unix sockets.
prepare() {
	awk '
		/^[ \t]*[;#]/ { next }
		/^[^ \t]/ { cont = 0 }
		/^watch[ \t]*=/ { sub(/^watch[ \t]*=[ \t]*/, ""); print; cont = 1; next }
		cont && /^[ \t]+[^ \t]/ { sub(/^[ \t]+/, ""); print }' "$1/ports.ini" |
	    while read -r p; do mkdir -p "$1/$p"; done
	sed -n 's/^listen[ \t]*=[ \t]*\(udp:\)\{0,1\}unix:\(.*\)\/[^/]*$/\2/p' \
	    "$1/ports.ini" | while read -r d; do mkdir -p "$1/$d"; done
}

# check_config LABEL DIR: holdports check -c DIR/ports.ini succeeds, and
# what it prints, read again, gives the same.
check_config() {
	if ! "$HP" check -c "$2/ports.ini" > "$2/resolved.ini" 2> "$2/err"; then
		fail "$1: holdports check: $(cat "$2/err")"
		return
	fi
	ok "$1: holdports check accepts it"
	mkdir -p "$T/elsewhere"
	cp "$2/resolved.ini" "$T/elsewhere/ports.ini"
	if "$HP" check -c "$T/elsewhere/ports.ini" > "$2/again.ini" 2> "$2/err" &&
	    cmp -s "$2/resolved.ini" "$2/again.ini"; then
		ok "$1: what check prints reads back to the same"
	else
		fail "$1: check of check's output differs: $(cat "$2/err"; diff "$2/resolved.ini" "$2/again.ini")"
	fi
	rm -rf "$T/elsewhere"
}

# holdports.ini(5): every display is a configuration file.
n=$(examples "$MAN5" "$T/man5")
[ "$n" -ge 1 ] || fail "holdports.ini.5: no example in EXAMPLES"
i=1
while [ "$i" -le "$n" ]; do
	d=$T/man5-$i
	mkdir -p "$d"
	cp "$T/man5/$i" "$d/ports.ini"
	prepare "$d"
	check_config "holdports.ini(5) example $i" "$d"
	i=$((i + 1))
done

# holdports(1): the file after "$ cat ports.ini", and the output after
# "$ holdports check -c conf/ports.ini".
n=$(examples "$MAN1" "$T/man1")
found_cat= found_check=
i=1
while [ "$i" -le "$n" ]; do
	b=$T/man1/$i
	if grep -q '^\$ cat ports.ini$' "$b"; then
		found_cat=1
		d=$T/man1-$i
		mkdir -p "$d"
		sed -n '/^\$ cat ports.ini$/,/^\$ /{/^\$ /!p;}' "$b" > "$d/ports.ini"
		prepare "$d"
		# `watch = build/server`: the server binary, not a directory.
		if grep -q '^watch = build/server$' "$d/ports.ini"; then
			rmdir "$d/build/server" && : > "$d/build/server"
		fi
		check_config "holdports(1) example $i" "$d"
	fi
	if grep -q '^\$ holdports check -c conf/ports.ini$' "$b"; then
		found_check=1
		# The page shows its own directory and SOMAXCONN (the default
		# backlog): take this system's for both.
		sed '1d' "$b" | sed "s|^directory = .*|directory = $TOP/conf|" |
		    sed "s|^backlog = .*|backlog = SOMAXCONN|" > "$T/shown"
		"$HP" check -c conf/ports.ini 2>&1 |
		    sed "s|^backlog = .*|backlog = SOMAXCONN|" > "$T/real"
		if cmp -s "$T/shown" "$T/real"; then
			ok "holdports(1) example $i: the output shown is check's own"
		else
			fail "holdports(1) example $i: shown (<) and real (>) output differ: $(diff "$T/shown" "$T/real" | grep '^[<>]' | tr '\n' ' ')"
		fi
	fi
	i=$((i + 1))
done
[ -n "$found_cat" ] || fail "holdports.1: no '\$ cat ports.ini' example"
[ -n "$found_check" ] || fail "holdports.1: no '\$ holdports check -c conf/ports.ini' example"

# hp_listen_fds(3): the server that answers "hello", the program that
# sends READY=1, and the one that stores its clients, compiled as a user
# would, against the child API (here the tree's; t_install.sh does it
# against an installed one).
n=$(examples "$MAN3" "$T/man3")
[ "$n" -eq 3 ] || fail "hp_listen_fds.3: $n examples, the test knows 3"
for i in 1 2 3; do
	cp "$T/man3/$i" "$T/ex$i.c"
	# shellcheck disable=SC2086
	if ${CC:-cc} -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra \
	    -Wpedantic -Wshadow -Werror ${SAN:-} -Ichild-api -o "$T/ex$i" \
	    "$T/ex$i.c" libholdports.a > "$T/cc$i.log" 2>&1; then
		ok "hp_listen_fds(3) example $i compiles without a warning"
	else
		fail "hp_listen_fds(3) example $i: $(cat "$T/cc$i.log")"
	fi
done

if [ -x "$T/ex1" ]; then
	hp_start -l 127.0.0.1:0=http -- "$T/ex1"
	port=$(wait_port http)
	wait_until 10 at_least 1 'started pid' || fail "example 1 did not start"
	# It writes "hello" as soon as it accepts, and reads nothing.
	reply=$(timeout 5 perl -MIO::Socket::INET -e '
		my $s = IO::Socket::INET->new("127.0.0.1:$ARGV[0]") or die "$!\n";
		print while <$s>;' "$port" 2>&1)
	[ "$reply" = hello ] &&
		ok "hp_listen_fds(3) example 1: says hello on the socket named http" ||
		fail "hp_listen_fds(3) example 1 said '$reply': $(cat "$T/hp.log")"
	kill -TERM "$HP_PID"
	wait "$HP_PID"
	HP_PID=
fi

if [ -x "$T/ex2" ]; then
	# It sleeps 2 s (its loading), then sends STATUS= and READY=1.
	rm -f "$T/hp.log" # hp_start truncates it only once it runs
	hp_start --ready notify -- "$T/ex2"
	if wait_until 10 at_least 1 'ready in'; then
		ok "hp_listen_fds(3) example 2: ready once it sent READY=1: $(grep 'ready in' "$T/hp.log")"
	else
		fail "hp_listen_fds(3) example 2: never ready: $(cat "$T/hp.log")"
	fi
	kill -TERM "$HP_PID"
	wait "$HP_PID"
	HP_PID=
fi

if [ -x "$T/ex3" ]; then
	# Given a stored connection named client, it greets it, stores it
	# again, waits for the barrier and exits 0.
	if "$T/h/fdstore-drive" -g -- "$T/ex3" > "$T/drive.out" 2>&1; then
		ok "hp_listen_fds(3) example 3: greets and stores its client: $(tr '\n' ';' < "$T/drive.out")"
	else
		fail "hp_listen_fds(3) example 3: $(cat "$T/drive.out")"
	fi
	"$T/ex3" && ok "hp_listen_fds(3) example 3: exits 0 when run alone" ||
		fail "hp_listen_fds(3) example 3: exits $? when run alone"
fi
finish
