#!/bin/sh
# kill_storm.sh: kill kiln at random moments of a -j2 run of the Rugo suite,
# KILL_STORM_ROUNDS times (default 200), and count what is left (`make soak`).
#
# The short form, 30 rounds at set moments over six slow cases, is
# signals.sh in `make test`; this is the long one, over the real suite. Each
# round picks a signal (SIGINT, SIGTERM or SIGKILL, in turn) and a moment
# uniformly within the first 90% of an unkilled run of the suite (measured
# first); SIGINT goes to kiln alone or to its process group
# (Ctrl-C), alternately. After every round: no QEMU or worker of this test
# is alive; after SIGINT and SIGTERM, exit 130, and report.json (saying it
# was interrupted, counting every case) and junit.xml parse. The last lines
# are the figures for docs/reliability.md. KILL_STORM_SEED seeds the moments.
set -u
KILN=${KILN:-build/kiln}
ROUNDS=${KILL_STORM_ROUNDS:-200}
SEED=${KILL_STORM_SEED:-1}

. harness/tests/e2e/lib/selftest_lib.sh
selftest_setup kill_storm
. harness/tests/e2e/lib/kill_lib.sh
failed=0
mkdir -p "$tmp/run"
suite=$(ls -d fixtures/*/ | grep -v '^fixtures/selftest/')

# One whole run first: how many cases, and how long the suite takes.
t0=$(date +%s%N)
# shellcheck disable=SC2086 # one word per directory
TMPDIR=$tmp/run "$KILN" run -j2 --reports "$tmp/whole" $suite >"$tmp/whole.out" 2>&1
rc=$?
whole_ms=$((($(date +%s%N) - t0) / 1000000))
cases=$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["cases"]))' \
	"$tmp/whole/latest/report.json") || { echo "kill_storm: the unkilled run left no report"; exit 1; }
echo "kill_storm: the suite: $cases cases in $whole_ms ms at -j2 (exit $rc); $ROUNDS rounds, seed $SEED"

# The moments: uniform in [0, 0.9 whole_ms] (a run can be faster than the
# measured one, and a signal after its end kills nothing), from a seeded
# generator so that a failing round can be run again.
python3 -c 'import random, sys
random.seed(int(sys.argv[1]))
for _ in range(int(sys.argv[2])):
    print("%.3f" % (random.uniform(0, 0.9 * int(sys.argv[3])) / 1000))' "$SEED" "$ROUNDS" "$whole_ms" \
	>"$tmp/moments"
n=0 int=0 term=0 kill=0 failed_before=0
while read -r delay; do
	n=$((n + 1))
	case $((n % 3)) in
	1) sig=INT int=$((int + 1)) ;;
	2) sig=TERM term=$((term + 1)) ;;
	0) sig=KILL kill=$((kill + 1)) ;;
	esac
	target=kiln
	[ "$sig" = INT ] && [ $((int % 2)) -eq 0 ] && target=group
	# shellcheck disable=SC2086 # one word per directory
	kill_round kill_storm "$n" "$sig" "$delay" "$target" "$cases" $suite
	rm -rf "$tmp/r$n" "$tmp/out$n"
done <"$tmp/moments"
echo "kill_storm: $n rounds (SIGINT $int, SIGTERM $term, SIGKILL $kill) over $cases cases:" \
	"$kill_left processes left in all; $kill_early ended before their signal; $failed checks failed"
[ "$failed" -eq 0 ] && echo "kill_storm: ok"
[ "$failed" -eq 0 ]
