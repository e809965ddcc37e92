#!/bin/sh
# module_order: no harness module includes a header of a module above it, in the order docs/architecture.md gives
#
# Owner: ci. See docs/ci.md#module_order. The order is the table of
# docs/architecture.md whose header has a "layer" and a "module" column: one
# row per folder of harness/src (a `main` row stands for harness/src/main.c).
# A file's module is its folder: harness/src/<module>/x.c, or
# harness/include/kiln/<module>/x.h for a public header. Its includes of
# "kiln/<module>/<name>.h" must name a module of its own layer or below.
# Findings: module_upward:<file>:<include> (an include of a module above),
# module_unlisted:<folder> (a module folder with no row),
# module_unplaced:<file> (a harness source outside every module folder),
# module_row_empty:<module> (a row whose folder does not exist),
# module_table_absent (no such table).
. "$ROOT/ci/checks/lib/common.sh"

exec python3 - "$ROOT" <<'EOF'
import os, re, sys

root = sys.argv[1]
DOC = "docs/architecture.md"
SRC = "harness/src"
INC = "harness/include/kiln"


def warn(code, subject=None, *detail):
    print("SMOKES_WARN: %s%s" % (code, ":" + subject if subject else ""))
    for d in detail:
        print("  " + d)


def cells(line):
    line = line.strip()
    if not line.startswith("|"):
        return None
    return [c.strip().strip("`").strip() for c in line.strip("|").split("|")]


# The table: module -> (layer, line of its row).
layers = {}
try:
    with open(os.path.join(root, DOC), errors="replace") as f:
        lines = f.read().splitlines()
except OSError:
    lines = []
for i in range(len(lines) - 1):
    head, sep = cells(lines[i]), cells(lines[i + 1])
    if not head or not sep or not all(re.fullmatch(r":?-{3,}:?", c) for c in sep):
        continue
    keys = [c.lower() for c in head]
    if "layer" not in keys or "module" not in keys:
        continue
    lc, mc = keys.index("layer"), keys.index("module")
    j = i + 2
    while j < len(lines) and cells(lines[j]) is not None:
        row = cells(lines[j])
        if len(row) > max(lc, mc) and re.fullmatch(r"[0-9]+", row[lc]):
            layers[row[mc]] = (int(row[lc]), j + 1)
        j += 1
    break
if not layers:
    warn("module_table_absent", None,
         "%s has no Markdown table with a 'layer' and a 'module' column" % DOC)
    sys.exit(0)


def module_of(rel):
    """The module a harness file belongs to, or None outside every folder."""
    if rel.startswith(SRC + "/"):
        d = os.path.dirname(rel[len(SRC) + 1:])
        if not d:
            return "main" if os.path.basename(rel) == "main.c" else None
        return d
    if rel.startswith(INC + "/"):
        return os.path.dirname(rel[len(INC) + 1:]) or None
    return None


files = []
folders = set()
for top in (SRC, INC):
    for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
        dirnames.sort()
        for name in sorted(filenames):
            if name.endswith((".c", ".h")):
                rel = os.path.relpath(os.path.join(dirpath, name), root)
                files.append(rel)
                m = module_of(rel)
                if m:
                    folders.add(m)

for m in sorted(folders):
    if m not in layers:
        warn("module_unlisted", m,
             "%s/%s: a module folder with no row in %s's module table" % (SRC, m, DOC))
for m, (layer, line) in sorted(layers.items(), key=lambda kv: kv[1]):
    if m not in folders:
        warn("module_row_empty", m,
             "%s:%d: module %s has no folder %s/%s nor %s/%s" % (DOC, line, m, SRC, m, INC, m))

INCLUDE = re.compile(r'^\s*#\s*include\s*"kiln/([^"]+)"')
checked = 0
for rel in files:
    mine = module_of(rel)
    if mine is None:
        warn("module_unplaced", rel,
             "%s: every harness source lives in a module folder (main.c excepted)" % rel)
        continue
    if mine not in layers:
        continue
    with open(os.path.join(root, rel), errors="replace") as f:
        for n, line in enumerate(f, 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            checked += 1
            theirs = os.path.dirname(m.group(1))
            if theirs in layers and layers[theirs][0] > layers[mine][0]:
                warn("module_upward", "%s:kiln/%s" % (rel, m.group(1)),
                     "%s:%d: %s (layer %d) includes %s (layer %d); the arrows point down "
                     "(%s)" % (rel, n, mine, layers[mine][0], theirs, layers[theirs][0], DOC))
print("  checked %d includes of %d files against %d modules in %s"
      % (checked, len(files), len(layers), DOC))
EOF
