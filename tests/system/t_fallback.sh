# SPDX-License-Identifier: ISC
# fallback = next: 20 instances started
# at once on one preferred port all run, on 20 distinct ports, each the
# port it says and holdports ls --json lists; after SIGTERM the registry
# is empty. An exhausted range is an error naming the range and its
# holders, and never reports a port it did not bind. A socket that fell
# back keeps its port across a live reload.
. tests/system/lib.sh

HOLD=$T/h/hp-hold
REG=$XDG_RUNTIME_DIR/holdports
N=20

# owns PID PORT: process PID has the socket listening on 127.0.0.1:PORT.
owns() {
	_ino=$(inode_of_port "$2")
	[ -n "$_ino" ] && ls -l "/proc/$1/fd" 2>/dev/null | grep -q "socket:\[$_ino\]"
}

# A preferred port below the kernel's usual ephemeral range (32768 and
# up), different from run to run; the range of 100 leaves room for ports
# that others happen to hold.
base=$(( 20000 + ($$ % 500) * 20 ))

# 1. 20 instances started at the same moment: each waits for $T/go.
cat > "$T/ports.ini" <<INI
[socket.http]
listen = 127.0.0.1:$base
fallback = next
[child]
command = $ECHO
INI
: > "$T/hps"
i=0
while [ "$i" -lt "$N" ]; do
	sh -c 'while [ ! -e "$1" ]; do sleep 0.01; done; exec "$2" -n "inst$3" -c "$4"' \
	    sh "$T/go" "$HP" "$i" "$T/ports.ini" 2> "$T/log.$i" &
	echo "$i $!" >> "$T/hps"
	track "$!"
	i=$((i + 1))
done
: > "$T/go"
all_up() {
	for _f in "$T"/log.*; do
		grep -q 'started pid' "$_f" || return 1
	done
}
wait_until 30 all_up || fail "not all started: $(cat "$T"/log.*)"
# the pairs "PID PORT" each instance printed, sorted
while read -r i pid; do
	p=$(sed -n 's/^holdports: http listening on 127\.0\.0\.1:\([0-9]*\) (fd 3)$/\1/p' "$T/log.$i")
	echo "$pid $p"
done < "$T/hps" | sort > "$T/printed"
running=0
while read -r i pid; do
	alive "$pid" && running=$((running + 1))
done < "$T/hps"
[ "$running" -eq "$N" ] && ok "$N instances on one preferred port: all run" ||
	fail "only $running of $N run: $(cat "$T"/log.*)"
distinct=$(cut -d' ' -f2 "$T/printed" | grep -c .)
unique=$(cut -d' ' -f2 "$T/printed" | sort -u | grep -c .)
inrange=$(awk -v b="$base" '$2 >= b && $2 < b + 100' "$T/printed" | grep -c .)
[ "$distinct" -eq "$N" ] && [ "$unique" -eq "$N" ] && [ "$inrange" -eq "$N" ] &&
	ok "$N distinct ports from $base to $((base + 99))" ||
	fail "ports: $(cat "$T/printed")"
bad=0
while read -r pid p; do
	owns "$pid" "$p" || bad=$((bad + 1))
done < "$T/printed"
[ "$bad" -eq 0 ] && ok "each instance holds the port it printed" ||
	fail "$bad instances do not hold the port they printed"
grep -q "port $base is in use; fallback bound 127.0.0.1:" "$T"/log.* &&
	ok "a fallback says which port it bound" || fail "no fallback line"
wait_until 10 sh -c "[ \$('$HP' ls --json | grep -c .) -eq $N ]"
"$HP" ls --json > "$T/ls.json"
sed -n 's/^{"name":"inst[0-9]*","pid":\([0-9]*\),"socket":"http","address":"127\.0\.0\.1:\([0-9]*\)",.*"child_pid":[0-9]*,"started":"[0-9TZ:-]*".*}$/\1 \2/p' \
    "$T/ls.json" | sort > "$T/listed"
[ "$(grep -c . "$T/ls.json")" -eq "$N" ] && cmp -s "$T/printed" "$T/listed" &&
	ok "ls --json lists exactly those $N, with the right pids" ||
	fail "ls --json: $(cat "$T/ls.json") vs $(cat "$T/printed")"
while read -r i pid; do
	kill -TERM "$pid"
done < "$T/hps"
gone() {
	while read -r _i _pid; do
		alive "$_pid" && return 1
	done < "$T/hps"
	return 0
}
wait_until 30 gone || fail "not all stopped"
[ -z "$(ls -A "$REG")" ] && ok "after SIGTERM to all the registry folder is empty" ||
	fail "left in the registry: $(ls -A "$REG")"

# 2. An exhausted range: three helpers hold three ports in a row.
: > "$T/holders"
try=0
while [ "$try" -lt 20 ]; do
	b=$(( 28000 + ($$ % 300) * 10 + try * 3 ))
	kill $(cut -d' ' -f2 "$T/holders") 2>/dev/null
	: > "$T/holders"
	for p in "$b" $((b + 1)) $((b + 2)); do
		"$HOLD" "$p" > "$T/h.$p" 2>/dev/null &
		echo "$p $!" >> "$T/holders"
		track "$!"
	done
	held() {
		for _p in "$b" $((b + 1)) $((b + 2)); do
			[ -s "$T/h.$_p" ] || return 1
		done
	}
	wait_until 2 held && break
	try=$((try + 1))
done
h0=$(sed -n "s/^$b //p" "$T/holders")
"$HP" -l "127.0.0.1:$b=web" --fallback next:3 -- "$ECHO" > "$T/out5" 2> "$T/err5"
st=$?
[ "$st" -eq 1 ] &&
	grep -q "^holdports: bind 127.0.0.1:$b (web): EADDRINUSE: Address already in use; ports $b-$((b + 2)) (fallback = next:3) are all in use" "$T/err5" &&
	grep -q "^holdports: port $b (web): held by pid $h0 ($HOLD $b)\$" "$T/err5" &&
	grep -q "^holdports: port $((b + 2)) (web): held by pid " "$T/err5" &&
	ok "exhausted: exit 1, names the range $b-$((b + 2)) and each holder" ||
	fail "exhausted: exit $st: $(cat "$T/err5")"
! grep -q 'listening on\|fallback bound' "$T/err5" &&
	ok "exhausted: reports no port it did not bind" ||
	fail "exhausted: reported a port: $(cat "$T/err5")"

# 3. One more port in the range: that one is bound, said, and held.
cat > "$T/next.ini" <<INI
[socket.web]
listen = 127.0.0.1:$b
fallback = next:4
[socket.side]
listen = 127.0.0.1:0
[child]
command = $ECHO
INI
hp_start -c "$T/next.ini"
got=$(wait_port web)
[ "$got" = $((b + 3)) ] && grep -q "web: port $b is in use; fallback bound 127.0.0.1:$((b + 3))\$" "$T/hp.log" &&
	owns "$HP_PID" "$got" &&
	ok "next:4 with 3 held: binds $((b + 3)), says so, and holds it" ||
	fail "next:4: got '$got': $(cat "$T/hp.log")"

# 4. A live reload keeps the port it fell back to: the same descriptor.
ino=$(inode_of_port "$got")
wait_until 10 at_least 1 'started pid' || fail "no child"
wait_until 10 watching "$HP_PID" || fail "no inotify watch"
printf '[socket.extra]\nlisten = 127.0.0.1:0\n' >> "$T/next.ini"
wait_until 10 at_least 1 'extra listening on' || fail "no reload: $(cat "$T/hp.log")"
wait_until 10 sh -c "'$HP' ls | grep -q ' extra '"
[ "$(inode_of_port "$got")" = "$ino" ] && [ -n "$ino" ] &&
	[ "$(count 'web listening on')" -eq 1 ] &&
	"$HP" ls | grep -q " web  *127.0.0.1:$got " &&
	ok "live reload: the fallen-back socket keeps port $got and its inode" ||
	fail "live reload: inode $ino -> $(inode_of_port "$got"): $(cat "$T/hp.log")"
finish
