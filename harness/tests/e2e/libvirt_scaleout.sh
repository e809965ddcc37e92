#!/bin/sh
# libvirt_scaleout.sh: one run spread over two libvirt hosts, and a host
# that dies in the middle of a run.
#
# Two private libvirtd instances stand in for two hosts: a, reached on its
# unix socket (this host: Kiln connects to the console socket itself), and
# b, reached over TCP as another host would be (the console comes through
# libvirt). With --connect given twice (and -j 1, so one case per host at a time) the Rugo suite must
# pass with cases on both hosts, each case.json naming its host, and one
# report listing both. Then the suite runs again and the second host's
# libvirtd is killed while one of its guests runs: that case, and every
# case after it, must run on the first host; the run passes, and report.json
# says which host failed and which case was retried.
set -u
. ci/libvirt/e2e.sh
lv_require_libvirt
lv_daemon "${lv_test}_a"
a=$lv_uri
lv_daemon "${lv_test}_b" tcp
b=$lv_tcp_uri
b_name=$lv_name
suite=$(lv_suite_dirs)

# shellcheck disable=SC2086 # one word per directory
"$KILN" run --connect "$a" --connect "$b" -j 1 --reports "$scratch/shared" $suite \
	>"$scratch/shared.out" 2>&1 || lv_fail "the shared run failed: $(cat "$scratch/shared.out")"
python3 - "$scratch/shared/latest" "$a" "$b" <<'EOF' || lv_fail "the shared run's report is wrong"
import json, os, sys
run, a, b = sys.argv[1:]
r = json.load(open(os.path.join(run, "report.json")))
conns = {c["uri"]: c for c in r["connections"]}
assert sorted(conns) == sorted([a, b]), conns
assert conns[a]["cases"] and conns[b]["cases"], "a host ran nothing: %s" % conns
assert r["retried"] == [], r["retried"]
consoles = {a: "unix socket", b: "libvirt stream (pty)"}
for c in r["cases"]:
    rec = json.load(open(os.path.join(run, c["attempts"][0]["dir"], "case.json")))
    assert rec["connect"] in (a, b), rec.get("connect")
    assert c["name"] in conns[rec["connect"]]["cases"], c["name"]
    assert rec["backend_facts"]["console"] == consoles[rec["connect"]], rec["backend_facts"]
print("shared: %d cases on host a, %d on host b"
      % (len(conns[a]["cases"]), len(conns[b]["cases"])))
EOF

# Host b fails mid-run: kill its daemon once one of its guests runs. The
# daemon's subreaper then ends that guest's QEMU, as a dead host would.
# shellcheck disable=SC2086
"$KILN" run --connect "$a" --connect "$b" -j 1 --reports "$scratch/failover" $suite \
	>"$scratch/failover.out" 2>&1 &
kiln_pid=$!
i=0
until [ -n "$(virsh -q -c "$b" list --name 2>/dev/null)" ]; do
	i=$((i + 1))
	[ $i -lt 300 ] || lv_fail "no guest ever ran on host b"
	sleep 0.1
done
kill -KILL "$(cat "$BUILD/libvirt/$b_name/run/libvirtd.pid")"
wait "$kiln_pid"
rc=$?
[ $rc -eq 0 ] || lv_fail "the run with a failed host exited $rc: $(cat "$scratch/failover.out")"
grep -q "failed mid-run" "$scratch/failover.out" || lv_fail "kiln did not say the host failed"
python3 - "$scratch/failover/latest" "$a" "$b" <<'EOF' || lv_fail "the failover report is wrong"
import json, os, sys
run, a, b = sys.argv[1:]
r = json.load(open(os.path.join(run, "report.json")))
conns = {c["uri"]: c for c in r["connections"]}
assert conns[b]["failed"] and conns[b].get("reason"), conns[b]
assert not conns[a]["failed"], conns[a]
assert r["summary"]["passed"] == r["summary"]["runs"], r["summary"]
assert len(r["retried"]) >= 1, r
for t in r["retried"]:
    assert t["from"] == b, t
    kept = os.path.join(run, t["dir"])
    assert os.path.isdir(kept), kept
    old = json.load(open(os.path.join(kept, "case.json")))
    assert old["outcome"] == "harness_error" and old.get("host_failed"), old
    new = [c for c in r["cases"] if c["name"] == t["case"]][0]
    rec = json.load(open(os.path.join(run, new["attempts"][0]["dir"], "case.json")))
    assert rec["connect"] == a and rec["outcome"] == "pass", rec
print("failover: %s retried on host a; host b ran %d cases before it failed"
      % ([t["case"] for t in r["retried"]], len(conns[b]["cases"])))
EOF
left=$(virsh -q -c "$a" list --all --name)
[ -z "$left" ] || lv_fail "domains left on host a: $left"
echo "$lv_test: ok"
