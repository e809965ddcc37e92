#!/bin/sh
# engine_instant_exit.sh: a guest that ends the instant it runs is judged like
# any other exit, never a harness error.
#
# The guest is a BIOS whose reset vector writes isa-debug-exit at once, so
# QEMU often exits before it has answered the harness's `cont`: the race the
# engine must treat as the guest's exit.
set -u
KILN=${KILN:-build/kiln}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
python3 fixtures/selftest/tiny/exit_rom.py "$scratch/exit42.rom"
# The kernel is never reached, but QEMU loads it before the BIOS runs.
kernel=$(pwd)/${BUILD:-build}/guest/rugo.mb
cat >"$scratch/exit42.json" <<EOF2
{
  "description": "a guest that ends through isa-debug-exit at its first instruction",
  "guest": { "kernel": "$kernel" },
  "machine": { "type": "pc", "accel": "tcg", "memory_mb": 16, "bios": "exit42.rom" },
  "timeout_s": 10,
  "steps": [],
  "exit": { "debug_exit": 42 }
}
EOF2
"$KILN" run --reports "$scratch/r" -j 2 --repeat 20 --quiet "$scratch/exit42.json" >"$scratch/out" 2>&1
rc=$?
if [ "$rc" -ne 0 ]; then
	echo "engine_instant_exit: kiln exited $rc; an instant exit must pass:"
	cat "$scratch/out"
	exit 1
fi
echo "engine_instant_exit: 20 instant exits judged as exits"
