# SPDX-License-Identifier: ISC
# Headless Chromium against the browser side (web.c through
# tests/helpers/web-drive, driven by tests/browser/web.mjs with
# playwright-core): the overlay of holdports.js on "failed", its colours,
# dismissing it, the reload on "reload", and the 503 page reloading
# itself once a child answers. Skipped without Chromium, node or npm
# (contrib/install-deps.sh --toolchains installs them).
. tests/system/lib.sh

. tests/browser/lib.sh

browser_run web.mjs 100
finish
