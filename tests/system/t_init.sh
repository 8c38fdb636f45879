# SPDX-License-Identifier: ISC
# holdports init on throwaway Go, Rust, Node.js, Python, gunicorn and
# uvicorn projects (the servers of contrib/examples): the file it writes
# passes holdports check, it never overwrites one, and, where the
# toolchain is installed, holdports -c ports.ini builds the project and
# serves on the port. Each project's .env says PORT=0, which init takes,
# so that the kernel picks a free port. The logic runs through
# tests/helpers/init-drive until main.c has the subcommand.
. tests/system/lib.sh

EX=$TOP/contrib/examples
DRIVE=$T/h/init-drive
# Offline builds: the tests never fetch anything.
GOPROXY=off GOTOOLCHAIN=local GOFLAGS= CARGO_NET_OFFLINE=true
export GOPROXY GOTOOLCHAIN GOFLAGS CARGO_NET_OFFLINE

# body PORT: the body of GET /pid on 127.0.0.1:PORT, or nothing.
body() {
	curl -s --max-time 5 "http://127.0.0.1:$1/pid" 2>/dev/null
}
# serving PORT: GET /pid answers with a number.
serving() { body "$1" | grep -q '^[0-9][0-9]*$'; }

# project NAME: a fresh project directory $P with .env PORT=0.
project() {
	P=$T/$1
	mkdir -p "$P"
	echo 'PORT=0' > "$P/.env"
}

# init_ok NAME COMMAND: runs init in $P; the file must name COMMAND,
# pass holdports check, and a second init must refuse and leave it.
init_ok() {
	if ! "$DRIVE" "$P" 2> "$T/init.log"; then
		fail "$1: init failed: $(cat "$T/init.log")"
		return 1
	fi
	if ! grep -qx "command = $2" "$P/ports.ini"; then
		fail "$1: no 'command = $2' in: $(cat "$P/ports.ini")"
		return 1
	fi
	if ! "$HP" check -c "$P/ports.ini" > "$T/check.out" 2> "$T/check.err"; then
		fail "$1: holdports check refused it: $(cat "$T/check.err")"
		return 1
	fi
	ok "$1: init wrote ports.ini (command = $2), holdports check accepts it"
	cp "$P/ports.ini" "$T/before.ini"
	if "$DRIVE" "$P" 2> "$T/init2.log"; then
		fail "$1: a second init succeeded"
	elif grep -q 'ports.ini already exists; holdports init never overwrites it' \
	    "$T/init2.log" && cmp -s "$P/ports.ini" "$T/before.ini"; then
		ok "$1: a second init exits 1 and leaves ports.ini as it was"
	else
		fail "$1: second init: $(cat "$T/init2.log")"
	fi
}

# serve NAME SECS SOURCE: holdports -c ports.ini in $P builds and starts
# the server within SECS, which answers on the port; a change of the
# source file SOURCE reloads it (and names SOURCE, not a file the build
# wrote); then a clean stop.
serve() {
	hp_start -c "$P/ports.ini" > "$T/child.out"
	if ! port=$(wait_port http) || [ -z "$port" ]; then
		fail "$1: holdports did not bind: $(cat "$T/hp.log")"
		return
	fi
	if wait_until "$2" serving "$port"; then
		ok "$1: built, started and serving on 127.0.0.1:$port (GET /pid: $(body "$port"))"
	else
		fail "$1: nothing served on $port in $2 s: $(tail -n 15 "$T/hp.log")"
	fi
	wait_until 10 watching "$HP_PID"
	touch "$P/$3"
	if wait_until "$2" at_least 1 "restarted pid" &&
	    grep -q "$3 changed.*restarted pid" "$T/hp.log" &&
	    wait_until "$2" serving "$port"; then
		ok "$1: a change of $3 rebuilt and restarted it: $(grep 'restarted pid' "$T/hp.log" | head -n 1)"
	else
		fail "$1: no reload after touching $3: $(tail -n 10 "$T/hp.log")"
	fi
	kill -TERM "$HP_PID"
	wait "$HP_PID"
	st=$?
	HP_PID=
	[ "$st" -eq 0 ] && ok "$1: stopped cleanly" ||
		fail "$1: holdports exited $st: $(tail -n 5 "$T/hp.log")"
}

# Go
project go
printf 'module example.com/hpinit\n\ngo 1.19\n' > "$P/go.mod"
cp "$EX/server.go" "$P/main.go"
if init_ok Go ./.holdports/server; then
	if command -v go > /dev/null 2>&1; then
		serve Go 90 main.go
	else
		skip "Go: go not installed (Debian package golang-go)"
	fi
fi

# Rust
project rust
mkdir -p "$P/src"
printf '[package]\nname = "hp-init-rs"\nversion = "0.1.0"\nedition = "2021"\n' \
    > "$P/Cargo.toml"
cp "$EX/server.rs" "$P/src/main.rs"
if init_ok Rust ./target/debug/hp-init-rs; then
	if command -v cargo > /dev/null 2>&1; then
		serve Rust 90 src/main.rs
	else
		skip "Rust: cargo not installed (Debian package cargo)"
	fi
fi

# Node.js: scripts.start, run without npm
project node
printf '{"name": "x", "scripts": {"start": "node server.js"}}\n' \
    > "$P/package.json"
cp "$EX/server.js" "$P/server.js"
if init_ok Node.js "node server.js"; then
	if command -v node > /dev/null 2>&1; then
		serve Node.js 30 server.js
	else
		skip "Node.js: node not installed (Debian package nodejs)"
	fi
fi

# Python, standard library only
project python
cp "$EX/server.py" "$P/server.py"
if init_ok Python "python3 server.py"; then
	if command -v python3 > /dev/null 2>&1; then
		serve Python 30 server.py
	else
		skip "Python: python3 not installed (Debian package python3)"
	fi
fi

# gunicorn: it takes LISTEN_FDS itself
project gunicorn
echo gunicorn > "$P/requirements.txt"
cp "$EX/wsgi.py" "$P/wsgi.py"
if command -v gunicorn > /dev/null 2>&1; then
	init_ok gunicorn "gunicorn wsgi:app" && serve gunicorn 30 wsgi.py
else
	init_ok gunicorn "python3 -m gunicorn wsgi:app"
	skip "gunicorn: the gunicorn command is not installed (Debian package gunicorn)"
fi

# uvicorn --fd 3
project uvicorn
echo 'uvicorn[standard]' > "$P/requirements.txt"
cat > "$P/main.py" << 'EOF'
import os


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body",
                "body": f"{os.getpid()}\n".encode()})
EOF
if command -v uvicorn > /dev/null 2>&1; then
	init_ok uvicorn "uvicorn --fd 3 main:app" && serve uvicorn 30 main.py
else
	init_ok uvicorn "python3 -m uvicorn --fd 3 main:app"
	skip "uvicorn: the uvicorn command is not installed (Debian package uvicorn)"
fi

# make: a C server on the child API; init guesses ./server from the
# Makefile and ignores it, so that building it triggers no reload.
project make
cp "$EX/server.c" "$P/server.c"
printf 'server: server.c\n\t$(CC) $(SAN) -o server -I%s server.c %s\nclean:\n\trm -f server\n' \
    "$TOP/child-api" "$TOP/libholdports.a" > "$P/Makefile"
if init_ok make ./server; then
	if grep -qx 'ignore = server' "$P/ports.ini"; then
		ok "make: the program it builds is ignored"
	else
		fail "make: no 'ignore = server': $(cat "$P/ports.ini")"
	fi
	if command -v make > /dev/null 2>&1 && [ -f "$TOP/libholdports.a" ]; then
		serve make 30 server.c
	else
		skip "make: make or libholdports.a missing (make all first)"
	fi
fi

# Nothing to recognise: exit 1, no file.
project empty
rm "$P/.env"
if "$DRIVE" "$P" 2> "$T/init.log"; then
	fail "empty directory: init succeeded"
elif grep -q 'no project found' "$T/init.log" && [ ! -e "$P/ports.ini" ]; then
	ok "empty directory: exit 1, no project found, no file written"
else
	fail "empty directory: $(cat "$T/init.log")"
fi
finish
