#!/usr/bin/env python3
"""compdb.py OUT [MAKE ARGS...]: write a compile_commands.json from the Makefile.

Owner: ci (static_analysis). Asks make what it would run to build every
target given (`make -n -B ...`, so nothing is built and build/ is not touched)
and keeps each compiler command with its source, with the flags exactly as the
Makefile computes them (pkg-config, libvirt, the guest's freestanding flags).
A command that compiles and links in one step (a unit test) becomes a compile
of its C source: object and library inputs and linker flags are dropped. Only
.c sources inside the repository count. Run from the top of the repository;
OUT is written atomically.
"""
import json
import os
import shlex
import subprocess
import sys

COMPILERS = ("cc", "gcc", "clang", "c99")
LINK_ONLY = ("-l", "-L", "-Wl,", "-rdynamic", "-static", "-nostdlib", "-shared")


def is_compiler(word):
    base = os.path.basename(word)
    return base in COMPILERS or base.startswith(("gcc-", "clang-")) or base.endswith(
        ("-gcc", "-cc"))


def entries(line, root):
    try:
        words = shlex.split(line)
    except ValueError:
        return []
    if not words or not is_compiler(words[0]):
        return []
    sources = [w for w in words[1:] if w.endswith(".c") and not os.path.isabs(w)
               and os.path.isfile(os.path.join(root, w))]
    if not sources:
        return []
    flags, skip = [], False
    for w in words[1:]:
        if skip:
            skip = False
            continue
        if w in ("-o", "-MF", "-MT", "-MQ"):
            skip = True
            continue
        if w in ("-c", "-MMD", "-MD", "-MP") or w in sources:
            continue
        if w.endswith((".o", ".a", ".so", ".S", ".ld")) or w.startswith(LINK_ONLY):
            continue
        flags.append(w)
    return [{"directory": root, "file": s,
             "arguments": [words[0]] + flags + ["-c", s]} for s in sources]


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: compdb.py OUT [MAKE ARGS...]")
    out, make_args = sys.argv[1], sys.argv[2:]
    root = os.getcwd()
    dry = subprocess.run(["make", "-n", "-B", "--no-print-directory"] + make_args,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if dry.returncode != 0:
        sys.stderr.write(dry.stderr)
        sys.exit("compdb: make -n failed")
    db, seen = [], set()
    # A recipe line continued with a backslash is one command.
    for line in dry.stdout.replace("\\\n", " ").splitlines():
        for e in entries(line, root):
            if e["file"] not in seen:
                seen.add(e["file"])
                db.append(e)
    if not db:
        sys.exit("compdb: make -n printed no compile commands")
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    tmp = out + ".tmp.%d" % os.getpid()
    with open(tmp, "w") as f:
        json.dump(db, f, indent=1)
        f.write("\n")
    os.replace(tmp, out)
    print("compdb: %d sources" % len(db))


if __name__ == "__main__":
    main()
