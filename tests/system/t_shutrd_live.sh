# SPDX-License-Identifier: ISC
# A child that shuts the held listener down (shutdown(2) SHUT_RD) and
# keeps running: holdports sees the hang-up on its own copy at once and
# makes the listener listen again while the child runs, so that no other
# process, even with SO_REUSEADDR, can take the port in the meantime; the
# child's copy is the same socket, so the same child serves on it again.
. tests/system/lib.sh

HOSTILE=$TOP/tests/helpers/hostile
[ -x "$HOSTILE" ] || { skip "skipped: $HOSTILE not built (make system)"; finish; }
# A port given by number, as users give it: one the kernel chose for port
# 0 is given back by the shutdown, and a new bind takes another. Below the
# ephemeral range, different from run to run; fallback = next steps over
# a port that another process happens to hold.
base=$(( 30000 + ($$ % 100) * 20 ))
cat > "$T/ports.ini" <<INI
[socket.http]
listen = 127.0.0.1:$base
fallback = next:20
[child]
command = $HOSTILE -m shutrd-serve
INI
hp_start -c "$T/ports.ini"
port=$(wait_port http)
wait_until 10 at_least 1 'started pid' || fail "no child: $(cat "$T/hp.log")"
child=$(latest_pid)
wait_until 5 grep -q "http: a child shut the listener down (shutdown(2)); listening again" "$T/hp.log" &&
	alive "$child" &&
	ok "a listener shut down by a running child listens again at once" ||
	fail "not repaired while the child runs: $(cat "$T/hp.log")"
out=$(take_port "$port")
[ "$out" = EADDRINUSE ] &&
	ok "another process cannot take port $port (EADDRINUSE)" ||
	fail "another process got port $port: '$out'"
reply=$("$LOAD" -p "$port" -n 1 -o "$T/load.log" 2>&1) &&
	grep -q "^PIDCHANGE [0-9]* $child\$" "$T/load.log" &&
	ok "the same child $child serves on it again" ||
	fail "no answer from $child: $reply $(cat "$T/load.log" 2>/dev/null)"
[ "$(count 'restarted pid')" -eq 0 ] && ok "no restart was needed" ||
	fail "the child was restarted: $(cat "$T/hp.log")"
finish
