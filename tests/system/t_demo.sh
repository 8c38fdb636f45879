# SPDX-License-Identifier: ISC
# make demo's configuration: the demo server under conf/demo.ini serves
# its page, and editing the message file replaces it on the same socket.
# Runs on a copy of the demo's files so the repository is not touched.
. tests/system/lib.sh

mkdir -p "$T/conf" "$T/contrib/demo"
# The events port too is the kernel's choice here, not 8081.
sed 's/^events = .*/events = 127.0.0.1:0/' conf/demo.ini > "$T/conf/demo.ini"
cp contrib/demo/demo-server contrib/demo/message.txt "$T/contrib/demo/"
# The command line's -l replaces the file's 127.0.0.1:8080, and -b its
# build (make -s contrib/demo/demo-server), as the copy has no Makefile.
hp_start -c "$T/conf/demo.ini" -l 127.0.0.1:0=http -b true
port=$(wait_port http)
wait_until 10 at_least 1 'started pid' || fail "demo did not start: $(cat "$T/hp.log")"
# holdports starts the child first and watches second: wait for the watches.
wait_until 10 watching "$HP_PID" || fail "no inotify watch"
pid=$(latest_pid)
"$LOAD" -p "$port" -n 1 -r 'GET / HTTP/1.0\r\n\r\n' > "$T/page1"
grep -q "Edit contrib/demo/message.txt" "$T/page1" && grep -q "$pid" "$T/page1" &&
	ok "demo page shows the message and its pid" || fail "page: $(head -c 300 "$T/page1")"
ev=$(sed -n 's/^holdports: events on 127.0.0.1:\([0-9]*\) .*/\1/p' "$T/hp.log")
grep -q "<script src=\"http://127.0.0.1:$ev/holdports.js\"></script>" "$T/page1" &&
	ok "and includes holdports.js from HOLDPORTS_EVENTS" ||
	fail "no script of port '$ev' in the page: $(head -c 400 "$T/page1")"
"$T/h/web-client" -p "$ev" follow -a "$port" -n 1 -t 20 > "$T/follow" &
follow=$!
track "$follow"
wait_until 10 grep -q '^ready$' "$T/follow" || fail "no event stream"
"$LOAD" -p "$port" -s "$T/stop" -t 60 -o "$T/load.log" \
    -r 'GET /pid HTTP/1.0\r\n\r\n' > "$T/load.out" &
load=$!
track "$load"
echo "A new message from the test." > "$T/contrib/demo/message.txt"
wait_until 10 at_least 1 'contrib/demo/message.txt changed, build ok (.*), restarted pid' ||
	fail "no reload on message edit: $(cat "$T/hp.log")"
pid2=$(latest_pid)
wait_until 10 grep -q " $pid2\$" "$T/load.log" || fail "new demo server never answered"
touch "$T/stop"
wait "$load" && ok "no request failed across the reload: $(tail -n 1 "$T/load.out")" ||
	fail "requests failed: $(tail -n 1 "$T/load.out")"
wait_until 10 grep -q '^reload 1 ' "$T/follow" &&
	[ "$(sed -n 's/^reload 1 //p' "$T/follow")" = "$pid2" ] &&
	ok "the page's events said reload, and the new server answered it" ||
	fail "reload event: $(cat "$T/follow")"
"$LOAD" -p "$port" -n 1 -r 'GET / HTTP/1.0\r\n\r\n' > "$T/page2"
grep -q "A new message from the test." "$T/page2" && grep -q "$pid2" "$T/page2" &&
	ok "the new server shows the edited message" || fail "page after edit: $(head -c 300 "$T/page2")"
finish
