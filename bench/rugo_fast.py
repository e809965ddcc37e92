#!/usr/bin/env python3
"""rugo_fast.py: Rugo's boot/banner case today against commit 798b183 (the
issue's "today": kalloc junk-filled all of RAM, byte-wise string routines,
-M pc with SeaBIOS), and against the pexpect peer, in the same rounds.

Per round, in alternating order:
  old   kiln run of the old tree's fixtures/boot/banner.json (its own guest,
        built from `git archive 798b183` under build/bench/rugo-798b183);
  new   kiln run of this tree's fixtures/boot/banner.json;
  peer  bench/pexpect_peer.py: the same QEMU argv kiln used for "new"
        (case.json's machine_argv) with the serial console on stdio,
        waiting for the same markers and the same exit status;
  peer-pc the peer as the milestone plan would write it, on QEMU's default
        machine (pc, SeaBIOS), same guest and markers.
Every run is a process, start to exit. Medians, their ratios, and the boot
budget of "new" and "old", stage by stage, from case.json and qmp.log.

usage: rugo_fast.py KILN OLD_TREE RUNS
"""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import case_json, kiln_run, load, med, timed  # noqa: E402

MARKERS = "RUGO: boot ok,RUGO: halt ok"


def qmp_ready_ms(run, report):
    """When QEMU answered qmp_capabilities: its main loop runs from then."""
    d = os.path.join(run, report["cases"][0]["attempts"][0]["dir"])
    lines = [l for l in open(os.path.join(d, "qmp.log")) if '"id": "kiln-1"' in l]
    return float(lines[0].split()[0]) * 1000


def stages(run, report, wall):
    c = case_json(run, report)
    t = [m["t_ms"] for m in c["markers"]]
    return {"qmp": qmp_ready_ms(run, report), "boot": t[0], "halt": t[1],
            "case": c["duration_ms"], "wall": wall}


def main():
    kiln, old_tree, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    here = os.path.dirname(os.path.abspath(__file__))
    tmp = tempfile.mkdtemp(prefix="rugo_fast.")
    fx = {"old": os.path.join(old_tree, "fixtures/boot/banner.json"),
          "new": "fixtures/boot/banner.json"}
    # One kiln run gives the argv the peer boots.
    _, rep, run = kiln_run(kiln, ["-j", "1", fx["new"]], tmp, "rugo_fast")
    machine = case_json(run, rep)["replay"]["machine_argv"]
    kernel = machine[machine.index("-kernel") + 1]
    serial = ["-serial", "stdio"]
    peer = [sys.executable, os.path.join(here, "pexpect_peer.py"), "33", "10", MARKERS, "--"]
    peer_argv = {"peer": peer + machine + serial,
                 "peer-pc": peer + ["qemu-system-x86_64", "-m", "64", "-display", "none",
                                    "-nodefaults", "-device",
                                    "isa-debug-exit,iobase=0xf4,iosize=0x04", "-kernel",
                                    kernel, "-append", "rugo.test=banner"] + serial}
    ms = {k: [] for k in ("old", "new", "peer", "peer-pc")}
    st = {"old": [], "new": []}
    for r in range(runs):
        order = list(ms) if r % 2 == 0 else list(ms)[::-1]
        for k in order:
            if k in fx:
                wall, rep, run = kiln_run(kiln, ["-j", "1", fx[k]], tmp, "rugo_fast")
                st[k].append(stages(run, rep, wall))
            else:
                wall = timed(peer_argv[k], "rugo_fast")
            ms[k].append(wall)
    m = {k: med(v) for k, v in ms.items()}
    print("rugo_fast: %d rounds, load %s at the end" % (runs, load()))
    print("| run | median | spread |")
    print("|---|---|---|")
    for k, v in ms.items():
        print("| %s | %.1f ms | %.0f to %.0f ms |" % (k, m[k], min(v), max(v)))
    print("ratio new / old (798b183): %.3f  (target <= 0.25)" % (m["new"] / m["old"]))
    print("ratio kiln / pexpect peer, same machine: %.3f  (target <= 0.4)" %
          (m["new"] / m["peer"]))
    print("ratio kiln / pexpect peer on QEMU's default pc machine: %.3f" %
          (m["new"] / m["peer-pc"]))
    print("boot budget, medians, ms from QEMU's start:")
    print("| stage | old (798b183) | new |")
    print("|---|---|---|")
    names = [("qmp", "QEMU ready (answers qmp_capabilities)"),
             ("boot", "`RUGO: boot ok` (firmware, Multiboot load, early boot)"),
             ("halt", "`RUGO: halt ok` (kalloc, page tables, traps, threads, timer)"),
             ("case", "verdict and case.json (QEMU's exit seen)"),
             ("wall", "kiln's exit (run reports), from kiln's start")]
    for key, name in names:
        print("| %s | %.1f | %.1f |" % (name, med([s[key] for s in st["old"]]),
                                        med([s[key] for s in st["new"]])))
    bad = m["new"] / m["old"] > 0.25 or m["new"] / m["peer"] > 0.4
    sys.exit(1 if bad and os.environ.get("CI_STRICT") == "1" else 0)


main()
