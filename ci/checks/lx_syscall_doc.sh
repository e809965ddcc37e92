#!/bin/sh
# lx_syscall_doc: docs/guest.md's table of implemented Linux calls lists exactly the Linux personality's table, with Linux's numbers
#
# Owner: ci. See docs/ci.md#lx_syscall_doc. The kernel's table is the
# designated initializer `[__NR_name] = handler` in guest/kernel/lx_*.c,
# plus `clone`, dispatched apart because it needs the caller's frame (its
# `num == __NR_clone` test). Each name's number is its `#define __NR_name N`
# in <asm/unistd_64.h>. The document's calls are the rows of the table under
# the heading "Implemented Linux calls" (columns call and nr).
# Findings: lx_doc_missing:<name> (in the kernel, not the document),
# lx_doc_extra:<name> (in the document, not the kernel), lx_doc_number:<name>
# (the document's number is not Linux's), lx_doc_no_table, lx_unistd_missing.
. "$ROOT/ci/checks/lib/common.sh"

exec python3 - "$ROOT" <<'EOF_PY'
import glob, os, re, sys

root = sys.argv[1]
DOC = "docs/guest.md"
HEADING = "### Implemented Linux calls"


def warn(code, subject=None, *detail):
    print("SMOKES_WARN: %s%s" % (code, ":" + subject if subject else ""))
    for d in detail:
        print("  " + d)


unistd = next((p for p in ("/usr/include/x86_64-linux-gnu/asm/unistd_64.h",
                           "/usr/include/asm/unistd_64.h") if os.path.isfile(p)), None)
if unistd is None:
    warn("lx_unistd_missing", None, "no <asm/unistd_64.h>: ci/install-deps.sh (libc6-dev)")
    sys.exit(0)
numbers = {}
with open(unistd) as f:
    for line in f:
        m = re.match(r"#define __NR_([a-z0-9_]+) ([0-9]+)$", line.strip())
        if m:
            numbers[m.group(1)] = int(m.group(2))

table = {}  # name -> "file:line"
for path in sorted(glob.glob(os.path.join(root, "guest/kernel/lx_*.c"))):
    with open(path, errors="replace") as f:
        for i, line in enumerate(f, 1):
            where = "%s:%d" % (os.path.relpath(path, root), i)
            for m in re.finditer(r"\[\s*__NR_([a-z0-9_]+)\s*\]\s*=\s*[A-Za-z_]", line):
                table.setdefault(m.group(1), where)
            for m in re.finditer(r"num\s*==\s*__NR_([a-z0-9_]+)", line):
                table.setdefault(m.group(1), where)
if not table:
    print("skip: the kernel has no Linux personality table (no [__NR_name] = handler)")
    sys.exit(77)

with open(os.path.join(root, DOC), errors="replace") as f:
    lines = f.read().splitlines()
doc = {}  # name -> (number, line)
try:
    i = lines.index(HEADING) + 1
except ValueError:
    warn("lx_doc_no_table", None, "%s has no '%s' section" % (DOC, HEADING))
    sys.exit(0)
while i < len(lines) and not lines[i].startswith("| call"):
    i += 1
for j in range(i + 2, len(lines)):
    if not lines[j].startswith("|"):
        break
    cells = [c.strip() for c in lines[j].strip("|").split("|")]
    if len(cells) >= 2 and re.fullmatch(r"[0-9]+", cells[1]):
        doc[cells[0].strip("`")] = (int(cells[1]), j + 1)
if not doc:
    warn("lx_doc_no_table", None, "%s: no '| call | nr |' rows under '%s'" % (DOC, HEADING))
    sys.exit(0)

for name, where in sorted(table.items()):
    if name not in doc:
        warn("lx_doc_missing", name, "%s: the kernel implements %s; %s does not list it"
             % (where, name, DOC))
for name, (n, line) in sorted(doc.items()):
    if name not in table:
        warn("lx_doc_extra", name, "%s:%d: %s is not in the kernel's table" % (DOC, line, name))
    elif numbers.get(name) != n:
        warn("lx_doc_number", name, "%s:%d: %s is %d in the document, %s in %s"
             % (DOC, line, name, n, numbers.get(name), unistd))
print("  compared %d calls of the Linux personality with %d in %s" % (len(table), len(doc), DOC))
EOF_PY
