#!/usr/bin/env python3
"""linux_group.py: the Linux group of fixtures/linux from one base (its
shell.base.json booted once, each case restored from its saved state)
against the same cases each booted from scratch, in the same rounds.

The from-scratch cases are written once into a directory of their own: each
is the case with the base's guest, machine, fail patterns and steps put in
front of its own steps (boot to the prompt, then the case's commands), its
timeout the sum of both. Both sides run as `kiln run -j JOBS DIR`, process
start to exit (the base's boot is inside the snapshot side's time); every
case must pass. Medians and their ratio.

usage: linux_group.py KILN RUNS JOBS GROUP_DIR SCRATCH_DIR
"""
import glob
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import kiln_run, load, med  # noqa: E402


def write_scratch(group, out):
    """One from-scratch fixture per case of group, into out."""
    os.makedirs(out, exist_ok=True)
    n = 0
    for path in sorted(glob.glob(os.path.join(group, "*.json"))):
        if path.endswith(".base.json"):
            continue
        case = json.load(open(path))
        base_path = os.path.join(group, case.pop("base"))
        base = json.load(open(base_path))
        for k in ("kernel", "initrd"):
            base["guest"][k] = os.path.abspath(os.path.join(group, base["guest"][k]))
        # A case booted from scratch writes its disk as the base would:
        # into a throw-away overlay (snapshot=on), never into the image.
        for d in base["guest"].get("disks", []):
            d["file"] = os.path.abspath(os.path.join(group, d["file"]))
            if not d.get("readonly"):
                d["snapshot"] = True
        case["guest"], case["machine"] = base["guest"], base["machine"]
        case["steps"] = base["steps"] + case["steps"]
        case["fail_patterns"] = base.get("fail_patterns", []) + case.get("fail_patterns", [])
        # The case's own budget, read before it is replaced: the silence
        # deadline must stay within the whole (the loader refuses more).
        own = case.get("timeout_s", 30)
        case["timeout_s"] = base.get("timeout_s", 30) + own
        case["silent_timeout_s"] = base.get("silent_timeout_s", 10) + own
        json.dump(case, open(os.path.join(out, os.path.basename(path)), "w"), indent=1)
        n += 1
    return n


def main():
    kiln, runs, jobs, group, scratch = (sys.argv[1], int(sys.argv[2]), sys.argv[3],
                                        sys.argv[4], sys.argv[5])
    n = write_scratch(group, scratch)
    tmp = tempfile.mkdtemp(prefix="linux_group.")
    ms = {"snapshot": [], "scratch": []}
    restore = []
    for r in range(runs):
        for side in (("snapshot", "scratch") if r % 2 == 0 else ("scratch", "snapshot")):
            wall, rep, run = kiln_run(kiln, ["-j", jobs, group if side == "snapshot"
                                             else scratch], tmp, "linux_group")
            if len(rep["cases"]) != n:
                sys.exit("linux_group: %d cases, want %d" % (len(rep["cases"]), n))
            ms[side].append(wall)
            if side == "snapshot":
                for c in rep["cases"]:
                    cj = json.load(open(os.path.join(run, c["attempts"][0]["dir"],
                                                     "case.json")))
                    restore.append(cj["base"]["restore_ms"])
                base = json.load(open(os.path.join(run, "linux/shell.base/case.json")))
    print("linux_group: %d cases, -j %s, %d rounds, load %s at the end" %
          (n, jobs, runs, load()))
    print("| run | median | spread |")
    print("|---|---|---|")
    print("| one base, %d cases restored | %.1f s | %.1f to %.1f s |" %
          (n, med(ms["snapshot"]) / 1000, min(ms["snapshot"]) / 1000,
           max(ms["snapshot"]) / 1000))
    print("| %d cases, each booted from scratch | %.1f s | %.1f to %.1f s |" %
          (n, med(ms["scratch"]) / 1000, min(ms["scratch"]) / 1000,
           max(ms["scratch"]) / 1000))
    print("ratio one base / from scratch: %.3f  (target <= 0.3)" %
          (med(ms["snapshot"]) / med(ms["scratch"])))
    print("restore per case (restore_ms): median %.0f ms; the last base: ready %d ms, "
          "save %d ms, %.1f MiB" % (med(restore), base["base"]["ready_ms"],
                                    base["base"]["save_ms"],
                                    base["base"]["state_bytes"] / 1048576))


main()
