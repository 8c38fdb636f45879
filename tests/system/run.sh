#!/bin/sh
# SPDX-License-Identifier: ISC
# run.sh: runs every tests/system/t_*.sh (or those named) from the repo
# top, one line per case, and ends with "N passed, N failed, N skipped".
cd "$(dirname "$0")/../.." || exit 1
out=$(mktemp)
status=0
for t in ${*:-tests/system/t_*.sh}; do
	# Each test in its own session and process group, bounded in time.
	if ! timeout -k 5 120 setsid sh "$t" > "$out.one" 2>&1; then
		grep -q '^FAIL ' "$out.one" ||
			echo "FAIL $(basename "$t" .sh): exited non-zero" >> "$out.one"
	fi
	cat "$out.one"
	cat "$out.one" >> "$out"
done
passed=$(grep -c '^ok ' "$out")
failed=$(grep -c '^FAIL ' "$out")
skipped=$(grep -c '^skip ' "$out")
rm -f "$out" "$out.one"
[ "$failed" -eq 0 ] || status=1
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
