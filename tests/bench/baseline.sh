#!/bin/sh
# SPDX-License-Identifier: ISC
# baseline.sh: what a developer runs without holdports, for comparison: a
# loop that on SIGHUP stops the server and starts it again, so that the
# server closes its port and binds it anew each time (nodemon, entr -r
# and many a Makefile do the same). It prints the lines hp-bench waits
# for, in holdports' words.
#   usage: baseline.sh COMMAND [ARG]...
set -u
"$@" &
pid=$!
echo "baseline: started pid $pid" >&2
hup=0
term=0
trap 'hup=1' HUP
trap 'term=1' TERM INT
while :; do
	# wait returns early, with a status above 128, when a trapped signal
	# arrives; the trap has run by then.
	wait "$pid"
	if [ "$term" -eq 1 ]; then
		kill -TERM "$pid" 2>/dev/null
		wait "$pid"
		exit 0
	fi
	if [ "$hup" -eq 1 ]; then
		hup=0
		kill -TERM "$pid" 2>/dev/null
		wait "$pid"
		"$@" &
		pid=$!
		echo "baseline: SIGHUP, restarted pid $pid" >&2
		continue
	fi
	echo "baseline: pid $pid exited on its own" >&2
	exit 1
done
