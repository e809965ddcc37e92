#!/usr/bin/env python3
"""snapshot_methods.py: which way of saving and restoring a booted guest
kiln should use, measured on the Linux base of fixtures/linux: QEMU's
migration to a file (`migrate` to exec:cat > FILE; a new QEMU with
-incoming defer and `migrate-incoming`), or a qcow2 internal snapshot
(`savevm`; a new QEMU with -loadvm). The guest boots once to its shell
prompt; both states are saved from that one boot; then RUNS rounds restore
each (alternating), send a command and wait for its answer. Also checks the
constraint that decides for -j N: can -loadvm read the snapshot through a
per-case overlay (snapshot=on), so that several QEMUs share one image?

usage: snapshot_methods.py KERNEL INITRD RUNS
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import load, med  # noqa: E402


class Qmp:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX)
        self.s.connect(path)
        self.f = self.s.makefile("rw")
        self.f.readline()
        self.cmd("qmp_capabilities")

    def cmd(self, c, **a):
        self.f.write(json.dumps({"execute": c, "arguments": a}) + "\n")
        self.f.flush()
        while True:
            r = json.loads(self.f.readline())
            if "return" in r or "error" in r:
                return r

    def wait_migration(self):
        while True:
            st = self.cmd("query-migrate")["return"].get("status")
            if st in ("completed", "failed"):
                return st
            time.sleep(0.002)


def qemu(d, kernel, initrd, extra, tag):
    """A paused QEMU of the base's machine; its QMP and its console."""
    argv = ["qemu-system-x86_64", "-machine", "pc", "-accel", "tcg", "-m", "128",
            "-nodefaults", "-no-user-config", "-display", "none", "-kernel", kernel,
            "-initrd", initrd, "-append", "console=ttyS0 quiet panic=-1",
            "-chardev", "socket,id=q,path=%s/%s.qmp,server=on,wait=off" % (d, tag),
            "-mon", "chardev=q,mode=control",
            "-chardev", "socket,id=c,path=%s/%s.con,server=on,wait=off" % (d, tag),
            "-serial", "chardev:c", "-S"] + extra
    p = subprocess.Popen(argv, stderr=subprocess.PIPE)
    for _ in range(500):
        if os.path.exists("%s/%s.con" % (d, tag)) or p.poll() is not None:
            break
        time.sleep(0.01)
    try:
        q = Qmp("%s/%s.qmp" % (d, tag))
    except (OSError, json.JSONDecodeError):
        p.wait()  # QEMU refused the arguments and left
        return p, None, None
    c = socket.socket(socket.AF_UNIX)
    c.connect("%s/%s.con" % (d, tag))
    c.settimeout(0.5)
    return p, q, c


def wait_for(c, text, timeout=120):
    buf, end = b"", time.time() + timeout
    while text not in buf and time.time() < end:
        try:
            buf += c.recv(65536)
        except socket.timeout:
            pass
    if text not in buf:
        sys.exit("snapshot_methods: no %r in %r" % (text, buf[-300:]))


def restore(d, kernel, initrd, how):
    """Restore, send a command, wait for its answer: ms to the restored
    state and to the answer, from QEMU's start."""
    t0 = time.perf_counter()
    if how == "migration":
        p, q, c = qemu(d, kernel, initrd, ["-incoming", "defer"], "r")
        q.cmd("migrate-incoming", uri="exec:cat %s/state.mig" % d)
        if q.wait_migration() != "completed":
            sys.exit("snapshot_methods: migrate-incoming failed")
    else:
        p, q, c = qemu(d, kernel, initrd, ["-drive", "if=none,id=snap,format=qcow2,file="
                                           "%s/snap.qcow2" % d, "-loadvm", "base"], "l")
    t1 = time.perf_counter()
    q.cmd("cont")
    c.send(b"echo $((6*7))\n")
    wait_for(c, b"\r\n42\r\n")
    t2 = time.perf_counter()
    q.cmd("quit")
    p.wait()
    return (t1 - t0) * 1000, (t2 - t0) * 1000


def main():
    kernel, initrd, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    d = tempfile.mkdtemp(prefix="snapshot_methods.")
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", "%s/snap.qcow2" % d, "64M"],
                   check=True)
    p, q, c = qemu(d, kernel, initrd, ["-drive", "if=none,id=snap,format=qcow2,file="
                                       "%s/snap.qcow2" % d], "base")
    q.cmd("cont")
    wait_for(c, b"linux# ")
    q.cmd("stop")
    # savevm first: after a migration the source's disks are inactive.
    t = time.perf_counter()
    r = q.cmd("human-monitor-command", **{"command-line": "savevm base"})
    savevm_ms = (time.perf_counter() - t) * 1000
    if r.get("return"):
        sys.exit("snapshot_methods: savevm: %r" % r)
    t = time.perf_counter()
    q.cmd("migrate", uri="exec:cat > %s/state.mig" % d)
    if q.wait_migration() != "completed":
        sys.exit("snapshot_methods: migrate failed")
    migrate_ms = (time.perf_counter() - t) * 1000
    q.cmd("quit")
    p.wait()
    got = {"migration": [], "savevm": []}
    for r in range(runs):
        for how in (("migration", "savevm") if r % 2 == 0 else ("savevm", "migration")):
            got[how].append(restore(d, kernel, initrd, how))
    # The -j N question: one image, one overlay per QEMU.
    p, q, c = qemu(d, kernel, initrd, ["-drive", "if=none,id=snap,format=qcow2,snapshot=on,"
                                       "file=%s/snap.qcow2" % d, "-loadvm", "base"], "o")
    overlay = p.returncode if q is None else 0
    why = p.stderr.read().decode().strip() if q is None else "it loaded"
    if q:
        q.cmd("quit")
        p.wait()
    print("snapshot_methods: %d rounds, load %s at the end" % (runs, load()))
    print("| method | save | state | restore (to paused state) | restore + one command |")
    print("|---|---|---|---|---|")
    print("| migration to a file | %.0f ms | %.1f MiB file | %.0f ms | %.0f ms |" %
          (migrate_ms, os.path.getsize("%s/state.mig" % d) / 1048576,
           med([a for a, _ in got["migration"]]), med([b for _, b in got["migration"]])))
    print("| qcow2 savevm / -loadvm | %.0f ms | %.1f MiB qcow2 | %.0f ms | %.0f ms |" %
          (savevm_ms, os.path.getsize("%s/snap.qcow2" % d) / 1048576,
           med([a for a, _ in got["savevm"]]), med([b for _, b in got["savevm"]])))
    print("-loadvm through a snapshot=on overlay: exit %s: %s" % (overlay, why))
    shutil.rmtree(d)


main()
