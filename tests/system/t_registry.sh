# SPDX-License-Identifier: ISC
# The registry: entries of killed
# instances and of reused pids are dropped by the next reader; a registry
# folder that another user owns or that is a symbolic link is refused,
# and the instance runs unregistered; holdports ls, reload and stop find
# instances by name and pid, and say so when a name is unknown or
# ambiguous.
. tests/system/lib.sh

REG=$XDG_RUNTIME_DIR/holdports

# start_inst LOG ARG...: a holdports in the background, its pid in $INST.
start_inst() {
	_log=$1
	shift
	"$HP" "$@" 2> "$_log" &
	INST=$!
	track "$INST"
}

# listed NAME: holdports ls has a row for instance NAME.
listed() { "$HP" ls | grep -q "^$1 "; }

# start_of PID: field 22 of /proc/PID/stat (proc(5)), the start time.
start_of() { sed 's/^.*) //' "/proc/$1/stat" | cut -d' ' -f20; }

# entry PID START NAME: writes a registry file for PID.
entry() {
	printf 'holdports-registry 1\nname=%s\npid=%s\nstart=%s\nconfig=\nchild=0\nstarted=2026-01-02T03:04:05Z\nsocket=http\t127.0.0.1:1\n' \
	    "$3" "$1" "$2" > "$REG/$1"
}

# 1. SIGKILL leaves the file; the next ls drops it.
hp_start -n killed -l 127.0.0.1:0 -- "$ECHO"
wait_port sock0 > /dev/null
wait_until 10 listed killed || fail "not listed: $(cat "$T/hp.log")"
pid=$HP_PID
kill -KILL "$pid"
wait "$pid" 2>/dev/null
HP_PID=
[ -f "$REG/$pid" ] || fail "SIGKILL removed the file?"
"$HP" ls > "$T/ls1"
st=$?
[ "$st" -eq 0 ] && ! grep -q killed "$T/ls1" && [ ! -e "$REG/$pid" ] &&
	ok "a SIGKILLed instance's file is dropped by the next ls" ||
	fail "killed instance: exit $st: $(cat "$T/ls1"); $(ls "$REG")"

# 2. A live pid whose start time differs (the pid was reused): dropped;
# with its true start time the same entry is kept.
sleep 300 &
spid=$!
track "$spid"
wait_until 10 test -r "/proc/$spid/stat"
real=$(start_of "$spid")
entry "$spid" $((real + 1)) impostor
"$HP" ls --json > "$T/ls2"
! grep -q impostor "$T/ls2" && [ ! -e "$REG/$spid" ] &&
	ok "a live pid with another start time is dropped" ||
	fail "reused pid kept: $(cat "$T/ls2"); $(ls "$REG")"
entry "$spid" "$real" genuine
"$HP" ls --json > "$T/ls3"
grep -q "^{\"name\":\"genuine\",\"pid\":$spid," "$T/ls3" && [ -e "$REG/$spid" ] &&
	ok "the same entry with its true start time is kept" ||
	fail "true start time dropped: $(cat "$T/ls3")"
kill "$spid"
wait "$spid" 2>/dev/null
"$HP" ls > /dev/null
[ ! -e "$REG/$spid" ] || fail "entry of a gone pid kept"

# 3. reload and stop by name and by pid; unknown and ambiguous names.
mkdir "$T/web"
dir=$(cd "$T/web" && pwd -P)
printf '[holdports]\nname = web\n[socket.http]\nlisten = 127.0.0.1:0\n[child]\ncommand = %s\n' \
    "$ECHO" > "$dir/ports.ini"
start_inst "$T/web.log" -c "$dir/ports.ini"
web=$INST
start_inst "$T/twin1.log" -n twin -l 127.0.0.1:0 -- "$ECHO"
twin1=$INST
start_inst "$T/twin2.log" -n twin -l 127.0.0.1:0 -- "$ECHO"
twin2=$INST
wait_until 10 sh -c "[ \$('$HP' ls | grep -cE '^(web|twin) ') -eq 3 ]" ||
	fail "not all listed: $("$HP" ls)"
"$HP" ls > "$T/table"
head -n 1 "$T/table" | grep -q '^NAME  *PID  *SOCKET  *ADDRESS  *CHILD  *UPTIME  *CONFIG$' &&
	grep -q "^web  *$web  *http  *127\.0\.0\.1:[0-9]*  *[0-9]*  *[0-9]*s  *$dir/ports.ini\$" "$T/table" &&
	grep -q "^twin  *$twin1  *sock0  *127\.0\.0\.1:[0-9]*  *[0-9-]*  *[0-9]*s  *-\$" "$T/table" &&
	ok "ls: a table row a socket, with its config" || fail "ls: $(cat "$T/table")"
"$HP" reload web 2> "$T/err3"
st=$?
[ "$st" -eq 0 ] && grep -q "reload: sent SIGHUP to web (pid $web)" "$T/err3" &&
	wait_until 10 grep -q 'restarted pid' "$T/web.log" &&
	ok "reload web: SIGHUP, the child restarted" || fail "reload web: exit $st: $(cat "$T/err3" "$T/web.log")"
"$HP" reload nope 2> "$T/err4"
st=$?
[ "$st" -eq 1 ] && grep -q "^holdports: reload: no holdports instance is named 'nope'; running now:" "$T/err4" &&
	grep -q "^holdports:   web  pid $web  $dir/ports.ini\$" "$T/err4" &&
	ok "reload nope: exit 1, lists what runs" || fail "unknown: exit $st: $(cat "$T/err4")"
"$HP" stop twin 2> "$T/err5"
st=$?
[ "$st" -eq 2 ] && grep -q "^holdports: stop: 2 instances are named 'twin'; give the pid of one:" "$T/err5" &&
	grep -q "^holdports:   twin  pid $twin1  (no config file)\$" "$T/err5" &&
	grep -q "^holdports:   twin  pid $twin2  (no config file)\$" "$T/err5" &&
	alive "$twin1" && alive "$twin2" &&
	ok "stop twin: ambiguous, exit 2, both pids listed, none stopped" ||
	fail "ambiguous: exit $st: $(cat "$T/err5")"
"$HP" stop "$twin1" 2> "$T/err6"
st=$?
wait "$twin1"
st1=$?
[ "$st" -eq 0 ] && [ "$st1" -eq 0 ] && [ ! -e "$REG/$twin1" ] && alive "$twin2" &&
	ok "stop PID: that one exits 0 and leaves the registry" ||
	fail "stop pid: exit $st/$st1: $(cat "$T/err6")"
"$HP" stop 999999999 2> "$T/err7"
st=$?
[ "$st" -eq 1 ] && grep -q "no holdports instance has pid '999999999'" "$T/err7" &&
	ok "stop of an unknown pid: exit 1" || fail "unknown pid: exit $st: $(cat "$T/err7")"
"$HP" stop web 2> /dev/null && wait "$web" && [ ! -e "$REG/$web" ] &&
	"$HP" stop twin 2> /dev/null && wait "$twin2" && [ -z "$(ls -A "$REG")" ] &&
	ok "stop web, stop twin: both gone, the registry empty" ||
	fail "stop by name: $(ls -A "$REG")"
"$HP" ls --verbose > /dev/null 2> "$T/err8"
st=$?
[ "$st" -eq 2 ] && grep -q '^usage: holdports' "$T/err8" &&
	ok "ls with a bad option: exit 2 with usage" || fail "ls usage: $st"

# 4. JSON strings are escaped: a config path with a quote and a backslash.
mkdir "$T/we\"i\\rd"
wdir=$(cd "$T/we\"i\\rd" && pwd -P)
printf '[holdports]\nname = odd\n[socket.http]\nlisten = 127.0.0.1:0\n[child]\ncommand = %s\n' \
    "$ECHO" > "$wdir/ports.ini"
start_inst "$T/odd.log" -c "$wdir/ports.ini"
odd=$INST
wait_until 10 listed odd || fail "odd not listed"
"$HP" ls --json > "$T/odd.json"
grep -qF '"config":"'"$(printf '%s' "$wdir" | sed 's/\\/\\\\/g; s/"/\\"/g')"'/ports.ini","child_pid":' "$T/odd.json" &&
	grep -qF '"child_pid":' "$T/odd.json" &&
	ok "ls --json escapes '\"' and '\\' in strings" || fail "json: $(cat "$T/odd.json")"
kill -TERM "$odd"
wait "$odd"

# 5. A registry folder owned by another user, then one that is a symbolic
# link: refused by ls (exit 1, why and what to do); an instance still
# runs and holds its port, unregistered.
rm -rf "$REG"
if [ "$(id -u)" -eq 0 ]; then
	mkdir -m 700 "$REG" && chown 65534 "$REG"
	"$HP" ls > /dev/null 2> "$T/err9"
	st=$?
	[ "$st" -eq 1 ] && grep -q "^holdports: registry $REG: belongs to .*uid 65534.*, not to .*; another user could forge or hide entries there, so holdports refuses it: remove it, or set XDG_RUNTIME_DIR" "$T/err9" &&
		ok "registry folder of another user: ls exits 1, says why" ||
		fail "other owner: exit $st: $(cat "$T/err9")"
	hp_start -n unreg -l 127.0.0.1:0 -- "$ECHO"
	port=$(wait_port sock0)
	wait_until 10 grep -q 'started pid' "$T/hp.log"
	grep -q "^holdports: registry $REG: belongs to .*this instance is not registered" "$T/hp.log" &&
		listening "$port" && [ -z "$(ls -A "$REG")" ] &&
		ok "registry folder of another user: the instance runs unregistered" ||
		fail "other owner, run: $(cat "$T/hp.log")"
	kill -TERM "$HP_PID"
	wait "$HP_PID"
	HP_PID=
	rm -rf "$REG"
else
	skip "registry folder of another user: only root can make one"
fi
mkdir -m 700 "$T/elsewhere"
ln -s "$T/elsewhere" "$REG"
"$HP" ls > /dev/null 2> "$T/err10"
st=$?
[ "$st" -eq 1 ] && grep -q "^holdports: registry $REG: is a symbolic link; holdports refuses it" "$T/err10" &&
	ok "registry folder that is a symbolic link: ls exits 1, says why" ||
	fail "symlink: exit $st: $(cat "$T/err10")"
hp_start -n unreg -l 127.0.0.1:0 -- "$ECHO"
port=$(wait_port sock0)
wait_until 10 grep -q 'started pid' "$T/hp.log"
grep -q "^holdports: registry $REG: is a symbolic link; .*this instance is not registered" "$T/hp.log" &&
	listening "$port" && [ -z "$(ls -A "$T/elsewhere")" ] && [ -L "$REG" ] &&
	ok "symbolic link: the instance runs unregistered, nothing written through it" ||
	fail "symlink, run: $(cat "$T/hp.log")"
finish
