#!/usr/bin/env python3
"""suite_parallel.py: the whole Rugo suite in one `kiln run -j 2` against
the sum of its cases, each its own `kiln run -j 1 FIXTURE`, in the same
rounds (alternating which goes first). Both sides are processes start to
exit; every case must pass. Medians and their ratio.

usage: suite_parallel.py KILN RUNS DIR...
"""
import glob
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import kiln_run, load, med  # noqa: E402


def main():
    kiln, runs, dirs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    fixtures = sorted(f for d in dirs for f in glob.glob(os.path.join(d, "**", "*.json"),
                                                         recursive=True)
                      if not f.endswith(".base.json"))
    tmp = tempfile.mkdtemp(prefix="suite_parallel.")
    suite, alone = [], []
    for r in range(runs):
        for side in (("suite", "alone") if r % 2 == 0 else ("alone", "suite")):
            if side == "suite":
                suite.append(kiln_run(kiln, ["-j", "2"] + dirs, tmp, "suite_parallel")[0])
            else:
                alone.append(sum(kiln_run(kiln, ["-j", "1", f], tmp, "suite_parallel")[0]
                                 for f in fixtures))
    print("suite_parallel: %d cases, %d rounds, load %s at the end" %
          (len(fixtures), runs, load()))
    print("| run | median | spread |")
    print("|---|---|---|")
    print("| suite, kiln run -j 2 | %.0f ms | %.0f to %.0f ms |" % (med(suite), min(suite),
                                                                 max(suite)))
    print("| sum of the cases, each kiln run -j 1 | %.0f ms | %.0f to %.0f ms |" %
          (med(alone), min(alone), max(alone)))
    print("ratio suite / sum: %.3f" % (med(suite) / med(alone)))


main()
