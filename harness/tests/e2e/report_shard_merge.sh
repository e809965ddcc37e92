#!/bin/sh
# report_shard_merge.sh: `kiln run --shard K/N` and `kiln merge`.
#
# The Rugo suite is run once whole, then as --shard 1/3, 2/3 and 3/3, then
# merged: the merged run must equal the whole one case for case (names,
# outcomes, runs and passes, and each case's files present: case.json,
# console.log, qmp.log; junit.xml's test cases; report.html naming every
# case). The shards must be disjoint, cover the suite and, without
# --durations, differ in size by at most one. Then the same with
# --durations of the whole run, where the busiest shard (by those
# durations) must be within the greedy bound: total / 3 + the longest case.
# Bad --shard values, an empty shard and a merge of overlapping runs are
# checked for their errors and exit codes.
set -u
KILN=${KILN:-build/kiln}
. harness/tests/e2e/lib/selftest_lib.sh
selftest_setup report_shard_merge
. harness/tests/e2e/lib/suite_dirs.sh
dirs=$(rugo_suite_dirs)
failed=0
fail() {
	echo "report_shard_merge: FAIL $*"
	failed=$((failed + 1))
}
latest() { echo "$1/$(readlink "$1/latest")"; }

# shellcheck disable=SC2086 # one word per directory
"$KILN" run --reports "$tmp/whole" -j "${JOBS:-2}" $dirs >"$tmp/whole.out" 2>&1 ||
	fail "the whole suite did not pass: $(tail -3 "$tmp/whole.out")"

# shards ROOT [EXTRA...]: the three shards into ROOT/s1..s3, then ROOT/merged.
shards() {
	root=$1
	shift
	for k in 1 2 3; do
		# shellcheck disable=SC2086
		"$KILN" run --reports "$root/s$k" -j "${JOBS:-2}" --shard "$k/3" "$@" $dirs \
			>"$root.s$k.out" 2>&1 || fail "shard $k/3 $*: exit $?"
	done
	"$KILN" merge -o "$root/merged" "$(latest "$root/s1")" "$(latest "$root/s2")" \
		"$(latest "$root/s3")" >"$root.merge.out" 2>&1 || fail "merge $*: exit $?"
}

# same ROOT MODE: the merged run equals the whole one; MODE is count or durations.
same() {
	python3 - "$(latest "$tmp/whole")" "$1" "$2" <<'EOF'
import json, os, sys, xml.etree.ElementTree as ET
whole, root, mode = sys.argv[1:4]
merged = os.path.join(root, "merged")
errors = []
def load(d):
    return json.load(open(os.path.join(d, "report.json")))
def cases(r):
    return {c["name"]: (c["outcome"], c["runs"], c["passes"]) for c in r["cases"]}
W, M = load(whole), load(merged)
if cases(W) != cases(M):
    errors.append("cases differ: whole %s, merged %s" % (cases(W), cases(M)))
for c in M["cases"]:
    for a in c["attempts"]:
        for f in ("case.json", "console.log", "qmp.log"):
            if not os.path.isfile(os.path.join(merged, a["dir"], f)):
                errors.append("%s has no %s" % (a["dir"], f))
        rec = json.load(open(os.path.join(merged, a["dir"], "case.json")))
        if rec["name"] != c["name"] or rec["outcome"] != c["outcome"]:
            errors.append("%s/case.json says %s %s" % (a["dir"], rec["name"], rec["outcome"]))
        if a.get("source", {}).get("shard") not in ("1/3", "2/3", "3/3"):
            errors.append("%s: no shard recorded: %s" % (c["name"], a.get("source")))
def junit(d):
    return sorted(t.get("name") for t in ET.parse(os.path.join(d, "junit.xml")).iter("testcase"))
if junit(whole) != junit(merged):
    errors.append("junit.xml test cases differ")
html = open(os.path.join(merged, "report.html"), encoding="utf-8").read()
errors += ["report.html does not name %s" % n for n in cases(W) if n not in html]
shards = []
for k in (1, 2, 3):
    d = os.path.join(root, "s%d" % k)
    r = load(os.path.join(d, os.readlink(os.path.join(d, "latest"))))
    if r.get("shard") != "%d/3" % k:
        errors.append("shard %d report says shard %s" % (k, r.get("shard")))
    shards.append(set(c["name"] for c in r["cases"]))
if sum(len(s) for s in shards) != len(set().union(*shards)) or set().union(*shards) != set(cases(W)):
    errors.append("shards overlap or miss cases: %s" % [sorted(s) for s in shards])
if mode == "count" and max(map(len, shards)) - min(map(len, shards)) > 1:
    errors.append("shard sizes %s differ by more than one" % [len(s) for s in shards])
if mode == "durations":
    ms = {c["name"]: c["attempts"][0]["duration_ms"] for c in W["cases"]}
    load_ms = [sum(ms[n] for n in s) for s in shards]
    bound = sum(ms.values()) / 3 + max(ms.values())
    if max(load_ms) > bound:
        errors.append("busiest shard %d ms > bound %d ms (loads %s)" % (max(load_ms), bound, load_ms))
    print("loads by the whole run's durations: %s ms, bound %d ms" % (load_ms, bound))
print("BAD " + "; ".join(errors) if errors else
      "OK %d cases, shard sizes %s" % (len(cases(M)), [len(s) for s in shards]))
EOF
}

shards "$tmp/count"
v=$(same "$tmp/count" count)
case $v in *OK*) echo "report_shard_merge: ok by count: $v" ;; *) fail "by count: $v" ;; esac

shards "$tmp/dur" --durations "$(latest "$tmp/whole")"
v=$(same "$tmp/dur" durations)
case $v in *OK*) echo "report_shard_merge: ok by durations: $v" ;; *) fail "by durations: $v" ;; esac

# Errors: bad shards (2), --durations alone (2), overlapping merge (2).
for bad in 0/3 4/3 x 3 1/0; do
	"$KILN" run --reports "$tmp/bad" --shard "$bad" fixtures/boot >"$tmp/bad.out" 2>&1
	rc=$?
	if [ "$rc" -ne 2 ] || ! grep -q -- "--shard takes K/N" "$tmp/bad.out"; then
		fail "--shard $bad: exit $rc: $(cat "$tmp/bad.out")"
	fi
done
"$KILN" run --reports "$tmp/bad" --durations "$tmp/whole" fixtures/boot >"$tmp/bad.out" 2>&1
[ $? -eq 2 ] || fail "--durations without --shard is not an error"
"$KILN" merge -o "$tmp/twice" "$(latest "$tmp/count/s1")" "$(latest "$tmp/count/s1")" \
	>"$tmp/twice.out" 2>&1
rc=$?
if [ "$rc" -ne 2 ] || ! grep -q "is in both" "$tmp/twice.out" || [ -e "$tmp/twice" ]; then
	fail "merging a run with itself: exit $rc, $(cat "$tmp/twice.out")"
fi
# An empty shard (more shards than cases) is a run of nothing that passes.
"$KILN" run --reports "$tmp/empty" --shard 2/2 fixtures/boot/banner.json >"$tmp/empty.out" 2>&1
rc=$?
n=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['cases']))" \
	"$(latest "$tmp/empty")/report.json" 2>/dev/null)
[ "$rc" -eq 0 ] && [ "$n" = 0 ] || fail "an empty shard: exit $rc, $n cases"

if [ "$failed" -ne 0 ]; then
	echo "report_shard_merge: $failed check(s) failed"
	exit 1
fi
echo "report_shard_merge: ok"
