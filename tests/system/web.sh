# SPDX-License-Identifier: ISC
# web.sh: sourced after lib.sh by the t_web_*.sh tests of the browser
# side: runs tests/helpers/web-drive (web.c on sockets of its own).
#
#   web_start [ARG...]  start web-drive -e -f $T/cmd ARG... in the
#                       background; sets DRIVE (pid), PAGE and EVENTS
#                       (ports)
#   web_do CMD...       write the commands to $T/cmd, signal SIGUSR2 and
#                       wait until the driver did the last one
#   web_toggle          SIGUSR1 (stop or start the page) and wait
#   http ARG...         curl, bounded in time, quiet
#   gcc_tail FILE       writes a real gcc error in colour to FILE (a
#                       canned one where gcc is missing)

DRIVE_BIN=$TOP/tests/helpers/web-drive
CLIENT=$TOP/tests/helpers/web-client

web_start() {
	"$DRIVE_BIN" -e -f "$T/cmd" "$@" > "$T/drive.out" 2> "$T/drive.err" &
	DRIVE=$!
	track "$DRIVE"
	wait_until 10 grep -q '^pid ' "$T/drive.out" || {
		fail "web-drive did not start: $(cat "$T/drive.err")"
		finish
	}
	PAGE=$(sed -n 's/^page \([0-9][0-9]*\)$/\1/p' "$T/drive.out")
	EVENTS=$(sed -n 's/^events \([0-9][0-9]*\)$/\1/p' "$T/drive.out")
}

web_do() {
	: > "$T/cmd"
	for c in "$@"; do
		printf '%s\n' "$c" >> "$T/cmd"
		_last=$c
	done
	_n=$(grep -c "^did $_last\$" "$T/drive.out")
	kill -USR2 "$DRIVE"
	wait_until 10 sh -c "[ \$(grep -c '^did $_last\$' '$T/drive.out') -gt $_n ]"
}

web_toggle() {
	_n=$(grep -c '^page st' "$T/drive.out")
	kill -USR1 "$DRIVE"
	wait_until 10 sh -c "[ \$(grep -c '^page st' '$T/drive.out') -gt $_n ]"
}

http() { curl -s -m 10 "$@"; }

gcc_tail() {
	printf 'int main(void)\n{\n\tint x = "s";\n\treturn y;\n}\n' > "$T/bad.c"
	if command -v gcc >/dev/null 2>&1; then
		(cd "$T" && gcc -fdiagnostics-color=always -c bad.c -o bad.o) \
		    > "$1" 2>&1
	else
		printf '\033[01m\033[Kbad.c:4:16:\033[m\033[K \033[01;31m\033[Kerror: \033[m\033[K\342\200\230\033[01m\033[Ky\033[m\033[K\342\200\231 undeclared (first use in this function)\n' > "$1"
	fi
}

command -v curl >/dev/null 2>&1 || {
	skip "curl not installed (contrib/install-deps.sh installs it)"
	finish
}
