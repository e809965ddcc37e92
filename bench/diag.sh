#!/bin/sh
# bench/diag.sh: `kiln diag` throughput on a 512 MiB realistic log, against
# `grep -E` with the same trigger patterns, measured in the same run.
#
# Owner: diagnostics. The log is generated into $BUILD/bench/ (never
# committed) by bench/diag/genlog.py from the golden corpus: real linker,
# QEMU, Rugo and Linux output, its volatile parts redrawn per copy. The
# patterns are the trigger literals of every rule (`kiln diag --list-rules`,
# column 4), escaped for ERE: the lines grep selects are the lines kiln
# judges. grep only counts (-c), the least work it can do on every line;
# kiln does its whole job (rules, subjects, dedup, kernel reports). Both read
# the log from the page cache, after one untimed run each. RUNS runs of each
# alternate, and the medians are compared, as the machine is shared.
#
# Prints both medians in MB/s and the ratio kiln/grep; the target is >= 1.0,
# and the script exits 1 below it. docs/performance.md records the figures.
# Env: BUILD (build), RUNS (5), SIZE_MB (512), KILN ($BUILD/kiln).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
BUILD=${BUILD:-build}
RUNS=${RUNS:-5}
SIZE_MB=${SIZE_MB:-512}
KILN=${KILN:-$BUILD/kiln}
out=$BUILD/bench
log=$out/diag-$SIZE_MB.log
mkdir -p "$out"

[ -x "$KILN" ] || {
	echo "bench/diag: no $KILN (make all)" >&2
	exit 2
}
# A new log when there is none, or the generator or the corpus changed.
if [ ! -f "$log" ] || [ -n "$(find bench/diag/genlog.py harness/tests/diag_golden -newer "$log" -name '*.*' | head -n 1)" ]; then
	echo "bench/diag: generating $log"
	python3 bench/diag/genlog.py "$log" "$SIZE_MB" harness/tests/diag_golden
fi
"$KILN" diag --list-rules | cut -f4 | grep -vx '(exit)' | sort -u |
	sed 's/[][\.*^$+?(){}|/]/\\&/g' >"$out/diag-patterns.txt"
bytes=$(wc -c <"$log")

now_ns() {
	date +%s%N
}

# time_of CMD...: wall seconds of one run, stdout and stderr to files
time_of() {
	t0=$(now_ns)
	"$@" >"$out/diag-bench.out" 2>"$out/diag-bench.err" || true
	t1=$(now_ns)
	echo "$t0 $t1" | awk '{ printf "%.4f\n", ($2 - $1) / 1e9 }'
}

# LC_ALL=C: grep's fastest mode, so the baseline is the strongest grep.
run_grep() {
	LC_ALL=C grep -E -c -f "$out/diag-patterns.txt" "$log"
}

run_kiln() {
	"$KILN" diag "$log"
}

median() {
	sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

cat "$log" >/dev/null # into the page cache
time_of run_grep >/dev/null
grep_lines=$(cat "$out/diag-bench.out")
time_of run_kiln >/dev/null
kiln_lines=$(wc -l <"$out/diag-bench.err")
: >"$out/diag-grep.times"
: >"$out/diag-kiln.times"
i=0
while [ "$i" -lt "$RUNS" ]; do
	time_of run_grep >>"$out/diag-grep.times"
	time_of run_kiln >>"$out/diag-kiln.times"
	i=$((i + 1))
done
g=$(median <"$out/diag-grep.times")
k=$(median <"$out/diag-kiln.times")

echo "bench/diag: $(awk -v b="$bytes" 'BEGIN { printf "%.0f MB", b / 1e6 }') log, $(wc -l <"$out/diag-patterns.txt") trigger patterns, $RUNS runs each, $(nproc) CPUs"
echo "bench/diag: grep -E -c: $grep_lines lines match; kiln diag: $kiln_lines distinct lines"
echo "bench/diag: grep -E times (s): $(tr '\n' ' ' <"$out/diag-grep.times")"
echo "bench/diag: kiln diag times (s): $(tr '\n' ' ' <"$out/diag-kiln.times")"
awk -v b="$bytes" -v g="$g" -v k="$k" 'BEGIN {
	printf "bench/diag: median grep -E %.2f s (%.0f MB/s), kiln diag %.2f s (%.0f MB/s)\n", g, b / g / 1e6, k, b / k / 1e6
	printf "bench/diag: ratio kiln/grep throughput: %.2f (target >= 1.00)\n", g / k
	exit (g / k >= 1.0) ? 0 : 1
}'
