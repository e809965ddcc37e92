#!/bin/sh
# ktap_results.sh: KTAP results from a real Linux guest (fixtures/ktap: the
# kernel's kselftest harness, fixtures/linux/initramfs/ktap_demo.c, run in
# the busybox initramfs of fixtures/linux) become one result per subtest.
# It checks that:
#   1. ktap/kselftest: the case passes its steps, and its five subtests are
#      in case.json, report.json, junit.xml (one testcase each, under the
#      case) and report.tap; the one that fails on purpose fails only its
#      own testcase, the skip is skipped, and kiln exits 1 for it;
#   2. ktap/kselftest_crash: the kernel panics in the third test: the case
#      is guest_panicked, that test "crashed", the two after it "not_run";
#   3. ktap/malformed: a stream with test 3 where 2 is due fails the case,
#      and the reason names the console.log line that holds it;
#   4. junit.xml validates against the Jenkins schema, and report.tap
#      parses as TAP 14 (tap-parser) with the subtests inside.
# The expectations come from ktap_demo.c and the fixtures, not from kiln.
set -u
KILN=${KILN:-build/kiln}

. harness/tests/e2e/lib/selftest_lib.sh
selftest_setup ktap_results
export TMPDIR="$tmp"
if ! fixtures/linux/initramfs/build.sh build/linux; then
	echo "ktap_results: FAIL cannot build the Linux guest (ci/install-deps.sh installs it)"
	exit 1
fi
failed=0

# kselftest alone, so that kiln's exit code is its own; the other two in
# one run (one boot of the base), whose exit is the panic's.
"$KILN" run --tap --reports "$tmp/kselftest" fixtures/ktap/kselftest.json >"$tmp/1.out" 2>&1
rc=$?
[ "$rc" -eq 1 ] || { echo "ktap_results: FAIL kselftest: kiln exited $rc, want 1 (a subtest failed)"; failed=1; }
"$KILN" run -j 2 --tap --reports "$tmp/two" fixtures/ktap/kselftest_crash.json \
	fixtures/ktap/malformed.json >"$tmp/2.out" 2>&1
rc=$?
[ "$rc" -eq 5 ] || { echo "ktap_results: FAIL kselftest_crash and malformed: kiln exited $rc, want 5"; failed=1; }
ln -s two "$tmp/kselftest_crash"
ln -s two "$tmp/malformed"

python3 - "$tmp" <<'PY' || failed=1
import json, os, sys
import xml.etree.ElementTree as ET
tmp = sys.argv[1]
bad = []
def run(name):
    r = os.path.join(tmp, name, "latest")
    case = json.load(open(os.path.join(r, "ktap", name, "case.json")))
    report = json.load(open(os.path.join(r, "report.json")))
    junit = ET.parse(os.path.join(r, "junit.xml")).getroot()
    tap = open(os.path.join(r, "report.tap")).read()
    return r, case, report, junit, tap
def statuses(case):
    return [(x["name"], x["status"]) for x in case["subtests"]["results"]]

# 1. kselftest: ktap_demo.c's five tests, in order
r, case, report, junit, tap = run("kselftest")
want = [("global.adds", "pass"), ("global.compares_strings", "pass"),
        ("global.crashes_on_request", "pass"), ("global.fails_on_purpose", "fail"),
        ("#5", "skip")]  # kselftest 6.1 prints "ok 5 # SKIP ...", without the name
if case["outcome"] != "pass":
    bad.append("kselftest: outcome %s (%s)" % (case["outcome"], case["reason"]))
if statuses(case) != want:
    bad.append("kselftest: case.json subtests %r" % statuses(case))
att = report["cases"][0]["attempts"][0]
if [(x["name"], x["status"]) for x in att["subtests"]["results"]] != want:
    bad.append("kselftest: report.json subtests %r" % att.get("subtests"))
if report["summary"]["subtests"] != {"pass": 3, "fail": 1, "skip": 1, "crashed": 0, "not_run": 0}:
    bad.append("kselftest: report.json summary.subtests %r" % report["summary"]["subtests"])
cases = junit.findall(".//testcase")
subs = [c for c in cases if c.get("classname") == "kiln.ktap.kselftest"]
if [c.get("name") for c in subs] != [n for n, _ in want]:
    bad.append("kselftest: junit subtest testcases %r" % [c.get("name") for c in subs])
failing = [c.get("name") for c in cases if c.find("failure") is not None or c.find("error") is not None]
if failing != ["global.fails_on_purpose"]:
    bad.append("kselftest: junit testcases failing %r, want only global.fails_on_purpose" % failing)
skipped = [c.get("name") for c in cases if c.find("skipped") is not None]
if skipped != ["#5"]:
    bad.append("kselftest: junit skipped %r" % skipped)
if "    not ok 4 - global.fails_on_purpose" not in tap or "    ok 5 - \\#5 # SKIP skip: nothing to test here" not in tap:
    bad.append("kselftest: report.tap lacks the subtests:\n" + tap)

# 2. the crash in test 3
r, case, report, junit, tap = run("kselftest_crash")
want = [("global.adds", "pass"), ("global.compares_strings", "pass"),
        ("#3", "crashed"), ("#4", "not_run"), ("#5", "not_run")]
if case["outcome"] != "guest_panicked":
    bad.append("kselftest_crash: outcome %s" % case["outcome"])
if statuses(case) != want:
    bad.append("kselftest_crash: subtests %r" % statuses(case))
crashed = case["subtests"]["results"][2]
if "guest_panicked" not in crashed.get("reason", ""):
    bad.append("kselftest_crash: the crashed test's reason %r" % crashed.get("reason"))
failing = [c.get("name") for c in junit.findall(".//testcase") if c.find("failure") is not None]
if sorted(failing) != ["#3", "kselftest_crash", "malformed"]:
    bad.append("kselftest_crash: junit failing %r" % failing)

# 3. the malformed stream
r, case, report, junit, tap = run("malformed")
reason = case["reason"]
if case["outcome"] != "fail" or not reason.startswith("console.log:") or "test number 3, expected 2" not in reason:
    bad.append("malformed: outcome %s, reason %r" % (case["outcome"], reason))
else:
    n = int(reason.split(":")[1])
    lines = open(os.path.join(r, "ktap/malformed/console.log"), "rb").read().split(b"\n")
    if lines[n - 1].rstrip(b"\r") != b"ok 3 third":
        bad.append("malformed: console.log line %d is %r, not 'ok 3 third'" % (n, lines[n - 1]))
for b in bad:
    print("ktap_results: FAIL " + b)
sys.exit(1 if bad else 0)
PY

# 4. the CI formats still hold with subtests in them
for name in kselftest kselftest_crash; do
	run=$tmp/$name/latest
	xmllint --noout --schema harness/tests/schemas/junit-10.xsd "$run/junit.xml" 2>"$tmp/xsd.err" ||
		{ echo "ktap_results: FAIL $name: junit.xml does not validate"; cat "$tmp/xsd.err"; failed=1; }
	NODE_PATH=/usr/share/nodejs /usr/bin/node harness/tests/e2e/lib/tap_parse.js "$run/report.tap" \
		>"$tmp/tap.json" 2>&1
	python3 - "$tmp/tap.json" "$name" <<'PY' || failed=1
import json, sys
t = json.load(open(sys.argv[1]))
if t["errors"] or t["count"] != {"kselftest": 1, "kselftest_crash": 2}[sys.argv[2]] or t["version"] != 14:
    print("ktap_results: FAIL %s: tap-parser says %r" % (sys.argv[2], t))
    sys.exit(1)
PY
done

if [ "$failed" -ne 0 ]; then
	echo "ktap_results: FAIL"
	exit 1
fi
echo "ktap_results: ok"
