# SPDX-License-Identifier: ISC
# Headless Chromium against the real holdports running the demo server
# (tests/browser/live.mjs, with playwright-core): the page, which includes
# holdports.js, changes to the new version by itself after a file change,
# without any navigation; a compile error shows over it while the old
# server serves; the fix reloads it; the 503 page of a first build that
# failed turns into the demo once it is fixed. Skipped without Chromium,
# node, npm or cc (contrib/install-deps.sh --toolchains installs them).
. tests/system/lib.sh

. tests/browser/lib.sh

command -v cc >/dev/null 2>&1 || { skip "cc not installed"; finish; }
browser_run live.mjs 110
finish
