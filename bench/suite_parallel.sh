#!/bin/sh
# suite_parallel.sh: the Rugo suite (the areas `make suite` runs) in one
# `kiln run -j 2` against the sum of its cases run one by one, RUNS rounds
# (default 9). Figures: docs/performance.md ("The suite at -j 2").
set -eu
KILN=${KILN:-build/kiln}
RUNS=${RUNS:-9}
echo "suite_parallel: $KILN, $RUNS rounds; load: $(cut -d' ' -f1-3 /proc/loadavg)"
exec python3 "$(dirname "$0")/suite_parallel.py" "$KILN" "$RUNS" \
	fixtures/boot fixtures/ipc fixtures/mm fixtures/sched fixtures/trap fixtures/user
