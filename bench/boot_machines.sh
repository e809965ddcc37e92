#!/bin/sh
# boot_machines.sh: Rugo's banner case and a tiny Multiboot guest booted by a
# bare QEMU on each candidate machine and firmware (pc, q35, each with
# SeaBIOS and with qboot, microvm), RUNS rounds (default 9) interleaved,
# medians and ratios against -M pc. Why the suite uses q35 + qboot:
# docs/performance.md ("Machine and firmware").
#
#   make guest && bench/boot_machines.sh
set -eu
RUNS=${RUNS:-9}
BUILD=${BUILD:-build}
fixtures/selftest/tiny/build.sh "$BUILD/selftest" >/dev/null
echo "boot_machines: bare QEMU, $RUNS runs each, interleaved; load: $(cut -d' ' -f1-3 /proc/loadavg)"
exec python3 "$(dirname "$0")/boot_machines.py" "$BUILD/guest/rugo.mb" "$BUILD/selftest/garbage.mb" "$RUNS"
