# SPDX-License-Identifier: ISC
# Headless Chromium against the real holdports running the demo server
# (tests/browser/live.mjs, with playwright-core): the page, which includes
# holdports.js, changes to the new version by itself after a file change,
# without any navigation; a compile error shows over it while the old
# server serves; the fix reloads it; the 503 page of a first build that
# failed turns into the demo once it is fixed. Skipped without Chromium,
# node, npm or cc (contrib/install-deps.sh --toolchains installs them).
. tests/system/lib.sh

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || { skip "chromium not installed"; finish; }
command -v node >/dev/null 2>&1 || { skip "node not installed"; finish; }
command -v cc >/dev/null 2>&1 || { skip "cc not installed"; finish; }
B=$TOP/tests/browser
if [ ! -d "$B/node_modules/playwright-core" ]; then
	command -v npm >/dev/null 2>&1 || { skip "npm not installed"; finish; }
	(cd "$B" && npm install --no-audit --no-fund --silent) > "$T/npm.log" 2>&1 || {
		skip "npm install of playwright-core failed: $(tail -n 1 "$T/npm.log")"
		finish
	}
fi
export CHROMIUM
# Chromium's own messages (its wrapper script, D-Bus) go to a log.
timeout 110 node "$B/live.mjs" "$T" 2> "$T/node.err" &
node=$!
track "$node"
wait "$node"
st=$?
# 1: a case failed and said so; anything else is live.mjs itself.
[ "$st" -le 1 ] ||
	fail "live.mjs exited $st: $(grep -v '^\[' "$T/node.err" | tail -n 5)"
finish
