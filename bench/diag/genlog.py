#!/usr/bin/env python3
"""genlog.py OUT SIZE_MB CORPUS_DIR: write a large, realistic log for the
`kiln diag` benchmark (bench/diag.sh).

The log is made of the golden corpus's logs (harness/tests/diag_golden/*.log), which are
real linker, QEMU, Rugo and Linux output, concatenated in a seeded random
order until SIZE_MB is reached, as a CI job's log holds one build and boot
after another. Each copy gets its volatile parts redrawn (hex digits, decimal
numbers of timestamps and PIDs, /tmp/cc*.o names), so that no two copies are
byte-identical and deduplication works as it would on a real log. Linux boot
logs are ~25 KB of mostly clean lines each, so the mix is dominated by lines
no rule cares about, with a failure every few hundred lines: the realistic
case of a noisy log with a few problems in it.
"""
import os
import random
import re
import sys

VARIANTS = 16
HEX = re.compile(rb"0x[0-9a-f]{5,}|\b[0-9a-f]{8,16}\b")
TMP = re.compile(rb"/tmp/cc[A-Za-z0-9]{6}")
TIME = re.compile(rb"\[ *[0-9]+\.[0-9]{6}\]")


def variant(text, rng):
    def hexsub(m):
        s = m.group(0)
        digits = b"0123456789abcdef"
        head = s[:2] if s.startswith(b"0x") else b""
        return head + bytes(rng.choice(digits) for _ in s[len(head):])

    def tmpsub(m):
        alnum = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
        return b"/tmp/cc" + bytes(rng.choice(alnum) for _ in range(6))

    def timesub(m):
        return b"[%5d.%06d]" % (rng.randrange(100000), rng.randrange(1000000))

    text = HEX.sub(hexsub, text)
    text = TMP.sub(tmpsub, text)
    return TIME.sub(timesub, text)


def main():
    out, size_mb, corpus = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    rng = random.Random(20241120)
    logs = []
    for name in sorted(os.listdir(corpus)):
        if name.endswith(".log"):
            with open(os.path.join(corpus, name), "rb") as f:
                text = f.read()
            if text and not text.endswith(b"\n"):
                text += b"\n"
            if text:
                logs.append([variant(text, rng) for _ in range(VARIANTS)])
    target = size_mb * 1024 * 1024
    written = 0
    with open(out + ".tmp", "wb", buffering=1 << 22) as f:
        while written < target:
            chunk = rng.choice(rng.choice(logs))
            f.write(chunk)
            written += len(chunk)
    os.rename(out + ".tmp", out)


if __name__ == "__main__":
    main()
