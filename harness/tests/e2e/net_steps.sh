#!/bin/sh
# net_steps.sh: machine.network and the udp_send step against a real QEMU
# user-mode network (docs/fixtures.md, "machine.network").
#
# 1. fixtures/net under `-j 2 --repeat NET_REPEAT` (default 20): every
#    attempt passes, and no two cases running at once were given the same
#    host port (each case.json's "network" names its port; kiln would have
#    retried a port taken meanwhile, which the output then notes).
# 2. While that runs, `ss -lnup`/`-lntp` is sampled: every socket that one of
#    this run's QEMUs listens on is on 127.0.0.1, and at least one was seen.
# 3. The echo's reply and round-trip time are in case.json (rtt_ms).
# 4. `kiln replay --no-gdb` of a network case says plainly it cannot.
# 5. A bad network key is a load error with file:line:column, exit 2.
set -u
KILN=${KILN:-build/kiln}
REPEAT=${NET_REPEAT:-20}
. harness/tests/e2e/lib/selftest_lib.sh
selftest_setup net_steps

fail() {
	echo "net_steps: FAIL: $*"
	exit 1
}

# 1 and 2: the run in the background, ss sampled until it ends.
"$KILN" run --reports "$tmp/r" -j 2 --repeat "$REPEAT" fixtures/net >"$tmp/out" 2>&1 &
kiln_pid=$!
: >"$tmp/ss"
# A case's QEMU lives a few hundred ms: sample ss itself (fast) and match
# its lines to this run's QEMUs afterwards, by the pid each case.json names.
while selftest_alive "$kiln_pid"; do
	ss -H -lnup 2>/dev/null | grep qemu-system >>"$tmp/ss"
	ss -H -lntp 2>/dev/null | grep qemu-system >>"$tmp/ss"
	sleep 0.02
done
wait "$kiln_pid"
rc=$?
[ "$rc" -eq 0 ] || fail "kiln exited $rc:
$(tail -20 "$tmp/out")"

python3 - "$tmp/r" "$REPEAT" "$tmp/ss" <<'EOF' || fail "the run's reports are wrong (above)"
import glob, json, os, sys
root, repeat, ss_log = sys.argv[1], int(sys.argv[2]), sys.argv[3]
run = os.path.join(root, os.readlink(os.path.join(root, "latest")))
report = json.load(open(os.path.join(run, "report.json")))
attempts = [a for c in report["cases"] for a in c["attempts"]]
nets = len(glob.glob("fixtures/net/*.json"))
errors = []
if len(attempts) != nets * repeat:
    errors.append("%d attempts, %d expected" % (len(attempts), nets * repeat))
rtts = []
ours = {}  # QEMU pid -> the host ports its case.json names
for a in attempts:
    case = json.load(open(os.path.join(run, a["dir"], "case.json")))
    if case["outcome"] != "pass":
        errors.append("%s: %s: %s" % (a["dir"], case["outcome"], case["reason"]))
    ports = [n["host_port"] for n in case.get("network", [])]
    ours[case["backend_facts"]["pid"]] = set(ports)
    if not ports or any(n["host"] != "127.0.0.1" for n in case["network"]):
        errors.append("%s: no 127.0.0.1 port in case.json's network" % a["dir"])
    for s in case["steps"]:
        if "rtt_ms" in s:
            if s["reply_bytes"] <= 0 or "reply" not in s:
                errors.append("%s: an rtt without its reply" % a["dir"])
            if a["dir"].endswith("udp_echo") or "/udp_echo" in a["dir"]:
                if s["step"].startswith("udp_send 16 bytes"):
                    rtts.append(s["rtt_ms"])
                    if s["reply"] != "hello from kiln\n":
                        errors.append("%s: reply %r" % (a["dir"], s["reply"]))
# ss: "UNCONN 0 0 127.0.0.1:41234 0.0.0.0:* users:(("qemu-system-x86",pid=N,fd=M))"
seen = set()
for line in open(ss_log):
    fields = line.split()
    pid = int(line.split("pid=")[1].split(",")[0])
    if pid not in ours:
        continue  # another run's QEMU on this machine
    local = next(f for f in fields if ":" in f and f.rsplit(":", 1)[1].isdigit())
    addr, port = local.rsplit(":", 1)
    seen.add((pid, local))
    if addr != "127.0.0.1" or int(port) not in ours[pid]:
        errors.append("QEMU pid %d listens on %s, not on its 127.0.0.1 port %s"
                      % (pid, local, sorted(ours[pid])))
if not seen:
    errors.append("ss never showed a listener of this run's QEMUs")
else:
    print("net_steps: ss saw %d listeners of %d of this run's QEMUs, all on their "
          "127.0.0.1 port" % (len(seen), len({p for p, _ in seen})))
if not rtts:
    errors.append("no echo round trip in any udp_echo case.json")
for e in errors:
    print("net_steps:", e)
if errors:
    sys.exit(1)
rtts.sort()
print("net_steps: %d attempts passed; echo rtt_ms over %d runs: min %.3f median %.3f max %.3f"
      % (len(attempts), len(rtts), rtts[0], rtts[len(rtts) // 2], rtts[-1]))
EOF
# Two cases at once must never share a port: QEMU would refuse the second
# forward. kiln retries such a start and says so; count how often it did.
retries=$(grep -c "picking other ports" "$tmp/out")
echo "net_steps: port retries during the run: $retries"

# 4. Replay refuses a network case, naming why.
dir=$(dirname "$(ls "$tmp"/r/latest/net/udp_echo/*/case.json | head -1)")
"$KILN" replay --no-gdb "$dir" >"$tmp/replay.out" 2>&1 && fail "replay of a network case succeeded"
grep -q "talked to its guest over the network" "$tmp/replay.out" ||
	fail "replay did not say why: $(cat "$tmp/replay.out")"
echo "net_steps: replay refuses a network case: $(head -1 "$tmp/replay.out")"

# 5. A bad key: file:line:column and exit 2.
mkdir -p "$tmp/bad"
sed 's/"udp": \[7\]/"udp": [7, 70000]/' fixtures/net/udp_echo.json >"$tmp/bad/net.json"
"$KILN" validate "$tmp/bad/net.json" >"$tmp/validate.out" 2>&1
vrc=$?
[ "$vrc" -eq 2 ] || fail "kiln validate exited $vrc on a bad port"
grep -q "net.json:9:[0-9]*: a guest UDP port is an integer from 1 to 65535" "$tmp/validate.out" ||
	fail "validate: $(cat "$tmp/validate.out")"
echo "net_steps: ok"
