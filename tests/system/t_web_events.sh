# SPDX-License-Identifier: ISC
# The events server of the real holdports: a Server-Sent Events stream
# with CORS gets building, failed (the compiler's error as text and as
# HTML) and reload in order as a project is broken and fixed, while the
# old child keeps serving; a page opened while the build is broken gets
# the failure at once, none after the fix; holdports.js, preflights, 404;
# a new events address in ports.ini moves the server.
. tests/system/lib.sh
. tests/system/web.sh

good_c
web_start "$ECHO" "$BUILD"
E=http://127.0.0.1:$EVENTS
wait_until 10 at_least 1 'started pid' || fail "no child: $(cat "$T/hp.log")"
wait_until 10 watching "$HP_PID" || fail "no inotify watch"
old=$(latest_pid)

curl -s -N -m 60 -D "$T/sse.h" "$E/events" > "$T/sse" &
sse=$!
track "$sse"
wait_until 10 grep -q '^retry: 500$' "$T/sse" &&
	grep -q '^HTTP/1.1 200 OK' "$T/sse.h" &&
	grep -qi '^Content-Type: text/event-stream' "$T/sse.h" &&
	grep -qi '^Cache-Control: no-store' "$T/sse.h" &&
	grep -qi '^Access-Control-Allow-Origin: \*' "$T/sse.h" &&
	! grep -q '^event:' "$T/sse" &&
	ok "/events is an event stream with CORS and retry: 500, nothing to replay" ||
	fail "stream: $(cat "$T/sse.h" "$T/sse")"

bad_c
wait_until 10 grep -q '^event: failed$' "$T/sse" || fail "no failed event: $(cat "$T/hp.log")"
data=$(sed -n '/^event: failed$/{n;p;}' "$T/sse")
case $data in
'data: {"instance":"web-test","child":"","headline":"build failed with status 1 after '*'"text":"'*'error: '*'y'*' undeclared'*'"html":"'*'\u003cspan class=\"f1 B\">error: \u003c/span>'*'"}')
	ok "failed carries the compiler's error as text and as escaped HTML" ;;
*) fail "failed data: $data" ;;
esac
sed -n '/^event: building$/{n;p;}' "$T/sse" | grep -q '^data: {.*"headline":"building (.*src/main.c changed)"}$' &&
	ok "building says why" || fail "building: $(cat "$T/sse")"
"$LOAD" -p "$PORT" -n 5 -o "$T/l.log" > /dev/null && grep -q " $old\$" "$T/l.log" &&
	ok "the old child keeps serving meanwhile" || fail "old child: $(cat "$T/l.log")"
# A page opened now gets the failure at once.
curl -s -N -m 2 "$E/events" > "$T/late"
grep -q '^event: failed$' "$T/late" && ! grep -q '^event: building$' "$T/late" &&
	ok "a page opened while it is broken gets the failure at once" ||
	fail "late stream: $(head -c 300 "$T/late")"

good_c
wait_until 10 grep -q '^event: reload$' "$T/sse" || fail "no reload event: $(cat "$T/hp.log")"
[ "$(grep '^event: ' "$T/sse" | tr '\n' ' ')" = "event: building event: failed event: building event: reload " ] &&
	ok "building, failed, building, reload, in order" ||
	fail "order: $(grep '^event: ' "$T/sse")"
curl -s -N -m 2 "$E/events" > "$T/after"
! grep -q '^event:' "$T/after" && ok "after a reload nothing is replayed" ||
	fail "replayed after reload: $(cat "$T/after")"

http -D "$T/js.h" -o "$T/js" "$E/holdports.js"
grep -qi '^Content-Type: text/javascript' "$T/js.h" &&
	grep -qi '^Access-Control-Allow-Origin: \*' "$T/js.h" &&
	grep -q "new EventSource(origin+'/events')" "$T/js" &&
	ok "/holdports.js is served with CORS" || fail "js: $(cat "$T/js.h")"
http -D "$T/o.h" -o /dev/null -X OPTIONS -H 'Origin: http://localhost:3000' \
    -H 'Access-Control-Request-Method: GET' "$E/events"
grep -q '^HTTP/1.1 204' "$T/o.h" &&
	grep -qi '^Access-Control-Allow-Origin: \*' "$T/o.h" &&
	grep -qi '^Access-Control-Allow-Methods: GET, HEAD, OPTIONS' "$T/o.h" &&
	ok "a CORS preflight gets 204" || fail "preflight: $(cat "$T/o.h")"
code=$(http -o /dev/null -w '%{http_code}' "$E/")
[ "$code" = 404 ] && ok "other paths get 404" || fail "/: $code"

# The child's environment names the events server.
pid=$(latest_pid)
tr '\0' '\n' < "/proc/$pid/environ" | grep -qx "HOLDPORTS_EVENTS=http://127.0.0.1:$EVENTS" &&
	ok "the child gets HOLDPORTS_EVENTS=http://127.0.0.1:$EVENTS" ||
	fail "environment: $(tr '\0' '\n' < "/proc/$pid/environ" | grep HOLDPORTS)"

# A new events address in ports.ini: the server moves, the old port
# closes, and the next child gets the new address.
sed 's/^events = .*/events = [::1]:0/' "$T/ports.ini" > "$T/new.ini"
if [ -e /proc/net/if_inet6 ]; then
	cp "$T/new.ini" "$T/ports.ini"
	wait_until 10 grep -q '^holdports: events on \[::1\]:' "$T/hp.log" ||
		fail "no move: $(cat "$T/hp.log")"
	new=$(sed -n 's/^holdports: events on \[::1\]:\([0-9]*\) .*/\1/p' "$T/hp.log")
	wait_until 10 sh -c "! curl -s -m 1 -o /dev/null 'http://127.0.0.1:$EVENTS/holdports.js'" &&
		[ "$(http -o /dev/null -w '%{http_code}' "http://[::1]:$new/holdports.js")" = 200 ] &&
		ok "a new events address in ports.ini moves the server" ||
		fail "after the move: $(tail -n 5 "$T/hp.log")"
	kill -HUP "$HP_PID"
	wait_until 10 at_least 1 'SIGHUP, build ok' || fail "no reload"
	wait_until 10 sh -c "[ \"\$(sed -n 's/.*restarted pid \([0-9]*\).*/\1/p' '$T/hp.log' | tail -n 1)\" != '$pid' ]"
	pid=$(latest_pid)
	tr '\0' '\n' < "/proc/$pid/environ" | grep -qx "HOLDPORTS_EVENTS=http://\[::1\]:$new" &&
		ok "and the next child gets its address" ||
		fail "environment after the move: $(tr '\0' '\n' < "/proc/$pid/environ" | grep HOLDPORTS)"
else
	skip "no IPv6 loopback"
fi
kill "$sse" 2>/dev/null
finish
