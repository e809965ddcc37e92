#!/bin/sh
# report_ci_formats.sh: junit.xml against a published JUnit schema, and
# --tap as TAP 14 through a real TAP 14 parser.
#
# One run of self-test cases, each twice (--repeat 2, --tap): the hostile
# guest, the garbage guest, a timeout and a pass. Then:
#   - xmllint validates junit.xml against harness/tests/schemas/junit-10.xsd
#     (the Jenkins xUnit plugin's JUnit schema; its header says where it
#     comes from), and rejects a broken copy (a testcase without its name),
#     so the validation can fail;
#   - junit.xml says what Jenkins and GitLab show: classname kiln.selftest,
#     name <case> or "<case> #2", time in seconds as case.json has it,
#     failure message "<class>: <reason>", the console tail in system-out
#     inside the testcase (with U+FFFD for the control characters XML 1.0
#     cannot hold);
#   - Debian's node-tap-parser (tap-parser 11, which implements TAP 14;
#     Perl's TAP::Parser 3.44 refuses "TAP version 14") parses stdout in
#     strict mode with no error: version 14, the plan, one test point per
#     run with ok as report.json has it, and each failure's YAML block read
#     back equal to its case.json (outcome, class, reason, attempt); the
#     same parser flags a broken copy, so that check can fail too;
#   - stdout and report.tap are the same bytes.
set -u
KILN=${KILN:-build/kiln}
here=fixtures/selftest
xsd=harness/tests/schemas/junit-10.xsd
. harness/tests/e2e/lib/selftest_lib.sh
for tool in xmllint /usr/bin/node /usr/share/nodejs/tap-parser/index.js; do
	if ! command -v "$tool" >/dev/null && [ ! -f "$tool" ]; then
		echo "report_ci_formats: $tool is missing (ci/install-deps.sh installs it)"
		exit 1
	fi
done
selftest_setup report_ci_formats
failed=0
fail() {
	echo "report_ci_formats: FAIL $*"
	failed=$((failed + 1))
}

"$KILN" run --reports "$tmp/r" --repeat 2 -j 2 --tap "$here/fail_hostile_output.json" \
	"$here/guest_panicked_garbage.json" "$here/timeout_after_marker.json" \
	"$here/pass_send.json" >"$tmp/tap.out" 2>"$tmp/run.err"
rc=$?
run="$tmp/r/$(readlink "$tmp/r/latest")"
[ "$rc" -eq 5 ] || fail "kiln run exited $rc, not 5 (guest_panicked, the worst)"

# ---- junit.xml -------------------------------------------------------------
if xmllint --noout --schema "$xsd" "$run/junit.xml" 2>"$tmp/xsd.err"; then
	echo "report_ci_formats: ok junit.xml validates against $xsd"
else
	fail "junit.xml does not validate: $(head -5 "$tmp/xsd.err")"
fi
sed 's/<testcase classname="kiln.selftest" name="[^"]*"/<testcase classname="kiln.selftest"/' \
	"$run/junit.xml" >"$tmp/broken.xml"
if xmllint --noout --schema "$xsd" "$tmp/broken.xml" 2>/dev/null; then
	fail "the schema accepts testcases without a name: the check cannot fail"
fi
v=$(python3 - "$run" <<'EOF'
import json, os, sys, xml.etree.ElementTree as ET
run = sys.argv[1]
report = json.load(open(os.path.join(run, "report.json")))
root = ET.parse(os.path.join(run, "junit.xml")).getroot()
suite = root.find("testsuite")
cases = {(c.get("classname"), c.get("name")): c for c in suite.iter("testcase")}
errors = []
n = sum(len(c["attempts"]) for c in report["cases"])
if len(cases) != n or suite.get("tests") != str(n):
    errors.append("%d testcases, tests=%s, want %d" % (len(cases), suite.get("tests"), n))
for c in report["cases"]:
    for a in c["attempts"]:
        rec = json.load(open(os.path.join(run, a["dir"], "case.json")))
        short = c["name"].split("/", 1)[1] + ("" if rec["attempt"] == 1 else " #%d" % rec["attempt"])
        t = cases.get(("kiln.selftest", short))
        if t is None:
            errors.append("no testcase kiln.selftest %r" % short)
            continue
        if abs(float(t.get("time")) - rec["duration_ms"] / 1000) > 0.0015:
            errors.append("%s time %s for %d ms" % (short, t.get("time"), rec["duration_ms"]))
        f = t.find("failure")
        if rec["outcome"] == "pass":
            if f is not None:
                errors.append("%s passed but has a failure" % short)
            continue
        if f is None or f.get("message") != "%s: %s" % (rec["class"], rec["reason"]):
            errors.append("%s failure message %r" % (short, f is not None and f.get("message")))
        elif rec["reason"] not in (f.text or ""):
            errors.append("%s failure text lacks the reason" % short)
        out = t.findtext("system-out")
        # XML 1.0 has no place for most control characters: U+FFFD stands in
        tail = "".join("\ufffd" if ord(ch) < 0x20 and ch not in "\t\n\r" else ch
                       for ch in rec["capsule"]["console_tail"])
        if out is None or out.replace("\r", "") != tail.replace("\r", ""):
            errors.append("%s system-out is not the console tail" % short)
print(("BAD " + "; ".join(errors)) if errors else "OK %d testcases" % len(cases))
EOF
)
case $v in OK*) echo "report_ci_formats: ok junit.xml: $v, names, times, failures, system-out" ;; *) fail "junit.xml: $v" ;; esac

# ---- TAP 14 ----------------------------------------------------------------
cmp -s "$tmp/tap.out" "$run/report.tap" || fail "stdout and report.tap differ"
NODE_PATH=/usr/share/nodejs /usr/bin/node harness/tests/e2e/lib/tap_parse.js "$tmp/tap.out" \
	>"$tmp/tap.json" 2>"$tmp/tap.err" || fail "tap-parser failed: $(cat "$tmp/tap.err")"
v=$(python3 - "$run" "$tmp/tap.json" <<'EOF'
import json, os, sys
run, parsed = sys.argv[1:3]
p = json.load(open(parsed))
report = json.load(open(os.path.join(run, "report.json")))
errors = []
n = report["summary"]["runs"]
if p["version"] != 14:
    errors.append("version %r" % p["version"])
if p["errors"]:
    errors.append("parse errors %s" % p["errors"])
if (p["plan"]["start"], p["plan"]["end"], p["count"]) != (1, n, n):
    errors.append("plan %s, count %s, want %d" % (p["plan"], p["count"], n))
if p["pass"] != report["summary"]["passed"] or p["fail"] != report["summary"]["failed"]:
    errors.append("pass %s fail %s" % (p["pass"], p["fail"]))
recs = {}
for c in report["cases"]:
    for a in c["attempts"]:
        r = json.load(open(os.path.join(run, a["dir"], "case.json")))
        recs[(r["name"], r["attempt"])] = r
for a in p["asserts"]:
    if a["ok"]:
        continue
    d = a["diag"] or {}
    r = recs.get((d.get("name"), d.get("attempt")))
    if r is None:
        errors.append("test %d: YAML names no run: %s" % (a["id"], d))
        continue
    for k in ("outcome", "class", "reason"):
        if d.get(k) != r[k]:
            errors.append("test %d: YAML %s %r, case.json %r" % (a["id"], k, d.get(k), r[k]))
    if r["class"] not in a["name"]:
        errors.append("test %d: description %r" % (a["id"], a["name"]))
print(("BAD " + "; ".join(errors)) if errors else
      "OK TAP %d, %d points, %d not ok with YAML equal to case.json" % (p["version"], p["count"], p["fail"]))
EOF
)
case $v in OK*) echo "report_ci_formats: ok $v" ;; *) fail "TAP: $v" ;; esac
# The parser can fail: a broken YAML block and a line that is not TAP.
sed 's/^  \.\.\.$/  reason: [/; s/^1\.\.8$/1..8\nthis is not TAP/' "$tmp/tap.out" >"$tmp/broken.tap"
NODE_PATH=/usr/share/nodejs /usr/bin/node harness/tests/e2e/lib/tap_parse.js "$tmp/broken.tap" \
	>"$tmp/broken.json" 2>&1
python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))["errors"] else 1)' \
	"$tmp/broken.json" || fail "tap-parser accepts broken TAP: the check cannot fail"

if [ "$failed" -ne 0 ]; then
	echo "report_ci_formats: $failed check(s) failed"
	exit 1
fi
echo "report_ci_formats: ok"
