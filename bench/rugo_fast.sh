#!/bin/sh
# rugo_fast.sh: boot/banner under kiln today against commit 798b183 (built
# from `git archive` under build/bench/rugo-798b183) and against the pexpect
# peer (bench/pexpect_peer.py, Debian's python3-pexpect), RUNS rounds
# (default 9) interleaved; medians, ratios and the boot budget stage by
# stage. Figures: docs/performance.md ("Rugo ready fast"). With CI_STRICT=1
# it exits 1 when new/old > 0.25 or kiln/peer > 0.4.
set -eu
KILN=${KILN:-build/kiln}
RUNS=${RUNS:-9}
BUILD=${BUILD:-build}
OLD=798b183
old_tree=$BUILD/bench/rugo-$OLD
if [ ! -f "$old_tree/build/guest/rugo.mb" ]; then
	rm -rf "$old_tree"
	mkdir -p "$old_tree"
	git archive "$OLD" | tar -x -C "$old_tree"
	# The guest alone; no linker filter, which would need that tree's kiln.
	make -C "$old_tree" -j2 guest GUEST_LD_FILTER= >/dev/null
fi
echo "rugo_fast: $KILN, $RUNS rounds; load: $(cut -d' ' -f1-3 /proc/loadavg)"
exec python3 "$(dirname "$0")/rugo_fast.py" "$KILN" "$old_tree" "$RUNS"
