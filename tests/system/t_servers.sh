# SPDX-License-Identifier: ISC
# Real servers, unchanged, under holdports: gunicorn (Debian's
# python3-gunicorn, which reads LISTEN_FDS and LISTEN_PID itself) with the
# WSGI app of contrib/examples, Node.js's http server given the fd found
# by name in LISTEN_FDNAMES (server.listen({fd})), and a program linked
# against libsystemd (tests/helpers/sd-echo). Each answers on the held
# port and survives 10 reloads under load with no failed connection. A
# runtime that is not installed is a skip that names its package.
. tests/system/lib.sh

RELOADS=10

# serve LABEL REQUEST COMMAND...: runs COMMAND under holdports on a free
# port, puts it under load (REQUEST, or hp-load's bare connection when
# empty), reloads it RELOADS times by SIGHUP, each time waiting for an
# answer from a process that had not answered before, and checks that no
# connection failed. Answers come from pids that change with each reload:
# the child's own, or, for gunicorn, its worker's.
serve() {
	label=$1
	req=$2
	shift 2
	rm -f "$T/hp.log" # hp_start truncates it only once it runs
	hp_start -l 127.0.0.1:0=http -- "$@"
	port=$(wait_port http)
	if ! wait_until 10 at_least 1 'started pid'; then
		fail "$label: not started: $(cat "$T/hp.log")"
		return
	fi
	# The first answer may take a while (an interpreter, on a busy
	# machine): wait for it before the load, whose requests each give up
	# after 5 s.
	if ! wait_until 20 probe; then
		fail "$label: never answered: $(cat "$T/hp.log")"
		kill -TERM "$HP_PID"; wait "$HP_PID"; HP_PID=
		return
	fi
	rm -f "$T/stop" "$T/load.log"
	if [ -n "$req" ]; then
		"$LOAD" -p "$port" -s "$T/stop" -t 100 -o "$T/load.log" \
		    -r "$req" > "$T/load.out" 2> "$T/load.err" &
	else
		"$LOAD" -p "$port" -s "$T/stop" -t 100 -o "$T/load.log" \
		    > "$T/load.out" 2> "$T/load.err" &
	fi
	load=$!
	track "$load"
	if ! wait_until 10 at_least_in 1 PIDCHANGE "$T/load.log"; then
		fail "$label: never answered: $(cat "$T/load.err" "$T/hp.log")"
		touch "$T/stop"
		wait "$load"
		kill -TERM "$HP_PID"; wait "$HP_PID"; HP_PID=
		return
	fi
	ok "$label: answers on the held port"
	i=1
	while [ "$i" -le "$RELOADS" ]; do
		kill -HUP "$HP_PID"
		if ! wait_until 15 at_least "$i" 'SIGHUP, restarted pid' ||
		    ! wait_until 15 at_least_in $((i + 1)) PIDCHANGE "$T/load.log"; then
			fail "$label: reload $i: no answer from the new server: $(tail -n 5 "$T/hp.log")"
			break
		fi
		i=$((i + 1))
	done
	touch "$T/stop"
	wait "$load"
	st=$?
	# -r prints each body on stdout; the summary is its last line.
	summary=$(tail -n 1 "$T/load.out")
	fails=$(grep -c '^FAIL' "$T/load.log")
	if [ "$i" -gt "$RELOADS" ] && [ "$st" -eq 0 ] && [ "$fails" -eq 0 ]; then
		ok "$label: $RELOADS reloads under load, no failed connection ($(grep -c PIDCHANGE "$T/load.log") servers answered): $summary"
	else
		fail "$label: $fails connections failed (hp-load exit $st): $(grep '^FAIL' "$T/load.log" | head -n 3)"
	fi
	kill -TERM "$HP_PID"
	wait "$HP_PID" && ok "$label: holdports stopped it, exit 0" ||
		fail "$label: holdports exited $?: $(tail -n 5 "$T/hp.log")"
	HP_PID=
}

# probe: one request to the server of serve(); true if answered.
probe() {
	if [ -n "$req" ]; then
		"$LOAD" -p "$port" -n 1 -r "$req"
	else
		"$LOAD" -p "$port" -n 1
	fi
}

# at_least_in N PATTERN FILE: FILE has at least N lines matching PATTERN.
at_least_in() { [ "$(grep -c -- "$2" "$3" 2>/dev/null)" -ge "$1" ]; }

REQ='GET /pid HTTP/1.0\r\n\r\n'

# gunicorn: Debian's python3-gunicorn installs the module for
# /usr/bin/python3 (the gunicorn package adds the command).
gunicorn=
if command -v gunicorn > /dev/null 2>&1; then
	gunicorn=gunicorn
else
	for py in /usr/bin/python3 python3; do
		if "$py" -c 'import gunicorn' > /dev/null 2>&1; then
			gunicorn="$py -m gunicorn"
			break
		fi
	done
fi
if [ -z "$gunicorn" ]; then
	skip "gunicorn: not installed (Debian package python3-gunicorn)"
else
	# A worker gets SIGTERM with its arbiter (holdports signals the
	# whole group) and answers the request in hand before it exits.
	# shellcheck disable=SC2086
	serve gunicorn "$REQ" $gunicorn --chdir "$TOP/contrib/examples" \
	    --workers 1 --graceful-timeout 5 wsgi:app
fi

node=$(command -v node || command -v nodejs)
if [ -n "$node" ]; then
	serve "Node.js server.listen({fd})" "$REQ" "$node" \
	    "$TOP/contrib/examples/server.js"
else
	skip "Node.js: node not installed (Debian package nodejs)"
fi

# sd-echo answers a bare connection with "sd pid=N".
serve "libsystemd (sd-echo)" "" "$SD"
finish
