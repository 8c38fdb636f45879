# SPDX-License-Identifier: ISC
# The error page of protocol = http on the real holdports: a build that
# fails from the start gets curl a 503 with the compiler's error within
# 1 s, a browser escaped HTML with its colours; HEAD, a head too large
# and a malformed request; a second failure updates the page; once the
# build is fixed the child answers, every request is its, and it finds
# its listening socket blocking as every child does.
. tests/system/lib.sh
. tests/system/web.sh

bad_c
# The child takes 300 ms before it accepts: requests wait for it.
web_start "$ECHO -d 300" "$BUILD"
U=http://127.0.0.1:$PORT/some/path

# Asked at once: the request waits in the backlog until the build
# failed, then the page answers it.
t0=$(date +%s%N)
http -D "$T/hdr" -o "$T/body" "$U"
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
grep -q '^HTTP/1.1 503 Service Unavailable' "$T/hdr" &&
	grep -q "error: .y. undeclared" "$T/body" && [ "$ms" -lt 1000 ] &&
	ok "a build that fails from the start: curl gets 503 with the compiler's error in $ms ms" ||
	fail "first request ($ms ms): $(cat "$T/hdr" "$T/body") $(cat "$T/hp.log")"
grep -qi '^Retry-After: 1' "$T/hdr" &&
	grep -qi '^Cache-Control: no-store' "$T/hdr" &&
	grep -qi '^Connection: close' "$T/hdr" &&
	grep -qi '^Content-Type: text/plain' "$T/hdr" &&
	ok "503 with Retry-After, no-store, close, plain text" ||
	fail "headers: $(cat "$T/hdr")"
head -n 1 "$T/body" | grep -qx 'holdports: web-test: build failed with status 1 after [0-9.]* m\{0,1\}s' &&
	! grep -q "$(printf '\033')" "$T/body" &&
	ok "curl gets what happened and the output, without escapes" ||
	fail "plain text: $(cat "$T/body")"

http -D "$T/hdr" -o "$T/body" -H 'Accept: text/html,*/*;q=0.8' "$U"
grep -qi '^Content-Type: text/html; charset=utf-8' "$T/hdr" &&
	grep -q '<title>web-test: build failed' "$T/body" &&
	grep -q '&lt;2;$' "$T/body" && ! grep -q '<2;' "$T/body" &&
	grep -q '<span class="f1 B">error: </span>' "$T/body" &&
	! grep -q "$(printf '\033')" "$T/body" &&
	ok "a browser gets the output escaped, with its colours" ||
	fail "html: $(head -c 3000 "$T/body")"

# raw REQUEST: what the page answers to REQUEST, byte for byte.
raw() { printf "$1" | curl -s -m 5 telnet://127.0.0.1:"$PORT" 2>/dev/null; }
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

# Another failure: the page says the new one.
wait_until 10 watching "$HP_PID" || fail "no inotify watch"
worse_c
wait_until 10 at_least 2 'build failed' || fail "no second build"
wait_until 10 sh -c "curl -s -m 0.5 '$U' | grep -q 'z. undeclared'" &&
	ok "a second failure replaces the page's output" ||
	fail "page after the second failure: $(http "$U")"

# ports.ini changes under the page: it answers on, as the new one says.
sed -i 's/^name = web-test$/name = web-renamed/' "$T/ports.ini"
wait_until 10 sh -c "curl -s -m 0.5 '$U' | head -n 1 | grep -q '^holdports: web-renamed: '" &&
	ok "after a change of ports.ini the page answers on, renamed" ||
	fail "page after a change of ports.ini: $(http "$U" | head -n 1)"
sed -i 's/^protocol = http$/protocol = none/' "$T/ports.ini"
wait_until 10 sh -c "! curl -s -m 1 -o /dev/null '$U'" &&
	ok "protocol = none: holdports answers no more, requests wait" ||
	fail "still answered after protocol = none: $(http -m 1 "$U" | head -n 1)"
sed -i 's/^protocol = none$/protocol = http/' "$T/ports.ini"
wait_until 10 sh -c "curl -s -m 0.5 '$U' | grep -q 'z. undeclared'" &&
	ok "protocol = http again: the page is back" ||
	fail "no page after protocol = http: $(cat "$T/hp.log")"

# Fixed: the child starts, takes 300 ms to accept, and gets what was
# asked meanwhile; holdports answers nothing any more.
good_c
wait_until 10 at_least 1 'build ok' || fail "no good build: $(cat "$T/hp.log")"
http --http0.9 -o "$T/first" "$U"
pid=$(latest_pid)
[ "$(cat "$T/first")" = "pid=$pid" ] &&
	ok "fixed: the request waits for the child and gets its answer" ||
	fail "after the fix: '$(cat "$T/first")', child $pid: $(cat "$T/hp.log")"
"$LOAD" -p "$PORT" -n 50 -o "$T/load.log" > "$T/load.out"
grep -q 'ok=50 .* pids=1 ' "$T/load.out" && grep -q " $pid\$" "$T/load.log" &&
	ok "and every request is the child's: $(tail -n 1 "$T/load.out")" ||
	fail "not all the child's: $(cat "$T/load.out") $(head -n 5 "$T/load.log")"
flags=$(sed -n 's/^flags:[[:space:]]*//p' "/proc/$pid/fdinfo/3")
[ -n "$flags" ] && [ $(( 0$flags & 04000 )) -eq 0 ] &&
	ok "the child's listening socket is blocking (flags $flags)" ||
	fail "fd 3 of the child: flags $flags"
finish
