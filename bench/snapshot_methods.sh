#!/bin/sh
# snapshot_methods.sh: migration to a file against qcow2 savevm/-loadvm for
# the Linux base, RUNS restores (default 9) of each; why kiln uses
# migration: docs/performance.md ("Snapshot reset").
set -eu
RUNS=${RUNS:-9}
BUILD=${BUILD:-build}
fixtures/linux/initramfs/build.sh "$BUILD/linux"
exec python3 "$(dirname "$0")/snapshot_methods.py" "$BUILD/linux/vmlinuz" \
	"$BUILD/linux/initramfs.cpio.gz" "$RUNS"
