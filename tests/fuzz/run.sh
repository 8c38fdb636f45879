#!/bin/sh
# SPDX-License-Identifier: ISC
# run.sh: runs one libFuzzer target for SECONDS (make fuzz runs each).
#
#   sh tests/fuzz/run.sh TARGET SECONDS
#
# The committed seeds (tests/fuzz/corpus/TARGET) and regression inputs
# (tests/fuzz/regress/TARGET) are read, never written: what the run finds
# goes to tests/fuzz/out/corpus/TARGET, an input with a finding to
# tests/fuzz/out/crash-TARGET-*. Prints one summary line; exits 1 on a
# finding (crash, leak, timeout, oracle) and says how to keep it as a
# regression input.
set -u
cd "$(dirname "$0")/../.." || exit 1
[ $# -eq 2 ] || {
	echo "usage: sh tests/fuzz/run.sh TARGET SECONDS" >&2
	exit 2
}
t=$1
secs=$2
out=tests/fuzz/out
bin=$out/fuzz_$t
[ -x "$bin" ] || {
	echo "fuzz $t: $bin not built (make fuzz-build)" >&2
	exit 2
}
mkdir -p "$out/corpus/$t"
set -- "$out/corpus/$t" "tests/fuzz/corpus/$t"
[ -d "tests/fuzz/regress/$t" ] && set -- "$@" "tests/fuzz/regress/$t"
dict=
[ -f "tests/fuzz/dict/$t.dict" ] && dict=-dict=tests/fuzz/dict/$t.dict

# -timeout: an input that takes 10 s is a hang. -rss_limit_mb: libFuzzer's
# default, said so. -max_len: ports.ini lines are at most 199 bytes, and a
# datagram NOTIFY_MAX (4096); 8192 leaves room for many lines.
# shellcheck disable=SC2086
"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
    -max_len=8192 -print_final_stats=1 -artifact_prefix="$out/crash-$t-" \
    $dict "$@" > "$out/$t.log" 2>&1
status=$?
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$t.log")
cov=$(grep -o 'cov: [0-9]*' "$out/$t.log" | tail -n 1)
corp=$(find "$out/corpus/$t" -type f | wc -l)
if [ "$status" -eq 0 ]; then
	echo "fuzz $t: ${secs} s, ${execs:-?} runs, $cov, $corp new inputs: no finding"
	exit 0
fi
echo "FAIL fuzz $t: exit $status after ${execs:-?} runs; log $out/$t.log"
grep -E '^(==[0-9]+==ERROR|SUMMARY|.*oracle failed|.*runtime error)' \
    "$out/$t.log" | head -n 5
# -artifact_prefix names them crash-TARGET-crash-*, -leak-*, -timeout-*.
for c in "$out"/crash-"$t"-*; do
	[ -f "$c" ] || continue
	echo "  input: $c"
	echo "  keep it (tests/fuzz/regress/README): $bin -minimize_crash=1" \
	    "-runs=10000 -artifact_prefix=$out/ $c; then cp" \
	    "$out/minimized-from-* tests/fuzz/regress/$t/NAME"
done
exit 1
