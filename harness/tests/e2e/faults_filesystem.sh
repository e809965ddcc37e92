#!/bin/sh
# faults_filesystem.sh: a reports directory that fills up, a read-only one,
# and an unusable TMPDIR each give one clear error and exit code 9, and
# never leave a truncated report.
#
# Runs in a private mount namespace (unshare -m), so its small tmpfs mounts
# vanish with it whatever happens; skips (77) where mounting is not allowed.
# 1. Disk full: a 40 KiB tmpfs, filled to a different level before each run
#    of boot/banner. Every run exits 0 or 9; a 9 names "No space left on
#    device"; every report.json, junit.xml and case.json that exists parses
#    (the old file or none, never half of one); `latest` is absent or names
#    a run whose report.json parses. Both outcomes must be seen.
# 2. A read-only reports directory: exit 9, "Read-only file system", and no
#    case runs.
# 3. TMPDIR read-only, and TMPDIR missing: exit 9 before any case, with the
#    advice to set TMPDIR; no run directory is made.
# After all, no QEMU of this test is left.
set -u
KILN=${KILN:-build/kiln}

if [ -z "${FAULTS_IN_NS:-}" ]; then
	if ! unshare -m true 2>/dev/null; then
		echo "faults_filesystem: cannot make a mount namespace (unshare -m): skipped"
		exit 77
	fi
	FAULTS_IN_NS=1 exec unshare -m sh "$0" "$@"
fi

. harness/tests/e2e/lib/selftest_lib.sh
selftest_setup faults_filesystem
failed=0
m=$tmp/mnt
mkdir -p "$m" "$tmp/sock"
# QEMU's socket paths then name $tmp, so that selftest_ours sees our QEMUs.
TMPDIR=$tmp/sock
export TMPDIR
if ! mount -t tmpfs -o size=40k tmpfs "$m" 2>"$tmp/mount.err"; then
	echo "faults_filesystem: cannot mount a tmpfs: $(cat "$tmp/mount.err"): skipped"
	exit 77
fi

fail() {
	echo "faults_filesystem: FAIL: $*"
	failed=1
}

# parses FILE: it is whole JSON or XML.
parses() {
	case $1 in
	*.xml) xmllint --noout "$1" 2>/dev/null ;;
	*) python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$1" 2>/dev/null ;;
	esac
}

# check_reports ROOT: nothing under ROOT is half a report.
check_reports() {
	for f in $(find "$1" -name report.json -o -name junit.xml -o -name case.json 2>/dev/null); do
		parses "$f" || fail "a truncated report: $f ($(stat -c %s "$f") bytes)"
	done
	if [ -e "$1/latest" ] && ! parses "$1/latest/report.json"; then
		fail "latest names a run without a whole report.json"
	fi
}

# 1. Disk full at different moments of the run.
seen0=0 seen9=0
for fill in 0 4 8 12 16 20 24 28 32 36 40; do
	rm -rf "${m:?}"/*
	[ "$fill" -gt 0 ] && head -c $((fill * 1024)) /dev/zero >"$m/fill" 2>/dev/null
	"$KILN" run --reports "$m/r" fixtures/boot/banner.json >"$tmp/out" 2>&1
	rc=$?
	case $rc in
	0) seen0=1 ;;
	9)
		seen9=1
		grep -q "No space left on device" "$tmp/out" ||
			fail "fill ${fill}k: exit 9 without the reason: $(head -3 "$tmp/out")"
		grep -q "^kiln: report " "$tmp/out" &&
			fail "fill ${fill}k: it names a report it could not write"
		;;
	*) fail "fill ${fill}k: exit $rc, not 0 or 9: $(head -3 "$tmp/out")" ;;
	esac
	check_reports "$m/r"
done
echo "faults_filesystem: disk full: exit 0 seen=$seen0, exit 9 seen=$seen9, no truncated report"
[ "$seen0" = 1 ] && [ "$seen9" = 1 ] || fail "both a whole run and a full disk must be seen"

# 2. A read-only reports directory.
rm -rf "${m:?}"/*
mkdir -p "$m/r"
mount -o remount,ro "$m"
"$KILN" run --reports "$m/r" fixtures/boot/banner.json >"$tmp/out" 2>&1
rc=$?
[ "$rc" = 9 ] || fail "read-only reports: exit $rc, not 9"
grep -q "cannot create a run directory under $m/r: Read-only file system" "$tmp/out" ||
	fail "read-only reports: no clear error: $(cat "$tmp/out")"
grep -q "^PASS\|^FAIL" "$tmp/out" && fail "read-only reports: a case ran"

# 3. TMPDIR read-only, then missing.
for dir in "$m" "$tmp/no/such/dir"; do
	TMPDIR=$dir "$KILN" run --reports "$tmp/r" fixtures/boot/banner.json >"$tmp/out" 2>&1
	rc=$?
	[ "$rc" = 9 ] || fail "TMPDIR=$dir: exit $rc, not 9"
	grep -q "cannot make a directory in $dir (TMPDIR): .*; set TMPDIR to a writable" \
		"$tmp/out" || fail "TMPDIR=$dir: no clear error: $(cat "$tmp/out")"
	[ -e "$tmp/r" ] && fail "TMPDIR=$dir: a run directory was made before the check"
done
echo "faults_filesystem: read-only reports and unusable TMPDIR: exit 9 with the reason"

left=$(selftest_ours '*qemu-system*')
[ -z "$left" ] || fail "QEMU left behind: $left"
umount "$m" 2>/dev/null
[ "$failed" = 0 ] && echo "faults_filesystem: ok"
exit "$failed"
