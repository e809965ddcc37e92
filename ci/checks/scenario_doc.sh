#!/bin/sh
# scenario_doc: every scenario of the kernel's table has a fixture and a line in docs/guest.md, and every fixture's rugo.test= names one
#
# Owner: ci. See docs/ci.md#scenario_doc. The kernel's table is the array of
# `{"name", function}` entries in guest/scenarios/scenario.c. A fixture uses a
# scenario when its JSON (any file under fixtures/) mentions rugo.test=NAME;
# the document mentions it as `NAME` in backticks. A fixture that expects
# the unknown-scenario panic (`unknown scenario rugo.test=NAME`) tests that
# path on purpose, so its NAME is not reported.
# Skips, without a finding, while the kernel has no scenario table.
# Findings: scenario_no_fixture:<name> (in the table, no fixture uses it),
# scenario_undocumented:<name> (in the table, not in docs/guest.md),
# scenario_unknown:<name> (a fixture uses it, the table lacks it).
. "$ROOT/ci/checks/lib/common.sh"

exec python3 - "$ROOT" <<'EOF_PY'
import glob, os, re, sys

root = sys.argv[1]
TABLE = "guest/scenarios/scenario.c"
DOC = "docs/guest.md"


def warn(code, subject=None, *detail):
    print("SMOKES_WARN: %s%s" % (code, ":" + subject if subject else ""))
    for d in detail:
        print("  " + d)


def rel(path):
    return os.path.relpath(path, root)


# The kernel's table: {"name", function} entries (several may share a line).
table = {}  # name -> "file:line"
path = os.path.join(root, TABLE)
if os.path.isfile(path):
    with open(path, errors="replace") as f:
        for i, line in enumerate(f, 1):
            for m in re.finditer(r'\{\s*"([A-Za-z0-9_]+)"\s*,\s*&?[A-Za-z_]', line):
                table.setdefault(m.group(1), "%s:%d" % (TABLE, i))
if not table:
    print("skip: the kernel has no scenario table yet (no {\"name\", function} in %s)" % TABLE)
    sys.exit(77)

# The fixtures: which rugo.test= names each one mentions.
used = {}  # name -> first fixture that mentions it
on_purpose = set()  # names a fixture expects to be unknown
fixtures = sorted(glob.glob(os.path.join(root, "fixtures/**/*.json"), recursive=True))
for fx in fixtures:
    with open(fx, errors="replace") as f:
        text = f.read()
    for m in re.finditer(r"rugo\.test=([A-Za-z0-9_]+)", text):
        used.setdefault(m.group(1), rel(fx))
    for m in re.finditer(r"unknown scenario rugo\.test=([A-Za-z0-9_]+)", text):
        on_purpose.add(m.group(1))

doc_path = os.path.join(root, DOC)
doc = ""
if os.path.isfile(doc_path):
    with open(doc_path, errors="replace") as f:
        doc = f.read()
documented = set(re.findall(r"`([A-Za-z0-9_]+)`", doc))

for name, where in table.items():
    if name not in used:
        warn("scenario_no_fixture", name,
             "%s: scenario %s has no fixture under fixtures/ with rugo.test=%s" % (where, name, name))
    if name not in documented:
        warn("scenario_undocumented", name,
             "%s: scenario %s is not in %s (add a row `%s` to its Scenarios table)" % (where, name, DOC, name))
print("  compared %d scenarios of %s with %d fixtures and %s" % (len(table), TABLE, len(fixtures), DOC))
for name, fx in sorted(used.items()):
    if name not in table and name not in on_purpose:
        warn("scenario_unknown", name,
             "%s: rugo.test=%s names no scenario of %s" % (fx, name, TABLE))
EOF_PY
