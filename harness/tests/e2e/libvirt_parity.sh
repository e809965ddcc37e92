#!/bin/sh
# libvirt_parity.sh: the contract between the two backends. The whole Rugo
# fixture suite (every fixtures/* area but selftest and diag) runs under the
# qemu backend and under the libvirt backend against a real, private
# libvirtd, reached both ways the backend knows: on its unix socket (this
# host; Kiln connects to the console socket) and over TCP (as another host;
# the console comes through libvirt). Every case must have the same verdict
# (outcome and class) and the same marker sequence (case.json "markers":
# step, pattern and text of each match, in order) in all three runs.
set -u
. ci/libvirt/e2e.sh
lv_require_libvirt
lv_daemon "$lv_test" tcp
suite=$(lv_suite_dirs)

# shellcheck disable=SC2086 # one word per directory
"$KILN" run --backend qemu --reports "$scratch/qemu" -j "$JOBS" $suite >"$scratch/qemu.out" 2>&1
# shellcheck disable=SC2086
"$KILN" run --backend libvirt --connect "$lv_uri" --reports "$scratch/libvirt" -j "$JOBS" \
	$suite >"$scratch/libvirt.out" 2>&1
# shellcheck disable=SC2086
"$KILN" run --backend libvirt --connect "$lv_tcp_uri" --reports "$scratch/tcp" -j "$JOBS" \
	$suite >"$scratch/tcp.out" 2>&1

python3 - "$scratch/qemu/latest" "$scratch/libvirt/latest" "$scratch/tcp/latest" <<'EOF' || lv_fail "the backends disagree"
import json, os, sys

def cases(run):
    out = {}
    for c in json.load(open(os.path.join(run, "report.json")))["cases"]:
        rec = json.load(open(os.path.join(run, c["attempts"][0]["dir"], "case.json")))
        out[c["name"]] = rec
    return out

qemu = cases(sys.argv[1])
bad = 0
seq = lambda r: [(m["step"], m["pattern"], m["text"]) for m in r["markers"]]
for how, run in (("libvirt", sys.argv[2]), ("libvirt over tcp", sys.argv[3])):
    libvirt = cases(run)
    if sorted(qemu) != sorted(libvirt):
        print("different cases: qemu %s, %s %s" % (sorted(qemu), how, sorted(libvirt)))
        bad += 1
    for name in sorted(set(qemu) & set(libvirt)):
        q, l = qemu[name], libvirt[name]
        if l["backend"] != "libvirt" or q["backend"] != "qemu":
            print("%s: backends %s / %s" % (name, q["backend"], l["backend"]))
            bad += 1
        if (q["outcome"], q["class"]) != (l["outcome"], l["class"]):
            print("%s: verdict qemu %s (%s), %s %s (%s)"
                  % (name, q["class"], q["reason"], how, l["class"], l["reason"]))
            bad += 1
        if seq(q) != seq(l):
            print("%s: markers differ\n  qemu: %s\n  %s: %s" % (name, seq(q), how, seq(l)))
            bad += 1
print("parity: %d cases, 3 runs, %d differences" % (len(qemu), bad))
sys.exit(1 if bad or not qemu else 0)
EOF
left=$(virsh -q -c "$lv_uri" list --all --name)
[ -z "$left" ] || lv_fail "domains left on the daemon: $left"
echo "$lv_test: ok"
