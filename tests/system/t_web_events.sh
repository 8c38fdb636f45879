# SPDX-License-Identifier: ISC
# The events server (web.c through tests/helpers/web-drive): a
# Server-Sent Events stream with CORS gets building, failed (the tail as
# text and HTML) and reload in order; a page opened while the build is
# broken gets the failure at once; holdports.js, preflights and 404.
. tests/system/lib.sh
. tests/system/web.sh

gcc_tail "$T/tail"
web_start -t "$T/tail"
E=http://127.0.0.1:$EVENTS

curl -s -N -m 60 -D "$T/sse.h" "$E/events" > "$T/sse" &
sse=$!
track "$sse"
wait_until 10 grep -q '^retry: 500$' "$T/sse" &&
	grep -q '^HTTP/1.1 200 OK' "$T/sse.h" &&
	grep -qi '^Content-Type: text/event-stream' "$T/sse.h" &&
	grep -qi '^Cache-Control: no-store' "$T/sse.h" &&
	grep -qi '^Access-Control-Allow-Origin: \*' "$T/sse.h" &&
	ok "/events is an event stream with CORS and retry: 500" ||
	fail "stream: $(cat "$T/sse.h" "$T/sse")"

web_do building failed
wait_until 10 grep -q '^event: failed$' "$T/sse" || fail "no failed event"
# A page opened now gets the failure at once.
curl -s -N -m 3 "$E/events" > "$T/late"
grep -q '^event: failed$' "$T/late" && ! grep -q '^event: building$' "$T/late" &&
	ok "a page opened later gets the last failure at once" ||
	fail "late stream: $(head -c 300 "$T/late")"
web_do reload
wait_until 10 grep -q '^event: reload$' "$T/sse" || fail "no reload event"
[ "$(grep '^event: ' "$T/sse" | tr '\n' ' ')" = "event: building event: failed event: reload " ] &&
	ok "events arrive in order" ||
	fail "order: $(grep '^event: ' "$T/sse")"
data=$(sed -n '/^event: failed$/{n;p;}' "$T/sse")
case $data in
'data: {"instance":"demo",'*'"text":"'*'error: '*'"html":"'*'\u003cspan class=\"f1 B\">error: \u003c/span>'*'"}')
	ok "failed carries the tail as text and as escaped HTML" ;;
*) fail "failed data: $data" ;;
esac
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

kill "$sse" 2>/dev/null
finish
