# SPDX-License-Identifier: ISC
# The children of contrib/examples, one a language, run unchanged: under
# holdports each finds its socket by name (http is fd 4, after a socket
# named other), answers GET /pid with its pid, and gives way to the next
# child on a reload without failing a request; run alone, with LISTEN_*
# meant for another process, each binds its own port. A toolchain that is
# not installed is a skip that says which package brings it. Go and Rust
# are built once, here, in $T, offline.
. tests/system/lib.sh

EX=$TOP/contrib/examples
REQ='GET /pid HTTP/1.0\r\n\r\n'

# get PORT: the body of GET /pid on 127.0.0.1:PORT, or nothing. The
# first request may wait for an interpreter to start (hp-load gives up
# after 5 s): up to 4 tries.
get() {
	for _try in 1 2 3 4; do
		_body=$("$LOAD" -p "$1" -n 1 -r "$REQ" 2>/dev/null |
		    sed -n '1{/^ok=/!p;}')
		[ -n "$_body" ] && break
	done
	echo "$_body"
}

# port_of_pid PID: the port of the TCP socket that process PID listens on,
# found from its descriptors' inodes in /proc/net/tcp (state 0A = LISTEN).
port_of_pid() {
	for _l in /proc/"$1"/fd/*; do readlink "$_l"; done 2>/dev/null |
	    sed -n 's/^socket:\[\([0-9]*\)\]$/\1/p' > "$T/inodes"
	_hex=$(awk 'NR == FNR { want[$1]; next }
		$4 == "0A" && ($10 in want) { split($2, a, ":"); print a[2]; exit }' \
	    "$T/inodes" /proc/net/tcp)
	[ -n "$_hex" ] && printf '%d\n' "0x$_hex"
}

# example LANG COMMAND...: the checks above for one example.
example() {
	lang=$1
	shift
	rm -f "$T/hp.log" # hp_start truncates it only once it runs
	hp_start -l 127.0.0.1:0=other -l 127.0.0.1:0=http -- "$@"
	port=$(wait_port http)
	if ! wait_until 10 at_least 1 'started pid'; then
		fail "$lang: holdports did not start it: $(cat "$T/hp.log")"
		return
	fi
	pid=$(latest_pid)
	body=$(get "$port")
	if [ "$body" != "$pid" ]; then
		fail "$lang: GET /pid on http gave '$body', not pid $pid: $(cat "$T/hp.log")"
		kill -TERM "$HP_PID"; wait "$HP_PID"; HP_PID=
		return
	fi
	ok "$lang: found the socket named http (fd 4) and answers with its pid"

	rm -f "$T/stop" "$T/load.log"
	"$LOAD" -p "$port" -s "$T/stop" -t 60 -o "$T/load.log" -r "$REQ" \
	    > "$T/load.out" 2>&1 &
	load=$!
	track "$load"
	wait_until 10 grep -q " $pid\$" "$T/load.log"
	kill -HUP "$HP_PID"
	wait_until 10 at_least 1 'SIGHUP, restarted pid' ||
		fail "$lang: no reload: $(cat "$T/hp.log")"
	pid2=$(latest_pid)
	wait_until 10 grep -q " $pid2\$" "$T/load.log" ||
		fail "$lang: the new child $pid2 never answered"
	touch "$T/stop"
	if wait "$load"; then
		ok "$lang: reloaded under load, no request failed: $(tail -n 1 "$T/load.out")"
	else
		fail "$lang: requests failed across the reload: $(tail -n 3 "$T/load.out")"
	fi
	kill -TERM "$HP_PID"
	wait "$HP_PID"
	st=$?
	HP_PID=
	[ "$st" -eq 0 ] && wait_until 10 dead "$pid2" &&
		ok "$lang: stopped with holdports (exit 0)" ||
		fail "$lang: holdports exited $st, or child $pid2 still alive: $(tail -n 5 "$T/hp.log")"

	# Alone, LISTEN_PID names another process: the example must leave
	# the variables alone and bind 127.0.0.1:$PORT (0: any free port).
	env LISTEN_PID=1 LISTEN_FDS=1 LISTEN_FDNAMES=http PORT=0 "$@" \
	    2> "$T/alone.log" &
	apid=$!
	track "$apid"
	if wait_until 10 port_of_pid "$apid" && aport=$(port_of_pid "$apid") &&
	    [ "$(get "$aport")" = "$apid" ]; then
		ok "$lang: alone, ignores LISTEN_* for another pid and binds 127.0.0.1:$aport"
	else
		fail "$lang: alone, no answer on a port of its own: $(cat "$T/alone.log")"
	fi
	kill -TERM "$apid"
	wait "$apid" && ok "$lang: alone, exits 0 on SIGTERM" ||
		fail "$lang: alone, exit status $? on SIGTERM"
}

if [ -x "$EX/server-c" ]; then
	example C "$EX/server-c"
else
	fail "C: contrib/examples/server-c is not built (make examples)"
fi

if command -v python3 > /dev/null 2>&1; then
	example Python python3 "$EX/server.py"
else
	skip "Python: python3 not installed (Debian package python3)"
fi

node=$(command -v node || command -v nodejs)
if [ -n "$node" ]; then
	example Node.js "$node" "$EX/server.js"
else
	skip "Node.js: node not installed (Debian package nodejs)"
fi

# gobuild [VAR=VALUE]...: go build server.go into $T, offline.
gobuild() {
	(cd "$T" && env GOPROXY=off GOTOOLCHAIN=local GOFLAGS= "$@" \
	    go build -o "$T/server-go" "$EX/server.go") > "$T/go.log" 2>&1
}
if ! command -v go > /dev/null 2>&1; then
	skip "Go: go not installed (Debian package golang-go)"
elif gobuild || gobuild GOCACHE="$T/go-cache"; then # no usable $HOME cache
	example Go "$T/server-go"
else
	fail "Go: go build: $(cat "$T/go.log")"
fi

# server.rs builds under the editions 2024 and 2021 alike; its
# "unsafe extern" block (which 2024 requires) needs rustc 1.82 or later.
printf 'unsafe extern "C" {}\nfn main() {}\n' > "$T/probe.rs"
edition=
for ed in 2024 2021; do
	if [ -z "$edition" ] && command -v rustc > /dev/null 2>&1 &&
	    rustc --edition "$ed" -o "$T/probe" "$T/probe.rs" > /dev/null 2>&1; then
		edition=$ed
	fi
done
if ! command -v rustc > /dev/null 2>&1; then
	skip "Rust: rustc not installed (Debian package rustc)"
elif [ -z "$edition" ]; then
	skip "Rust: $(rustc --version) is older than 1.82, which server.rs needs"
elif ! rustc --edition "$edition" -O -D warnings -o "$T/server-rs" \
    "$EX/server.rs" > "$T/rustc.log" 2>&1; then
	fail "Rust: rustc --edition $edition: $(cat "$T/rustc.log")"
else
	ok "Rust: server.rs builds under edition $edition"
	example Rust "$T/server-rs"
fi

if command -v perl > /dev/null 2>&1; then
	example Perl perl "$EX/server.pl"
else
	skip "Perl: perl not installed (Debian package perl)"
fi

# Each example stays small enough to read at a glance.
long=
for f in "$EX"/server.* "$EX"/wsgi.py; do
	[ "$(wc -l < "$f")" -lt 60 ] || long="$long $(basename "$f")"
done
[ -z "$long" ] && ok "every example is under 60 lines" ||
	fail "60 lines or more:$long"
finish
