#!/bin/sh
# linux_group.sh: the Linux group (fixtures/linux) from one base against the
# same cases booted from scratch, RUNS rounds (default 9) at -j JOBS
# (default 2). Slow: a round boots Linux 13 times. Figures:
# docs/performance.md ("Snapshot reset").
set -eu
KILN=${KILN:-build/kiln}
RUNS=${RUNS:-9}
JOBS=${JOBS:-2}
BUILD=${BUILD:-build}
fixtures/linux/initramfs/build.sh "$BUILD/linux"
echo "linux_group: $KILN, $RUNS rounds; load: $(cut -d' ' -f1-3 /proc/loadavg)"
exec python3 "$(dirname "$0")/linux_group.py" "$KILN" "$RUNS" "$JOBS" fixtures/linux \
	"$BUILD/bench/linux_scratch"
