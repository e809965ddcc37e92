#!/bin/sh
# linux_group.sh: a base group end to end, on a guest nobody here wrote:
# Debian's own kernel with a busybox initramfs (fixtures/linux, built by
# fixtures/linux/initramfs/build.sh). It checks that:
#   1. `kiln run -j 2 fixtures/linux` boots the base once, and every one of
#      the 14 cases passes from its saved state, with its own console.log
#      (the case's commands, not the boot), qmp.log (migrate-incoming, then
#      cont) and case.json (base.role "restored");
#   2. a case cannot change what the next starts from: state_1_write leaves a
#      file, state_2_clean (after it, at -j 1) does not see it; the base's
#      writable disk: state_3_disk_write sees what the base wrote to it and
#      writes past the page cache, state_4_disk_clean (after it) sees the
#      base's disk again, and the image itself (build/linux/disk.img) is
#      never written (each run writes only overlays);
#   3. a base that never gets ready is booted once and reported once, and
#      each of its cases fails with the base's class and reason without
#      booting anything;
#   4. `kiln replay` of a restored case says plainly that it cannot restore
#      the state (exit 2) and names the base's directory;
#   5. nothing of ours is left: no QEMU, no saved state.
set -u
KILN=${KILN:-build/kiln}

. harness/tests/e2e/lib/selftest_lib.sh
selftest_setup linux_group
# The saved states and kiln's socket directories go under $tmp, so that the
# checks below see every file and process of ours.
export TMPDIR="$tmp"
failed=0

fail() {
	echo "linux_group: FAIL $*"
	failed=$((failed + 1))
}

ok() {
	echo "linux_group: ok $*"
}

# Into build/linux whatever $BUILD is (make test-minimal builds kiln into
# build/minimal): the fixtures name the guest there, as the self-tests name
# build/selftest.
if ! fixtures/linux/initramfs/build.sh build/linux; then
	echo "linux_group: FAIL cannot build the Linux guest (ci/install-deps.sh installs it)"
	exit 1
fi

# report_check REPORTS PYTHON: the expression, over `cases` (report.json's,
# each with its case.json as c["case"]) and `run` (the run directory), holds.
report_check() {
	python3 - "$1" "$2" <<'EOF'
import json, os, sys
root, expr = sys.argv[1], sys.argv[2]
run = os.path.join(root, os.readlink(os.path.join(root, "latest")))
cases = json.load(open(os.path.join(run, "report.json")))["cases"]
for c in cases:
    d = os.path.join(run, c["attempts"][0]["dir"])
    c["case"] = json.load(open(os.path.join(d, "case.json")))
    c["console"] = open(os.path.join(d, "console.log"), "rb").read().decode("utf-8", "replace")
    c["qmp"] = open(os.path.join(d, "qmp.log")).read()
def base_file(name):
    return open(os.path.join(run, "linux/shell.base", name), "rb").read().decode("utf-8", "replace")
if not eval(expr):
    print("not true: " + expr)
    for c in cases:
        print("   ", c["name"], c["outcome"], c["case"].get("reason"), c["case"].get("base"))
    sys.exit(1)
EOF
}

# 1. The group at -j 2.
out=$tmp/run.out
"$KILN" run -j 2 --reports "$tmp/r" fixtures/linux >"$out" 2>&1
rc=$?
if [ "$rc" -ne 0 ]; then
	fail "kiln run fixtures/linux exited $rc"
	sed 's/^/    | /' "$out"
fi
if [ "$(grep -c '^PASS linux/shell.base .*\[base, booted once for its cases\]' "$out")" = 1 ]; then
	ok "the base booted once and said so"
else
	fail "no single base line"
	sed 's/^/    | /' "$out"
fi
report_check "$tmp/r" 'len(cases) == 14 and all(c["outcome"] == "pass" for c in cases)' &&
	ok "14 cases passed from one base"
report_check "$tmp/r" 'all(c["case"]["base"]["role"] == "restored" and c["case"]["base"]["name"] == "linux/shell.base" and c["case"]["base"]["restore_ms"] > 0 for c in cases)' &&
	ok "each case.json says it was restored from linux/shell.base"
report_check "$tmp/r" 'all("KILN-LINUX: ready" not in c["console"] and c["console"] for c in cases) and "KILN-LINUX: ready" in base_file("console.log")' &&
	ok "each case has its own console.log, without the boot (which is the base's)"
report_check "$tmp/r" 'all(c["qmp"].find("migrate-incoming") >= 0 and c["qmp"].find("migrate-incoming") < c["qmp"].find("\"cont\"") for c in cases)' &&
	ok "each qmp.log restores the state before cont"
report_check "$tmp/r" 'json.loads(base_file("case.json"))["base"]["state_bytes"] > 1000000' &&
	ok "the base's case.json has the saved state's size"

# 2. Isolation, in order.
disk_sum=$(sha256sum <build/linux/disk.img)
"$KILN" run -j 1 --filter 'linux/state_*' --reports "$tmp/r2" fixtures/linux >"$out" 2>&1 ||
	fail "the state_* pair at -j 1 did not pass: $(tr '\n' ' ' <"$out")"
report_check "$tmp/r2" '[c["name"] for c in cases] == ["linux/state_1_write", "linux/state_2_clean", "linux/state_3_disk_write", "linux/state_4_disk_clean"] and all(c["outcome"] == "pass" for c in cases)' &&
	ok "a file one case wrote is not there for the next, nor a disk sector; the base's disk write is there for each"
[ "$(sha256sum <build/linux/disk.img)" = "$disk_sum" ] &&
	ok "the base's disk image is as build.sh made it (the writes went to overlays)" ||
	fail "build/linux/disk.img changed in a run"

# 3. A base that never gets ready (a tiny guest that prints once and halts).
mkdir -p "$tmp/never"
cat >"$tmp/never/halt.base.json" <<EOF
{
  "guest": { "kernel": "$(pwd)/build/selftest/alive.mb" },
  "machine": { "type": "pc", "accel": "tcg", "memory_mb": 16 },
  "timeout_s": 1.5,
  "steps": [ { "expect": "TINY: alive" }, { "expect": "never printed" } ],
  "exit": { "running": true }
}
EOF
for n in one two; do
	cat >"$tmp/never/$n.json" <<EOF
{ "base": "halt.base.json", "steps": [ { "send": "x" } ], "exit": { "running": true } }
EOF
done
"$KILN" run -j 2 --reports "$tmp/r3" "$tmp/never" >"$out" 2>&1
rc=$?
[ "$rc" -ne 0 ] || fail "a run whose base failed exited 0"
[ "$(grep -c 'never/halt.base' "$out")" -ge 1 ] && [ "$(grep -c '\[base, booted once' "$out")" = 1 ] &&
	ok "the failed base is reported once, on its own line" ||
	{ fail "the failed base's line"; sed 's/^/    | /' "$out"; }
report_check "$tmp/r3" 'len(cases) == 2 and all(c["case"]["class"] == "timeout_after:TINY: alive" and c["case"]["reason"].startswith("base never/halt.base never got ready (never/halt.base): waited ") for c in cases)' &&
	ok "each case of the failed base fails with its class and reason"
report_check "$tmp/r3" 'all(c["qmp"] == "" and c["console"] == "" for c in cases)' &&
	ok "and nothing booted for them"

# 4. Replay of a restored case.
case_dir=$(python3 -c 'import json,os,sys; r=sys.argv[1]; run=os.path.join(r, os.readlink(os.path.join(r,"latest"))); print(os.path.join(run, json.load(open(os.path.join(run,"report.json")))["cases"][0]["attempts"][0]["dir"]))' "$tmp/r")
"$KILN" replay --no-gdb "$case_dir" >"$out" 2>&1
rc=$?
if [ "$rc" = 2 ] && grep -q "saved state of base linux/shell.base" "$out" &&
	grep -q "kiln replay <run>/linux/shell.base" "$out"; then
	ok "replay of a restored case says what it cannot do (exit 2)"
else
	fail "replay of a restored case exited $rc"
	sed 's/^/    | /' "$out"
fi

# 5. Nothing left behind.
left=$(selftest_ours 'qemu-system*')
[ -z "$left" ] || fail "QEMU left running: $left"
ls -d "$tmp"/kiln-base-* >/dev/null 2>&1 && fail "saved states left: $(ls -d "$tmp"/kiln-base-*)"
[ -z "$left" ] && ok "no QEMU and no saved state left"

if [ "$failed" -ne 0 ]; then
	echo "linux_group: $failed check(s) failed"
	exit 1
fi
echo "linux_group: ok"
