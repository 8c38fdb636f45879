# SPDX-License-Identifier: ISC
# What a child leaves on a held socket is undone when it exits
# (sock_check(), driven as the loop does it through tests/helpers/sock-drive,
# with hostile children from tests/helpers/hostile): changed options, a
# SO_REUSEPORT that let another process join, a shut-down listener, an
# attached (even locked) BPF filter, a connected datagram socket, a shut
# down unix or UDP socket. The next child finds the socket as the first
# one did, and a listener a child shut down listens again at once: another
# process cannot take its port.
. tests/system/lib.sh

DRIVE=$TOP/tests/helpers/sock-drive
HOSTILE=$T/h/hostile
HOLD=$T/h/hp-hold
for b in "$DRIVE" "$TOP/tests/helpers/hostile" "$TOP/tests/helpers/hp-hold"; do
	if [ ! -x "$b" ]; then
		skip "skipped: $b not built (make system)"
		finish
	fi
done
mkdir "$T/r"

# The driver reads commands from a fifo we hold open (fd 9); each answer
# is one line of $T/out.
mkfifo "$T/in"
"$DRIVE" < "$T/in" > "$T/out" 2> "$T/err" &
track $!
exec 9> "$T/in"
# cmd LINE...: sends one command and prints its answer.
cmd() {
	_n=$(wc -l < "$T/out")
	echo "$*" >&9
	wait_until 20 sh -c "[ \$(wc -l < '$T/out') -gt $_n ]" || {
		echo "no answer"
		return 1
	}
	tail -n 1 "$T/out"
}
# state: runs a child that reports fd 3 and prints what it found.
state() {
	rm -f "$T"/r/*.report
	cmd child "$HOSTILE" -r "$T/r" -m report-exit > /dev/null
	sed -n 's/^state=//p' "$T"/r/*.report
}
# hostile MODE: runs a hostile child in MODE on the socket.
hostile() { cmd child "$HOSTILE" -m "$1"; }
# steal PORT [-r]: tries to take 127.0.0.1:PORT with SO_REUSEADDR (and
# SO_REUSEPORT with -r); prints "taken" or the errno name.
steal() {
	rm -f "$T/steal" # not the last answer, before the new one is made
	"$HOLD" "${2:--t}" "$1" > "$T/steal" 2>&1 &
	_p=$!
	track "$_p"
	wait_until 10 test -s "$T/steal"
	cat "$T/steal"
	kill "$_p" 2>/dev/null
	wait "$_p" 2>/dev/null
}
# expect WHAT GOT WANT: one case.
expect() {
	[ "$2" = "$3" ] && ok "$1" || fail "$1: got '$2', want '$3'"
}

# 1. A TCP listener on a fixed port.
bound=$(cmd bind 127.0.0.1:0)
port=${bound#bound 127.0.0.1:}
port=${port%% *}
cmd close > /dev/null
expect "bind 127.0.0.1:$port" "$(cmd bind "127.0.0.1:$port" | cut -d' ' -f1-2)" "bound 127.0.0.1:$port"
clean=$(state)
expect "a clean child changes nothing" "$(cmd check)" "check 0 3"

expect "opts-exit" "$(hostile opts-exit)" "exited 0"
expect "options, flags and owner set back in place" "$(cmd check)" "check 1 3"
expect "the next child finds the options as bound" "$(state)" "$clean"

expect "shutrd-exit" "$(hostile shutrd-exit)" "exited 0"
expect "a shut-down listener listens again in place" "$(cmd check)" "check 1 3"
expect "another process cannot take the port (SO_REUSEADDR)" "$(steal "$port")" EADDRINUSE
expect "the next child finds it listening" "$(state)" "$clean"
grep -q "test: a child shut the listener down (shutdown(2)); listening again" "$T/err" &&
	ok "the shutdown is logged" || fail "not logged: $(cat "$T/err")"

expect "reuseport-exit" "$(hostile reuseport-exit)" "exited 0"
expect "SO_REUSEPORT cleared" "$(cmd check)" "check 1 3"
expect "no process can join the port (SO_REUSEPORT)" "$(steal "$port" -r)" EADDRINUSE
# A process joins while the option is set: named, and it keeps its share.
expect "reuseport-exit again" "$(hostile reuseport-exit)" "exited 0"
"$HOLD" -r "$port" > "$T/joined" 2>&1 &
joined=$!
track "$joined"
wait_until 10 grep -q taken "$T/joined" || fail "could not join: $(cat "$T/joined")"
expect "cleared again" "$(cmd check)" "check 1 3"
grep -q "test: pid $joined (.*hp-hold -r $port) joined 127.0.0.1:$port while a child had set SO_REUSEPORT on it" "$T/err" &&
	ok "a process that joined meanwhile is named" ||
	fail "intruder not named: $(cat "$T/err")"
kill "$joined"
wait "$joined" 2>/dev/null

expect "filter-exit" "$(hostile filter-exit)" "exited 0"
expect "a locked filter: bound again, same descriptor" "$(cmd check)" "check 2 3"
expect "the next child finds no filter" "$(state)" "$clean"
expect "and no process can take the port" "$(steal "$port")" EADDRINUSE

r=$(hostile bpf-exit)
case $r in
"exited 0")
	expect "a locked eBPF program: bound again" "$(cmd check)" "check 2 3"
	expect "the next child finds no program" "$(state)" "$clean" ;;
"exited 3") skip "no eBPF here (root or CAP_BPF): $(tail -n 1 "$T/err")" ;;
*) fail "bpf-exit: $r" ;;
esac

# Overlap: the status flags stay as an older child set them until told.
expect "nonblock-exit" "$(hostile nonblock-exit)" "exited 0"
expect "keep: flags left alone" "$(cmd check keep)" "check 0 3"
rm -f "$T"/r/*.report
cmd child "$HOSTILE" -r "$T/r" -m report-exit > /dev/null
expect "the flag stays set meanwhile" "$(sed -n 's/^nonblock=//p' "$T"/r/*.report)" 1
expect "then restored" "$(cmd check)" "check 1 3"
rm -f "$T"/r/*.report
cmd child "$HOSTILE" -r "$T/r" -m report-exit > /dev/null
expect "and blocking again" "$(sed -n 's/^nonblock=//p' "$T"/r/*.report)" 0

# 2. Port 0: a shutdown lets go of the kernel's port; bound again there.
cmd close > /dev/null
bound=$(cmd bind 127.0.0.1:0)
port=${bound#bound 127.0.0.1:}
port=${port%% *}
clean=$(state)
expect "shutrd-exit on a kernel-chosen port" "$(hostile shutrd-exit)" "exited 0"
expect "bound again on the same port" "$(cmd check)" "check 2 3"
expect "the port cannot be taken" "$(steal "$port")" EADDRINUSE
expect "the next child finds it as bound" "$(state)" "$clean"

# 3. UDP: a connect(2) is dissolved; a shutdown needs a new socket. On a
# kernel-chosen port the disconnect lets go of the port too (udp(7)):
# bound again there.
cmd close > /dev/null
bound=$(cmd bind udp:127.0.0.1:0)
port=${bound#bound udp:127.0.0.1:}
port=${port%% *}
clean=$(state)
expect "connect-exit (UDP, port 0)" "$(hostile connect-exit)" "exited 0"
expect "disconnected, bound again on its port" "$(cmd check)" "check 2 3"
expect "the next child finds it as bound" "$(state)" "$clean"
cmd close > /dev/null
cmd bind "udp:127.0.0.1:$port" > /dev/null
clean=$(state)
expect "connect-exit (UDP)" "$(hostile connect-exit)" "exited 0"
expect "disconnected in place" "$(cmd check)" "check 1 3"
expect "the next child finds it unconnected" "$(state)" "$clean"
expect "shutrd-exit (UDP)" "$(hostile shutrd-exit)" "exited 0"
expect "bound again" "$(cmd check)" "check 2 3"
expect "the next child finds it open" "$(state)" "$clean"

# 4. A unix listener shut down: a new socket renamed over the file.
cmd close > /dev/null
cmd bind "unix:$T/u.sock" 0660 > /dev/null
clean=$(state)
ino=$(ls -i "$T/u.sock" | cut -d' ' -f1)
expect "shutrd-exit (unix)" "$(hostile shutrd-exit)" "exited 0"
expect "bound again" "$(cmd check)" "check 2 3"
expect "the next child finds it listening" "$(state)" "$clean"
nino=$(ls -i "$T/u.sock" | cut -d' ' -f1)
[ -S "$T/u.sock" ] && [ "$nino" != "$ino" ] &&
	[ "$(ls "$T" | grep -c '^u\.sock')" -eq 1 ] &&
	[ "$(ls -l "$T/u.sock" | cut -c1-10)" = srw-rw---- ] &&
	ok "a new socket file took the old one's place, mode kept, no temporary left" ||
	fail "socket file: $(ls -li "$T")"
rm "$T/u.sock"
expect "the socket file removed: bound again" "$(cmd check)" "check 2 3"
[ -S "$T/u.sock" ] && ok "the file is back" || fail "no socket file"
expect "the next child finds it listening" "$(state)" "$clean"
cmd close > /dev/null
[ ! -e "$T/u.sock" ] && ok "closing removes the new file" ||
	fail "the new file stays after close"

# 5. A unix datagram socket connected to itself: disconnected.
cmd bind "udp:unix:$T/d.sock" > /dev/null
clean=$(state)
expect "connect-exit (unix datagram)" "$(hostile connect-exit)" "exited 0"
expect "disconnected in place" "$(cmd check)" "check 1 3"
expect "the next child finds it unconnected" "$(state)" "$clean"
echo quit >&9
finish
