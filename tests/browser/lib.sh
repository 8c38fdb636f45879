# SPDX-License-Identifier: ISC
# lib.sh: for the system tests that drive headless Chromium, after
# tests/system/lib.sh. browser_run SCRIPT SECONDS runs tests/browser/SCRIPT
# (a node program on playwright-core, which it installs with npm the first
# time) with the test's folder, for at most SECONDS; the script prints its
# own ok/FAIL lines. Skips the test, with the reason, where chromium, node
# or npm is missing.

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
export CHROMIUM

browser_run() {
	[ -x "$CHROMIUM" ] || { skip "chromium not installed"; finish; }
	command -v node >/dev/null 2>&1 || { skip "node not installed"; finish; }
	_b=$TOP/tests/browser
	if [ ! -d "$_b/node_modules/playwright-core" ]; then
		command -v npm >/dev/null 2>&1 || { skip "npm not installed"; finish; }
		(cd "$_b" && npm install --no-audit --no-fund --silent) > "$T/npm.log" 2>&1 || {
			skip "npm install of playwright-core failed: $(tail -n 1 "$T/npm.log")"
			finish
		}
	fi
	# Chromium's own messages (its wrapper script, D-Bus) go to a log.
	timeout "$2" node "$_b/$1" "$T" 2> "$T/node.err" &
	_node=$!
	track "$_node"
	wait "$_node"
	_st=$?
	# 1: a case failed and said so; anything else is the script itself.
	[ "$_st" -le 1 ] ||
		fail "$1 exited $_st: $(grep -v '^\[' "$T/node.err" | tail -n 5)"
}
