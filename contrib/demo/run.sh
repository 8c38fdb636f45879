#!/bin/sh
# SPDX-License-Identifier: ISC
# run.sh: runs the demo under holdports; `make demo` calls it from the
# repository top once everything is built. DEMO_PORT=N picks another port.
set -eu

if [ ! -x ./holdports ] || [ ! -x ./contrib/demo/demo-server ]; then
	echo "run.sh: run it from the repository top after make (or: make demo)" >&2
	exit 2
fi
port=${DEMO_PORT:-8080}
case $port in
'' | *[!0-9]*)
	echo "run.sh: DEMO_PORT=$port: not a port number" >&2
	exit 2
	;;
esac

cat <<EOT

  holdports demo: open http://127.0.0.1:$port/

  Edit contrib/demo/message.txt and save it: holdports starts a new
  demo-server on the same socket, and the page shows the new pid and
  message by itself, the moment the new server is ready. No request is
  refused meanwhile.

  Edit contrib/demo/demo.c and save it: holdports rebuilds it (make)
  and replaces the server with the new one. Break it: the compiler's
  error shows over the page (and in this terminal) while the old server
  keeps running; fix it, and the page reloads.

  Ctrl-C stops it.  (Port taken? DEMO_PORT=8081 make demo)

EOT
if [ -n "${DEMO_PORT:-}" ]; then
	# The command line wins over the file's [socket.http] listen.
	exec ./holdports -c conf/demo.ini -l "127.0.0.1:$port=http"
fi
exec ./holdports -c conf/demo.ini
