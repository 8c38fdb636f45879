# SPDX-License-Identifier: ISC
# web.sh: sourced after lib.sh by the t_web_*.sh tests of the browser
# side, which run the real holdports with protocol = http and events.
#
#   web_start CHILD BUILD [LINE]...
#                       writes $T/ports.ini and starts holdports on it:
#                       name web-test, events on 127.0.0.1:0, one socket
#                       http (127.0.0.1:0, protocol = http), the child
#                       command CHILD in $T, build BUILD ("" for none),
#                       watching $T/src; each LINE goes into [holdports].
#                       Sets PORT and EVENTS (the ports bound).
#   good_c, bad_c, worse_c
#                       write $T/src/main.c: one that compiles, one that
#                       does not (an undeclared y in "return y<2;"), one
#                       that fails with another message
#   BUILD               the build command for src/main.c: gcc in colour,
#                       or where gcc is missing a stand-in that prints a
#                       canned gcc error in colour
#   http ARG...         curl, bounded in time, quiet
#   ev_port             the events port holdports printed
#   CLIENT              tests/helpers/web-client

CLIENT=$T/h/web-client
mkdir -p "$T/src"
cat > "$T/build.sh" <<'EOF'
# Compiles src/main.c as a project's build would, in colour.
if command -v gcc > /dev/null 2>&1; then
	exec gcc -fdiagnostics-color=always -Wall -c src/main.c -o main.o
fi
if grep -q 'return y' src/main.c; then
	printf '\033[01m\033[Ksrc/main.c:4:16:\033[m\033[K \033[01;31m\033[Kerror: \033[m\033[K\342\200\230\033[01m\033[Ky\033[m\033[K\342\200\231 undeclared (first use in this function)\n    4 |         return y<2;\n' >&2
	exit 1
fi
if grep -q 'return z' src/main.c; then
	printf 'src/main.c:4:16: error: \342\200\230z\342\200\231 undeclared\n' >&2
	exit 1
fi
exit 0
EOF
BUILD="sh $T/build.sh"

good_c() { printf 'int\nmain(void)\n{\n\treturn 0;\n}\n' > "$T/src/main.c"; }
bad_c() { printf 'int\nmain(void)\n{\n\treturn y<2;\n}\n' > "$T/src/main.c"; }
worse_c() { printf 'int\nmain(void)\n{\n\treturn z;\n}\n' > "$T/src/main.c"; }

http() { curl -s -m 10 "$@"; }

ev_port() {
	sed -n 's/^holdports: events on 127.0.0.1:\([0-9]*\) .*/\1/p' \
	    "$T/hp.log" | tail -n 1
}

web_start() {
	_child=$1 _build=$2
	shift 2
	{
		echo "[holdports]"
		echo "name = web-test"
		echo "events = 127.0.0.1:0"
		echo "stop_timeout = 2s"
		for _l in "$@"; do echo "$_l"; done
		echo "[socket.http]"
		echo "listen = 127.0.0.1:0"
		echo "protocol = http"
		echo "[child]"
		echo "directory = $T"
		echo "command = $_child"
		[ -n "$_build" ] && echo "build = $_build"
		echo "watch = $T/src"
	} > "$T/ports.ini"
	hp_start -c "$T/ports.ini" > "$T/hp.out"
	PORT=$(wait_port http) || { fail "not started: $(cat "$T/hp.log")"; finish; }
	wait_until 10 sh -c "[ -n \"\$(sed -n 's/^holdports: events on 127.0.0.1:\([0-9]*\) .*/\1/p' '$T/hp.log')\" ]" ||
		{ fail "no events line: $(cat "$T/hp.log")"; finish; }
	EVENTS=$(ev_port)
}

command -v curl >/dev/null 2>&1 || {
	skip "curl not installed (contrib/install-deps.sh installs it)"
	finish
}
