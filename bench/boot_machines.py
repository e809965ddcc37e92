#!/usr/bin/env python3
"""boot_machines.py: which QEMU machine and firmware boots a Rugo case
fastest under TCG. A bare qemu-system-x86_64 (no kiln: this compares
machines, not engines) boots `rugo.test=banner` to its debug-exit on each
machine, RUNS rounds interleaved, medians; and the tiny Multiboot guest of
fixtures/selftest/tiny (prints a line, exits) on the same machines, for
QEMU's and the firmware's own share. Ratios are against `-M pc` (SeaBIOS),
today's default. Results: docs/performance.md ("Machine and firmware").

usage: boot_machines.py RUGO_MB TINY_MB RUNS
"""
import statistics
import subprocess
import sys
import tempfile
import time

QBOOT = "/usr/share/qemu/qboot.rom"
MACHINES = [
    ("pc (SeaBIOS)", ["-machine", "pc"]),
    ("q35 (SeaBIOS)", ["-machine", "q35"]),
    ("pc + qboot", ["-machine", "pc", "-bios", QBOOT]),
    ("q35 + qboot", ["-machine", "q35", "-bios", QBOOT]),
    ("microvm", ["-machine", "microvm"]),
]


def boot(machine, kernel, append, want_status, want_text, log):
    argv = ["qemu-system-x86_64"] + machine + [
        "-accel", "tcg", "-m", "64", "-smp", "1", "-nodefaults", "-no-user-config",
        "-display", "none", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
        "-kernel", kernel, "-serial", "file:" + log]
    if append:
        argv += ["-append", append]
    t0 = time.perf_counter()
    p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, timeout=60)
    ms = (time.perf_counter() - t0) * 1000
    out = open(log, "rb").read().decode("utf-8", "replace")
    if p.returncode != want_status or want_text not in out:
        sys.exit("boot_machines: %s exited %d (want %d), printed %r, stderr %r" %
                 (" ".join(machine), p.returncode, want_status, out[-200:], p.stderr[-200:]))
    return ms


def main():
    rugo, tiny, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    log = tempfile.mkstemp(prefix="boot_machines.", suffix=".log")[1]
    guests = [("rugo banner", rugo, "rugo.test=banner", 33, "RUGO: halt ok"),
              ("tiny guest", tiny, None, 7, "TINY: junk done")]
    ms = {}
    for r in range(runs):
        order = MACHINES if r % 2 == 0 else MACHINES[::-1]
        for name, machine in order:
            for g in guests:
                ms.setdefault((name, g[0]), []).append(boot(machine, g[1], g[2], g[3], g[4], log))
    base = {g[0]: statistics.median(ms[(MACHINES[0][0], g[0])]) for g in guests}
    print("| machine | Rugo banner | ratio to pc | tiny guest | Rugo's own share |")
    print("|---|---|---|---|---|")
    for name, _ in MACHINES:
        b = statistics.median(ms[(name, "rugo banner")])
        t = statistics.median(ms[(name, "tiny guest")])
        print("| %s | %.1f ms | %.2f | %.1f ms | %.1f ms |" %
              (name, b, b / base["rugo banner"], t, b - t))


main()
