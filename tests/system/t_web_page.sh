# SPDX-License-Identifier: ISC
# The error page on a held socket (web.c through tests/helpers/web-drive):
# 503 with its headers, HTML with the output's colours for a browser,
# text for curl, HEAD, a head too large; stopping leaves connections in
# the backlog (for the child) and leaves O_NONBLOCK as it was.
. tests/system/lib.sh
. tests/system/web.sh

gcc_tail "$T/tail"
web_start -i 'my<app>' -c api -t "$T/tail" \
    -H 'build failed with status 1 after 0.2 s'
U=http://127.0.0.1:$PAGE/some/path

http -D "$T/hdr" -o "$T/body" "$U"
grep -q '^HTTP/1.1 503 Service Unavailable' "$T/hdr" &&
	grep -qi '^Retry-After: 1' "$T/hdr" &&
	grep -qi '^Cache-Control: no-store' "$T/hdr" &&
	grep -qi '^Connection: close' "$T/hdr" &&
	ok "503 with Retry-After, no-store, close" ||
	fail "headers: $(cat "$T/hdr")"
grep -qi '^Content-Type: text/plain' "$T/hdr" &&
	head -n 1 "$T/body" | grep -qx 'holdports: my<app> (api): build failed with status 1 after 0.2 s' &&
	grep -q "error: .y. undeclared" "$T/body" &&
	! grep -q "$(printf '\033')" "$T/body" &&
	ok "curl gets plain text without escapes" ||
	fail "plain text: $(cat "$T/hdr" "$T/body")"

http -D "$T/hdr" -o "$T/body" -H 'Accept: text/html,*/*;q=0.8' "$U"
grep -qi '^Content-Type: text/html; charset=utf-8' "$T/hdr" &&
	grep -q '<title>my&lt;app&gt;: build failed' "$T/body" &&
	grep -q '<span class="f1 B">error: </span>' "$T/body" &&
	grep -q 'prefers-color-scheme:dark' "$T/body" &&
	! grep -q 'src=' "$T/body" && ! grep -q "$(printf '\033')" "$T/body" &&
	ok "a browser gets escaped, self-contained HTML with colours" ||
	fail "html: $(head -c 2000 "$T/body")"

# raw REQUEST: what the page answers to REQUEST, byte for byte.
raw() { printf "$1" | curl -s -m 5 telnet://127.0.0.1:"$PAGE" 2>/dev/null; }
raw 'HEAD / HTTP/1.1\r\nHost: x\r\n\r\n' > "$T/raw"
head -n 1 "$T/raw" | grep -q '^HTTP/1.1 503' &&
	[ "$(tail -c 4 "$T/raw" | od -An -c | tr -d ' ')" = '\r\n\r\n' ] &&
	ok "HEAD gets the head only" || fail "HEAD: $(cat "$T/raw")"

big=$(head -c 9000 /dev/zero | tr '\0' a)
code=$(http -o /dev/null -w '%{http_code}' -H "X-Big: $big" "$U")
[ "$code" = 431 ] && ok "a 9000-byte head gets 431" ||
	fail "oversized head: $code"

code=$(raw 'GET / HTTP/9.9\r\n\r\n' | head -n 1)
case $code in
"HTTP/1.1 400 Bad Request"*) ok "a malformed request gets 400" ;;
*) fail "malformed request: $code" ;;
esac

# A child starts: no more accept(2); a request waits in the backlog and
# gets the answer of whoever accepts next (the page again, here).
web_toggle
grep -q '^page stopped in [0-9]* us nonblock=0$' "$T/drive.out" &&
	ok "stopping restores the listener's blocking mode" ||
	fail "stop: $(cat "$T/drive.out")"
http -o "$T/late" -w '%{http_code}\n' "$U" > "$T/late.code" &
late=$!
track "$late"
hex=$(printf '%04X' "$PAGE")
queued() {
	awk -v a="0100007F:$hex" '$2 == a && $4 == "0A" { split($5, x, ":"); q = x[2] } END { exit !(q != "00000000") }' /proc/net/tcp
}
wait_until 10 queued && ok "a request after the stop waits in the backlog" ||
	fail "backlog empty after the stop"
web_toggle
wait "$late"
[ "$(cat "$T/late.code")" = 503 ] &&
	ok "and is answered by the next one to accept" ||
	fail "late request: $(cat "$T/late.code")"

# The page follows a new view.
web_do "headline crashed with SIGSEGV, 5 times; waiting for a change" update
http "$U" | head -n 1 | grep -q 'crashed with SIGSEGV, 5 times' &&
	ok "web_page_update changes the page" || fail "update"

kill -TERM "$DRIVE"
wait_until 10 grep -q '^bye' "$T/drive.out" && ok "closes cleanly" ||
	fail "no clean exit"
finish
