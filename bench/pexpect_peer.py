#!/usr/bin/env python3
"""pexpect_peer.py: the peer a Rugo developer would write from the
milestone plan, which Kiln is measured against (bench/rugo_fast.py): start
QEMU with the serial console on stdio under pexpect, wait for each marker in
order, then for QEMU's end, and check its exit status.

usage: pexpect_peer.py STATUS TIMEOUT_S MARKER[,MARKER...] -- QEMU_ARGV...
Exits 0 when every marker came and QEMU ended with STATUS, else 1.
"""
import sys

import pexpect


def main():
    sep = sys.argv.index("--")
    status, timeout = int(sys.argv[1]), float(sys.argv[2])
    markers = sys.argv[3].split(",")
    argv = sys.argv[sep + 1:]
    child = pexpect.spawn(argv[0], argv[1:], timeout=timeout)
    try:
        for m in markers:
            child.expect_exact(m)
        child.expect(pexpect.EOF)
    except (pexpect.TIMEOUT, pexpect.EOF) as e:
        print("pexpect_peer: %s waiting for %r" % (type(e).__name__, m), file=sys.stderr)
        child.close(force=True)
        return 1
    # wait(), not close(): close() sleeps pexpect's delayafterclose (0.1 s)
    # first, which would flatter kiln.
    child.wait()
    if child.exitstatus != status:
        print("pexpect_peer: QEMU exited %s, want %d" % (child.exitstatus, status),
              file=sys.stderr)
        return 1
    return 0


sys.exit(main())
