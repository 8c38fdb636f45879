# SPDX-License-Identifier: ISC
# The error page of a child that cannot serve, on the real holdports: one
# that crashes at start 5 times gets a 503 with its stderr's last lines
# (and the event stream a "failed"), one that exits under restart = no
# too; a change starts a child again, and the page stops at once.
. tests/system/lib.sh
. tests/system/web.sh

# The child: says why on stderr, then dies of SIGSEGV, until $T/fixed
# exists; then it is hp-echo.
cat > "$T/crash.sh" <<EOF
[ -f "$T/fixed" ] && exec "$ECHO"
echo "Traceback: cannot load <config> (try \$\$)" >&2
kill -SEGV \$\$
EOF
web_start "sh $T/crash.sh" ""
"$CLIENT" -p "$EVENTS" follow -a "$PORT" -n 1 -t 60 > "$T/follow" &
follow=$!
track "$follow"
U=http://127.0.0.1:$PORT/

wait_until 20 at_least 1 'crashed 5 times' || fail "no crash loop: $(cat "$T/hp.log")"
http -D "$T/hdr" -o "$T/body" "$U"
head -n 1 "$T/hdr" | grep -q '^HTTP/1.1 503' &&
	head -n 1 "$T/body" | grep -qx 'holdports: web-test: crashed with SIGSEGV, 5 times within 30 s; waiting for a change' &&
	grep -q '^Traceback: cannot load <config> (try [0-9]*)' "$T/body" &&
	ok "a child that crashes 5 times at start: 503 with its stderr" ||
	fail "crash page: $(cat "$T/hdr" "$T/body")"
# Only the last crash's output: each start begins it afresh.
[ "$(grep -c '^Traceback' "$T/body")" = 1 ] &&
	ok "the output shown is the last start's" ||
	fail "tail of several starts: $(cat "$T/body")"
http -o "$T/html" -H 'Accept: text/html' "$U"
grep -q 'Traceback: cannot load &lt;config&gt;' "$T/html" &&
	ok "and a browser gets it escaped" || fail "html: $(head -c 2000 "$T/html")"
grep -q '^event failed$' "$T/follow" &&
	ok "the events said failed" || fail "events: $(cat "$T/follow")"

# A change: a child starts and serves; holdports answers no more.
touch "$T/fixed"
kill -HUP "$HP_PID"
wait_until 10 grep -q '^reload 1 ' "$T/follow" || fail "no reload: $(cat "$T/follow")"
pid=$(latest_pid)
[ "$(sed -n 's/^reload 1 //p' "$T/follow")" = "$pid" ] &&
	ok "a change: the child serves, and the page said reload" ||
	fail "after the change: $(cat "$T/follow"), child $pid"
"$LOAD" -p "$PORT" -n 20 -o "$T/load.log" > "$T/load.out"
grep -q 'ok=20 .* pids=1 ' "$T/load.out" && grep -q " $pid\$" "$T/load.log" &&
	ok "and every request is the child's" || fail "$(cat "$T/load.out")"

# restart = no: a child that exits is not started again: the page.
kill -TERM "$HP_PID"
wait "$HP_PID"
HP_PID=
web_start "sh -c 'echo done here; exit 0'" "" "restart = no"
U=http://127.0.0.1:$PORT/
wait_until 10 at_least 1 'not restarting' || fail "no exit: $(cat "$T/hp.log")"
http -o "$T/body" "$U"
head -n 1 "$T/body" | grep -qx 'holdports: web-test: exited with status 0; not restarted (restart = no); waiting for a change' &&
	grep -q '^done here$' "$T/body" &&
	ok "restart = no: the page says it exited, with its output" ||
	fail "restart = no: $(cat "$T/body")"
finish
