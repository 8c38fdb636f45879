# SPDX-License-Identifier: ISC
# Headless Chromium against the browser side (web.c through
# tests/helpers/web-drive, driven by tests/browser/web.mjs with
# playwright-core): the overlay of holdports.js on "failed", its colours,
# dismissing it, the reload on "reload", and the 503 page reloading
# itself once a child answers. Skipped without Chromium, node or npm
# (contrib/install-deps.sh --toolchains installs them).
. tests/system/lib.sh

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || { skip "chromium not installed"; finish; }
command -v node >/dev/null 2>&1 || { skip "node not installed"; finish; }
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
timeout 100 node "$B/web.mjs" "$T" 2> "$T/node.err" &
node=$!
track "$node"
wait "$node"
st=$?
# 1: a case failed and said so; anything else is web.mjs itself.
[ "$st" -le 1 ] ||
	fail "web.mjs exited $st: $(grep -v '^\[' "$T/node.err" | tail -n 5)"
finish
