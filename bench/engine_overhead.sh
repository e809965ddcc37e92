#!/bin/sh
# engine_overhead.sh: kiln's wall time per case against a bare
# qemu-system-x86_64 booting the same guest to its exit, measured in the same
# run, interleaved; medians of RUNS (default 9) each, and their ratio.
# Results and how to read them: docs/performance.md ("Engine overhead").
#
#   bench/engine_overhead.sh [FIXTURE...]   (default: boot/banner, sched/ticks)
#
# Uses build/kiln (the optimized build, not the ASan one). With CI_STRICT=1
# it exits 1 when the worst ratio is 1.10 or more.
set -eu
KILN=${KILN:-build/kiln}
RUNS=${RUNS:-9}
if [ "$#" -eq 0 ]; then
	set -- fixtures/boot/banner.json fixtures/sched/ticks.json
fi
echo "engine_overhead: $KILN vs bare QEMU, $RUNS runs each, interleaved; load: $(cut -d' ' -f1-3 /proc/loadavg)"
exec python3 "$(dirname "$0")/engine_overhead.py" "$KILN" "$RUNS" "$@"
