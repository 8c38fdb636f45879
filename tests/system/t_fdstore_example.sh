# SPDX-License-Identifier: ISC
# The fd store examples of contrib/examples keep their clients across a
# restart. fdstore-drive plays the supervisor, as systemd's
# FileDescriptorStoreMax= does: a datagram socket as NOTIFY_SOCKET and a
# listener on 127.0.0.1 (port 0) as fd 3. It starts the example, chats
# with three clients, stops it with SIGTERM, checks that each client came
# back with FDSTORE=1 and FDNAME=client, then starts a second instance
# with the listener and those connections (LISTEN_FDNAMES=
# listener:client:client:client), which must answer the same connections
# with its own pid. The Python one runs where python3 has
# socket.send_fds (3.9 and later).
. tests/system/lib.sh

DRIVE=$T/h/fdstore-drive
EX=$TOP/contrib/examples

# drive LABEL COMMAND...: fdstore-drive on COMMAND; an ok line for each
# thing it checked, or a fail line that says why.
drive() {
	_label=$1
	shift
	if "$DRIVE" -- "$@" > "$T/drive.out" 2> "$T/drive.err"; then
		while read -r _line; do
			ok "$_label: $_line"
		done < "$T/drive.out"
	else
		fail "$_label: $(cat "$T/drive.out" "$T/drive.err")"
	fi
}

drive C "$EX/fdstore-chat"

if ! command -v python3 > /dev/null 2>&1; then
	skip "Python: python3 not installed (Debian package python3)"
elif ! python3 -c 'import socket; socket.send_fds' > /dev/null 2>&1; then
	skip "Python: $(python3 --version 2>&1) has no socket.send_fds (3.9 and later)"
else
	# Compiled to $T, so that no __pycache__ lands in the tree.
	if python3 -c 'import py_compile, sys
py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)' \
	    "$EX/fdstore_chat.py" "$T/fdstore_chat.pyc" > "$T/pyc.log" 2>&1; then
		ok "Python: fdstore_chat.py compiles"
	else
		fail "Python: fdstore_chat.py: $(cat "$T/pyc.log")"
	fi
	drive Python python3 "$EX/fdstore_chat.py"
fi
finish
