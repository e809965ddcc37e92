#!/bin/sh
# faults_concurrent_runs.sh: two runs at once into one reports directory
# both complete, in two run directories, and `latest` names a whole run.
#
# Five rounds; in each, two `kiln run` of the same two fixtures start
# together with the same --reports (so they usually start in the same
# second, which is when their run directories' names would collide). Each
# must exit 0; the two must print two different report paths; each run
# directory's report.json and junit.xml must be whole and hold both cases,
# each with its own case.json; `latest` must name one of the two, whole.
# No temporary `.latest.*` link may be left.
set -u
KILN=${KILN:-build/kiln}

. harness/tests/e2e/lib/selftest_lib.sh
selftest_setup faults_concurrent_runs
failed=0
mkdir -p "$tmp/sock"
TMPDIR=$tmp/sock
export TMPDIR
fail() {
	echo "faults_concurrent_runs: FAIL: $*"
	failed=1
}

for round in 1 2 3 4 5; do
	rm -rf "$tmp/r"
	"$KILN" run --reports "$tmp/r" fixtures/boot/banner.json fixtures/ipc/ping_pong.json \
		>"$tmp/a" 2>&1 &
	a=$!
	"$KILN" run --reports "$tmp/r" fixtures/boot/banner.json fixtures/ipc/ping_pong.json \
		>"$tmp/b" 2>&1 &
	b=$!
	wait "$a"
	ra=$?
	wait "$b"
	rb=$?
	[ "$ra" = 0 ] && [ "$rb" = 0 ] || fail "round $round: exits $ra and $rb: $(cat "$tmp/a" "$tmp/b")"
	pa=$(sed -n 's/^kiln: report //p' "$tmp/a")
	pb=$(sed -n 's/^kiln: report //p' "$tmp/b")
	[ -n "$pa" ] && [ -n "$pb" ] && [ "$pa" != "$pb" ] ||
		fail "round $round: report paths '$pa' and '$pb'"
	for p in "$pa" "$pb"; do
		python3 - "$p" <<'PY' || fail "round $round: $p is not a whole run"
import json, os, sys
report = json.load(open(sys.argv[1]))
names = sorted(c["name"] for c in report["cases"])
assert names == ["boot/banner", "ipc/ping_pong"], names
run = os.path.dirname(sys.argv[1])
for n in names:
    json.load(open(os.path.join(run, n, "case.json")))
PY
		xmllint --noout "$(dirname "$p")/junit.xml" || fail "round $round: junit.xml of $p"
	done
	latest=$(readlink "$tmp/r/latest")
	case "$tmp/r/$latest/report.json" in
	"$pa" | "$pb") ;;
	*) fail "round $round: latest names '$latest', neither run" ;;
	esac
	ls -a "$tmp/r" | grep -q '^\.latest' && fail "round $round: a .latest link was left"
	echo "faults_concurrent_runs: round $round: $(basename "$(dirname "$pa")") and $(basename "$(dirname "$pb")"), latest $latest"
done
left=$(selftest_ours)
[ -z "$left" ] || fail "processes left: $left"
[ "$failed" = 0 ] && echo "faults_concurrent_runs: ok"
exit "$failed"
