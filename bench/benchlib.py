"""benchlib.py: what the benchmarks in bench/ share: timing a `kiln run`,
reading the run it wrote, medians. Imported, never run."""
import json
import os
import statistics
import subprocess
import sys
import time


def kiln_run(kiln, args, reports, what):
    """`kiln run --reports REPORTS ARGS...`, process start to exit. Every
    case must pass. Returns (wall ms, report.json, the run directory)."""
    t0 = time.perf_counter()
    p = subprocess.run([kiln, "run", "--reports", reports] + args,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    wall = (time.perf_counter() - t0) * 1000
    if p.returncode != 0:
        sys.exit("%s: kiln run %s failed:\n%s" % (what, " ".join(args), p.stdout.decode()))
    run = os.path.join(reports, os.readlink(os.path.join(reports, "latest")))
    return wall, json.load(open(os.path.join(run, "report.json"))), run


def case_json(run, report, i=0):
    """case.json of the report's i-th case."""
    d = report["cases"][i]["attempts"][0]["dir"]
    return json.load(open(os.path.join(run, d, "case.json")))


def timed(argv, what, want_status=0, **kw):
    """Run argv, process start to exit, in ms; its exit status must be
    want_status."""
    t0 = time.perf_counter()
    p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, **kw)
    ms = (time.perf_counter() - t0) * 1000
    if p.returncode != want_status:
        sys.exit("%s: %s exited %d (want %d):\n%s" % (what, " ".join(argv), p.returncode,
                                                      want_status, p.stdout.decode()[-2000:]))
    return ms


def med(xs):
    return statistics.median(xs)


def load():
    """The load average now, for the figures' context."""
    return open("/proc/loadavg").read().split()[0]
