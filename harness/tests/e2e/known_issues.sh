#!/bin/sh
# known_issues.sh: `kiln run --known FILE` and `kiln known` (docs/reports.md,
# kiln/fixture/known.h), on selftest/replay_null_write, which fails on
# purpose with the title "guest_panicked:page_fault in replay_slot_store".
# It checks that:
#   1. without --known, the failure is new: exit 5, a FAIL line, and on
#      stderr a line ready to paste into a known-issues file;
#   2. that line, pasted with a link and an expiry, makes the failure known
#      in every report: a KNOWN line, exit 0, case.json "known", report.json
#      counting it apart (summary.known 1, failed 0), junit.xml <skipped>
#      with the link, report.tap "# SKIP known issue";
#   3. an entry that has expired no longer matches (exit 5, the expiry is
#      named), and `kiln known` fails on it only under CI_STRICT=1;
#   4. a known-issues file that does not load stops the run before anything
#      boots (exit 2) with file:line:column and the reason.
set -u
KILN=${KILN:-build/kiln}

. harness/tests/e2e/lib/selftest_lib.sh
selftest_setup known_issues
failed=0
fx=fixtures/selftest/replay_null_write.json

fail() {
	echo "known_issues: FAIL $*"
	failed=1
}

# 1. a new failure
"$KILN" run --reports "$tmp/new" "$fx" >"$tmp/new.out" 2>"$tmp/new.err"
rc=$?
[ "$rc" -eq 5 ] || fail "a new failure exits $rc, not 5"
grep -q '^FAIL selftest/replay_null_write ' "$tmp/new.out" || fail "no FAIL line"
paste=$(sed -n 's/^kiln: new failure; known issues take: //p' "$tmp/new.err")
[ -n "$paste" ] || { fail "no line to paste on stderr"; cat "$tmp/new.err"; }

# 2. the pasted line, completed by a person, makes it known
python3 - "$paste" "$tmp/known.json" 2026-01-01 2099-12-31 <<'PY' || fail "the pasted line is not a JSON entry"
import json, sys
line, out, _, expires = sys.argv[1:5]
entry = json.loads(line.rstrip(","))
assert entry["title"] == "guest_panicked:page_fault in replay_slot_store", entry
assert entry["fixture"] == "selftest/replay_null_write", entry
entry["link"] = "https://example.invalid/issues/7"
entry["expires"] = expires
json.dump({"schema": "kiln.known/1", "issues": [entry]}, open(out, "w"), indent=2)
PY
"$KILN" run --tap --known "$tmp/known.json" --reports "$tmp/known" "$fx" >"$tmp/known.out" 2>&1
rc=$?
[ "$rc" -eq 0 ] || { fail "a known failure exits $rc, not 0"; cat "$tmp/known.out"; }
python3 - "$tmp/known/latest" <<'PY' || failed=1
import json, os, sys
import xml.etree.ElementTree as ET
run = sys.argv[1]
bad = []
case = json.load(open(os.path.join(run, "selftest/replay_null_write/case.json")))
report = json.load(open(os.path.join(run, "report.json")))
if case.get("known", {}).get("link") != "https://example.invalid/issues/7":
    bad.append("case.json known: %r" % case.get("known"))
if case["outcome"] != "guest_panicked":
    bad.append("case.json outcome changed to %r: a known failure is still what it was" % case["outcome"])
s = report["summary"]
if (s["known"], s["failed"], s["passed"], report["exit_code"]) != (1, 0, 0, 0):
    bad.append("report.json summary %r, exit_code %r" % (s, report["exit_code"]))
if report["cases"][0]["attempts"][0].get("known") is None:
    bad.append("report.json attempt has no known")
tc = ET.parse(os.path.join(run, "junit.xml")).getroot().find(".//testcase")
sk = tc.find("skipped")
if sk is None or "https://example.invalid/issues/7" not in sk.get("message", "") or tc.find("failure") is not None:
    bad.append("junit testcase %r" % ET.tostring(tc))
tap = open(os.path.join(run, "report.tap")).read()
if "ok 1 - KNOWN selftest/replay_null_write" not in tap or "# SKIP known issue https://example.invalid/issues/7" not in tap:
    bad.append("report.tap: " + tap)
for b in bad:
    print("known_issues: FAIL " + b)
sys.exit(1 if bad else 0)
PY
grep -q '^ok 1 - KNOWN selftest/replay_null_write' "$tmp/known.out" || fail "--tap stdout has no KNOWN point"

# 3. expired
sed 's/2099-12-31/2020-01-01/' "$tmp/known.json" >"$tmp/expired.json"
"$KILN" run --known "$tmp/expired.json" --reports "$tmp/exp" "$fx" >"$tmp/exp.out" 2>"$tmp/exp.err"
rc=$?
[ "$rc" -eq 5 ] || fail "an expired entry still matches (exit $rc)"
grep -q "expired on 2020-01-01" "$tmp/exp.err" || fail "the run does not name the expired entry"
"$KILN" known "$tmp/expired.json" >/dev/null 2>&1
rc=$?
[ "$rc" -eq 0 ] || fail "kiln known exits $rc on an expired entry without CI_STRICT"
CI_STRICT=1 "$KILN" known "$tmp/expired.json" >/dev/null 2>"$tmp/strict.err"
rc=$?
[ "$rc" -eq 1 ] || fail "kiln known exits $rc on an expired entry under CI_STRICT=1, not 1"
grep -q "expired.json:[0-9]*: error: known issue" "$tmp/strict.err" || fail "no file:line for the expired entry"
CI_STRICT=1 "$KILN" known "$tmp/known.json" >/dev/null 2>&1 || fail "kiln known fails on a live entry"

# 4. bad files: each fault at its own place
check_bad() { # TEXT WANT
	printf '%s\n' "$1" >"$tmp/bad.json"
	"$KILN" run --known "$tmp/bad.json" --reports "$tmp/bad" "$fx" >"$tmp/bad.out" 2>&1
	rc=$?
	if [ "$rc" -ne 2 ] || ! grep -qF -- "$2" "$tmp/bad.out" || [ -e "$tmp/bad" ]; then
		fail "bad file: exit $rc, want 2 and '$2'"
		cat "$tmp/bad.out"
	fi
	"$KILN" known "$tmp/bad.json" >/dev/null 2>&1
	[ $? -eq 2 ] || fail "kiln known does not exit 2 on a bad file"
}
check_bad '{"schema": "kiln.known/1", "issues": [' "bad.json:2:0:"
check_bad '{"schema": "kiln.known/1", "issues": [
  {"title": "x", "fixture": "y", "link": "z", "expires": "2026-02-31"}]}' \
	"bad.json:2:47: expires must be a date YYYY-MM-DD, not '2026-02-31'"
check_bad '{"schema": "kiln.known/1", "issues": [
  {"title": "x", "fixture": "y", "link": "z", "expires": "2026-02-01", "owner": "me"}]}' \
	"unknown key 'owner' in an issue"
check_bad '{"schema": "kiln.known/1", "issues": [
  {"title": "x", "link": "z", "expires": "2026-02-01"}]}' \
	"bad.json:2:3: an issue needs the key 'fixture'"
check_bad '{"schema": "kiln.known/2", "issues": []}' "schema must be"

if [ "$failed" -ne 0 ]; then
	echo "known_issues: FAIL"
	exit 1
fi
echo "known_issues: ok"
