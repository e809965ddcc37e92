#!/bin/sh
# runner_behaviour.sh: what `kiln run` promises around the cases themselves.
#
#   -j N          at most N QEMUs at once (sampled), and N=2 really overlaps;
#   --filter      only the cases whose name matches; no match is exit 2;
#   --repeat N    N attempts per case in <case>/<n>/, passes out of runs and
#                 "flaky" in report.json (a QEMU wrapper fails every 2nd run);
#   --tap         stdout is TAP and nothing else, and report.tap is the same;
#   --quiet       no PASS lines, the FAIL lines and the summary remain;
#   JSON_ONLY=1   stdout is exactly one JSON document: report.json;
#   latest        reports/latest points at the newest run;
#   junit.xml     well-formed XML (xmllint, or python's parser) with a guest
#                 that prints control bytes, invalid UTF-8 and a NUL;
#   case lines    no control characters reach the terminal from the guest;
#   progress      on a terminal (a pty from script(1)) a progress line with
#                 the cases running; piped, plain lines only.
set -u
KILN=${KILN:-build/kiln}
repo=$(pwd)

. harness/tests/e2e/lib/selftest_lib.sh
selftest_setup runner_behaviour
export TMPDIR="$tmp/run"
mkdir -p "$TMPDIR" "$tmp/slow" "$tmp/mixed"
failed=0

fail() {
	echo "runner_behaviour: FAIL $*"
	failed=$((failed + 1))
}
ok() {
	echo "runner_behaviour: ok $*"
}
# py SCRIPT ARGS...: run a python3 check; its stdout is the verdict.
py() {
	code=$1
	shift
	python3 -c "$code" "$@" 2>&1
}

# Four cases that each take one second of waiting (a guest that keeps
# running, a step that times out), not CPU: good for measuring -j.
for i in 1 2 3 4; do
	cat >"$tmp/slow/wait_$i.json" <<EOF
{
  "guest": { "kernel": "$repo/build/selftest/alive.mb" },
  "machine": { "memory_mb": 16 },
  "timeout_s": 20,
  "steps": [ { "expect": "TINY: alive" }, { "expect": "TINY: never", "timeout_s": 1 } ],
  "exit": { "running": true }
}
EOF
done
cp fixtures/selftest/pass_running_exit.json fixtures/selftest/fail_missing_marker.json \
	fixtures/selftest/guest_panicked_garbage.json "$tmp/mixed/"
# The copies name their guests relative to fixtures/selftest.
sed -i "s|\"\\.\\./\\.\\./build/|\"$repo/build/|" "$tmp"/mixed/*.json

# Our QEMUs (command line names $tmp), counted.
our_qemus() {
	selftest_ours 'qemu-system*' | wc -l
}

# ---- -j -------------------------------------------------------------------
echo "runner_behaviour: -j: 4 one-second cases; -j1 runs one QEMU at a time, -j2 two, and is faster"
for j in 1 2; do
	t0=$(date +%s%N)
	"$KILN" run -j "$j" --reports "$tmp/j$j" "$tmp/slow" >"$tmp/j$j.out" 2>&1 &
	pid=$!
	max=0
	while selftest_alive "$pid"; do
		q=$(our_qemus)
		[ "$q" -gt "$max" ] && max=$q
		sleep 0.05
	done
	wait "$pid"
	eval "wall_$j=$((($(date +%s%N) - t0) / 1000000)) max_$j=$max"
done
# shellcheck disable=SC2154 # set by eval above
if [ "$max_1" -ne 1 ] || [ "$max_2" -ne 2 ]; then
	fail "-j: at most $max_1 QEMU(s) at once with -j1 and $max_2 with -j2 (want 1 and 2)"
elif [ $((wall_2 * 4)) -ge $((wall_1 * 3)) ]; then
	fail "-j: -j2 took $wall_2 ms, -j1 $wall_1 ms: no real overlap"
else
	ok "-j: max $max_1 QEMU with -j1 ($wall_1 ms), $max_2 with -j2 ($wall_2 ms)"
fi

# ---- --filter -------------------------------------------------------------
echo "runner_behaviour: --filter: only matching case names run; a filter matching nothing is exit 2"
"$KILN" run --filter 'selftest/pass_*' --reports "$tmp/filter" -j2 fixtures/selftest >"$tmp/filter.out" 2>&1
rc=$?
got=$(py 'import json, sys
r = json.load(open(sys.argv[1]))
print(" ".join(sorted(c["name"] for c in r["cases"])))' "$tmp/filter/latest/report.json")
want="selftest/pass_qmp_steps selftest/pass_running_exit selftest/pass_send selftest/pass_unordered"
if [ "$rc" -ne 0 ] || [ "$got" != "$want" ]; then
	fail "--filter: exit $rc, cases '$got' (want exit 0, '$want')"
else
	ok "--filter: ran exactly $want"
fi
"$KILN" run --filter 'no/such*' --reports "$tmp/filter2" fixtures/selftest >"$tmp/filter2.out" 2>&1
rc=$?
if [ "$rc" -ne 2 ] || ! grep -q "no fixture matched" "$tmp/filter2.out"; then
	fail "--filter matching nothing: exit $rc, output: $(cat "$tmp/filter2.out")"
else
	ok "--filter matching nothing: exit 2, 'no fixture matched'"
fi

# ---- --repeat -------------------------------------------------------------
# A flaky environment: this "QEMU" fails to start on every second call.
cat >"$tmp/flaky-qemu" <<EOF
#!/bin/sh
n=\$(cat "$tmp/flaky-count" 2>/dev/null || echo 0)
echo \$((n + 1)) >"$tmp/flaky-count"
if [ \$((n % 2)) -eq 1 ]; then
	echo "flaky-qemu: failing call \$((n + 1)) on purpose" >&2
	exit 1
fi
exec qemu-system-x86_64 "\$@"
EOF
chmod +x "$tmp/flaky-qemu"
echo "runner_behaviour: --repeat 3: 3 attempts per case; passes out of runs; flaky when some but not all pass"
"$KILN" run --repeat 3 -j1 --reports "$tmp/repeat" fixtures/selftest/pass_running_exit.json \
	fixtures/selftest/fail_missing_marker.json >"$tmp/repeat.out" 2>&1
KILN_QEMU=$tmp/flaky-qemu "$KILN" run --repeat 3 -j1 --reports "$tmp/repeat-flaky" \
	fixtures/selftest/pass_running_exit.json >"$tmp/repeat-flaky.out" 2>&1
verdict=$(py 'import json, os, sys
def load(root):
    run = os.path.join(root, "latest")
    return run, json.load(open(os.path.join(run, "report.json")))
errors = []
run, r = load(sys.argv[1])
want = {"selftest/pass_running_exit": (3, 3, False, "pass"),
        "selftest/fail_missing_marker": (3, 0, False, "fail")}
for c in r["cases"]:
    got = (c["runs"], c["passes"], c["flaky"], c["outcome"])
    if got != want.get(c["name"]):
        errors.append("%s: runs, passes, flaky, outcome = %s" % (c["name"], got))
    dirs = [a["dir"] for a in c["attempts"]]
    if dirs != ["%s/%d" % (c["name"], n) for n in (1, 2, 3)]:
        errors.append("%s: attempt dirs %s" % (c["name"], dirs))
    for d in dirs:
        case = json.load(open(os.path.join(run, d, "case.json")))
        if case["attempt"] != int(d.rsplit("/", 1)[1]):
            errors.append("%s: case.json attempt %s" % (d, case["attempt"]))
if r["summary"]["runs"] != 6 or r["summary"]["passed"] != 3:
    errors.append("summary %s" % r["summary"])
run, r = load(sys.argv[2])
c = r["cases"][0]
got = (c["runs"], c["passes"], c["flaky"], c["outcome"], c["class"])
if got != (3, 2, True, "qemu_start_failed", "qemu_start_failed"):
    errors.append("flaky case: runs, passes, flaky, outcome, class = %s" % (got,))
if "failing call 2 on purpose" not in c["reason"]:
    errors.append("flaky case reason %r" % c["reason"])
print("; ".join(errors) if errors else "OK")' "$tmp/repeat" "$tmp/repeat-flaky")
if [ "$verdict" != OK ]; then
	fail "--repeat: $verdict"
	sed 's/^/    | /' "$tmp/repeat.out" "$tmp/repeat-flaky.out"
else
	ok "--repeat: 3/3 passes, 0/3 passes, and 2/3 passes marked flaky with the worst attempt's class"
fi

# ---- --tap ----------------------------------------------------------------
echo "runner_behaviour: --tap: stdout is TAP version 14 and nothing else; report.tap matches"
"$KILN" run --tap -j2 --reports "$tmp/tap" "$tmp/mixed" >"$tmp/tap.out" 2>"$tmp/tap.err"
verdict=$(py 'import re, sys
lines = open(sys.argv[1], "rb").read().decode("utf-8").split("\n")
errors = []
if lines[:2] != ["TAP version 14", "1..3"]:
    errors.append("header %r" % lines[:2])
body = [l for l in lines[2:] if l and not l.startswith("  ")]  # not the YAML blocks
results = {}
for l in body:
    m = re.match(r"^(not ok|ok) (\d+) - (PASS|FAIL) (\S+) ", l)
    if not m:
        errors.append("not a TAP line: %r" % l)
        continue
    results[m.group(4)] = m.group(1)
want = {"mixed/pass_running_exit": "ok", "mixed/fail_missing_marker": "not ok",
        "mixed/guest_panicked_garbage": "not ok"}
if results != want:
    errors.append("results %s" % results)
if any(ord(ch) < 32 for l in body for ch in l):
    errors.append("a control character in a TAP line")
if open(sys.argv[2], "rb").read() != open(sys.argv[1], "rb").read():
    errors.append("report.tap differs from stdout")
print("; ".join(errors) if errors else "OK")' "$tmp/tap.out" "$tmp/tap/latest/report.tap")
if [ "$verdict" != OK ]; then
	fail "--tap: $verdict"
	sed 's/^/    | /' "$tmp/tap.out"
else
	ok "--tap: 3 TAP lines (1 ok, 2 not ok), identical report.tap"
fi

# ---- --quiet --------------------------------------------------------------
echo "runner_behaviour: --quiet: no PASS lines; FAIL lines and the summary remain"
"$KILN" run --quiet -j2 --reports "$tmp/quiet" "$tmp/mixed" >"$tmp/quiet.out" 2>/dev/null
if grep -q '^PASS' "$tmp/quiet.out" || [ "$(grep -c '^FAIL' "$tmp/quiet.out")" -ne 2 ] ||
	! grep -q '^kiln: 1 passed, 2 failed$' "$tmp/quiet.out"; then
	fail "--quiet: output was:"
	sed 's/^/    | /' "$tmp/quiet.out"
else
	ok "--quiet: 2 FAIL lines and the summary, no PASS line"
fi

# ---- JSON_ONLY=1 ----------------------------------------------------------
echo "runner_behaviour: JSON_ONLY=1: stdout is exactly one JSON document, report.json"
JSON_ONLY=1 "$KILN" run -j2 --reports "$tmp/json" "$tmp/mixed" >"$tmp/json.out" 2>/dev/null
rc=$?
verdict=$(py 'import json, sys
text = open(sys.argv[1], "rb").read().decode("utf-8")
try:
    doc, end = json.JSONDecoder().raw_decode(text)
except ValueError as e:
    print("stdout is not JSON: %s" % e); sys.exit()
if text[end:].strip():
    print("more after the JSON document: %r" % text[end:][:80]); sys.exit()
if doc != json.load(open(sys.argv[2])):
    print("stdout is not report.json"); sys.exit()
print("OK" if doc["schema"] == "kiln.report/1" and doc["exit_code"] == int(sys.argv[3])
      else "schema %s, exit_code %s vs %s" % (doc["schema"], doc["exit_code"], sys.argv[3]))' \
	"$tmp/json.out" "$tmp/json/latest/report.json" "$rc")
if [ "$verdict" != OK ]; then
	fail "JSON_ONLY=1: $verdict"
else
	ok "JSON_ONLY=1: stdout is report.json and nothing else (exit $rc)"
fi

# ---- reports/latest -------------------------------------------------------
echo "runner_behaviour: latest: a symlink to the newest run, replaced by the next run"
"$KILN" run --reports "$tmp/latest" "$tmp/mixed/pass_running_exit.json" >/dev/null 2>&1
first=$(readlink "$tmp/latest/latest")
"$KILN" run --reports "$tmp/latest" "$tmp/mixed/pass_running_exit.json" >/dev/null 2>&1
second=$(readlink "$tmp/latest/latest")
# Two runs in the same second are named <stamp> and <stamp>-2, which sort
# the wrong way round: the newest is the one run directory that is not first.
newest=$(cd "$tmp/latest" && ls -d 2*/ | grep -vxF "$first/")
if [ -z "$first" ] || [ "$first" = "$second" ] || [ "$second/" != "$newest" ] ||
	[ ! -f "$tmp/latest/latest/report.json" ]; then
	fail "latest: '$first' then '$second', newest run dir '$newest'"
else
	ok "latest: '$first' then '$second' (relative, the newest)"
fi

# ---- junit.xml and case lines with a guest printing garbage ---------------
echo "runner_behaviour: junit.xml stays well-formed XML with a guest printing control bytes, invalid UTF-8, NUL"
junit=$tmp/tap/latest/junit.xml
if command -v xmllint >/dev/null; then
	if xmllint --noout "$junit" 2>"$tmp/xmllint.err"; then
		ok "junit.xml: xmllint accepts it"
	else
		fail "junit.xml: xmllint: $(head -5 "$tmp/xmllint.err")"
	fi
else
	echo "runner_behaviour: xmllint not found (ci/install-deps.sh installs libxml2-utils); python's parser only"
fi
verdict=$(py 'import sys, xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except ET.ParseError as e:
    print("not XML: %s" % e); sys.exit()
suite = root.find("testsuite")
cases = suite.findall("testcase")
garbage = [c for c in cases if (c.get("classname"), c.get("name")) == ("kiln.mixed", "guest_panicked_garbage")]
errors = []
if (suite.get("tests"), suite.get("failures"), len(cases)) != ("3", "2", 3):
    errors.append("tests=%s failures=%s testcases=%d" % (suite.get("tests"), suite.get("failures"), len(cases)))
if not garbage or garbage[0].find("failure") is None:
    errors.append("no failure for the garbage guest")
else:
    msg = garbage[0].find("failure").get("message")
    out = garbage[0].findtext("system-out") or ""
    if "guest_panicked" not in msg or "\ufffd" not in msg:
        errors.append("failure message %r" % msg)
    if "TINY: junk done" not in out or "\ufffd" not in out or "&<>" not in out:
        errors.append("system-out %r" % out[-200:])
print("; ".join(errors) if errors else "OK")' "$junit")
if [ "$verdict" != OK ]; then
	fail "junit.xml: $verdict"
else
	ok "junit.xml: parses; the garbage case has its failure and console tail (U+FFFD for bad bytes)"
fi
if tr -d '\n' <"$tmp/quiet.out" | LC_ALL=C grep -q '[[:cntrl:]]'; then
	fail "case lines: control characters from the guest reached stdout: $(LC_ALL=C grep -n '[[:cntrl:]]' "$tmp/quiet.out" | od -c | head -3)"
else
	ok "case lines: no control characters on stdout"
fi

# ---- progress line: terminal versus pipe ----------------------------------
echo "runner_behaviour: progress: on a pty a '[done/total] running: <names>' line; piped, none"
if command -v script >/dev/null; then
	script -qec "'$KILN' run -j2 --reports '$tmp/tty' '$tmp/slow'" /dev/null >"$tmp/tty.out" 2>&1
	"$KILN" run -j2 --reports "$tmp/pipe" "$tmp/slow" >"$tmp/pipe.out" 2>/dev/null
	verdict=$(py 'import re, sys
tty = open(sys.argv[1], "rb").read().decode("utf-8", "replace")
pipe = open(sys.argv[2], "rb").read().decode("utf-8", "replace")
errors = []
prog = re.findall(r"\r\x1b\[K\[(\d+)/4\] running:((?: slow/wait_\d)+)", tty)
if not prog:
    errors.append("no progress line on the pty")
elif not any(int(d) > 0 for d, _ in prog) or max(len(n.split()) for _, n in prog) != 2:
    errors.append("progress lines %s" % prog[:6])
if not re.search(r"PASS slow/wait_\d|FAIL slow/wait_\d", tty):
    errors.append("no case lines on the pty")
if "\r" in pipe or "\x1b" in pipe or "running:" in pipe:
    errors.append("progress or escapes in piped output")
if len(re.findall(r"^FAIL slow/wait_\d timeout_after:TINY: alive", pipe, re.M)) != 4:
    errors.append("piped case lines: %r" % pipe)
print("; ".join(errors) if errors else "OK %d progress updates" % len(prog))' "$tmp/tty.out" "$tmp/pipe.out")
	case $verdict in
	OK*) ok "progress: ${verdict#OK } on the pty, plain lines when piped" ;;
	*) fail "progress: $verdict" ;;
	esac
else
	echo "runner_behaviour: script(1) not found: the terminal check is skipped"
fi

if [ "$failed" -ne 0 ]; then
	echo "runner_behaviour: $failed check(s) failed"
	exit 1
fi
echo "runner_behaviour: ok"
