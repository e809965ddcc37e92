#!/bin/sh
# abi_doc: docs/abi/syscall_v0.md lists exactly the syscalls of the kernel's table, with the same numbers
#
# Owner: ci. See docs/ci.md#abi_doc. The kernel's table is the designated
# initializer `[SYS_name] = handler` in guest/kernel/*.c (xv6's style); each
# SYS_name's number is its `#define SYS_name N` in a guest header. The
# document's calls are the rows of every Markdown table whose header has a
# "number" column (or nr, no, num, #) and a "name" column (or call, syscall).
# Skips, without a finding, while the kernel has no syscall table.
# Findings: abi_doc_missing:<name> (in the table, not the document),
# abi_doc_extra:<name> (in the document, not the table),
# abi_doc_number:<name> (numbers differ), abi_doc_duplicate:<name>,
# abi_table_unnumbered:<name> (no #define for SYS_name), abi_doc_absent,
# abi_doc_no_table.
. "$ROOT/ci/checks/lib/common.sh"

exec python3 - "$ROOT" <<'EOF'
import glob, os, re, sys

root = sys.argv[1]
DOC = "docs/abi/syscall_v0.md"


def warn(code, subject=None, *detail):
    print("SMOKES_WARN: %s%s" % (code, ":" + subject if subject else ""))
    for d in detail:
        print("  " + d)


def number(text):
    text = text.strip().strip("`*").strip()
    m = re.fullmatch(r"(0[xX][0-9a-fA-F]+|[0-9]+)[uUlL]*", text)
    return int(m.group(1), 0) if m else None


def rel(path):
    return os.path.relpath(path, root)


# The kernel's table: [SYS_name] = handler (the '=' is optional in GNU C).
table = {}  # name -> "file:line"
for path in sorted(glob.glob(os.path.join(root, "guest/kernel/*.c"))):
    with open(path, errors="replace") as f:
        for i, line in enumerate(f, 1):
            # Every entry on the line: a formatter may pack several.
            for m in re.finditer(r"\[\s*SYS_([A-Za-z0-9_]+)\s*\]\s*=?\s*&?[A-Za-z_]", line):
                if m.group(1) not in table:
                    table[m.group(1)] = "%s:%d" % (rel(path), i)
if not table:
    print("skip: the kernel has no syscall table yet (no [SYS_name] = handler in guest/kernel/*.c)")
    sys.exit(77)

# Numbers: #define SYS_name N in any guest header.
defines = {}
for path in sorted(glob.glob(os.path.join(root, "guest/**/*.h"), recursive=True)):
    with open(path, errors="replace") as f:
        for i, line in enumerate(f, 1):
            m = re.match(r"\s*#\s*define\s+SYS_([A-Za-z0-9_]+)\s+\(?\s*([0-9xXa-fA-F]+[uUlL]*)\s*\)?", line)
            if m and number(m.group(2)) is not None:
                defines.setdefault(m.group(1), (number(m.group(2)), "%s:%d" % (rel(path), i)))

kernel = {}
for name, where in table.items():
    if name not in defines:
        warn("abi_table_unnumbered", name,
             "%s: [SYS_%s] has no #define SYS_%s N in a guest header" % (where, name, name))
    else:
        kernel[name] = defines[name][0]

doc_path = os.path.join(root, DOC)
if not os.path.isfile(doc_path):
    warn("abi_doc_absent", DOC, "%s does not exist; the kernel's table has %d calls (%s)"
         % (DOC, len(table), next(iter(table.values()))))
    sys.exit(0)


def cells(line):
    line = line.strip()
    if not line.startswith("|"):
        return None
    return [c.strip() for c in line.strip("|").split("|")]


NUM_HEADERS = {"number", "nr", "no", "no.", "num", "#", "sysno"}
NAME_HEADERS = {"name", "call", "syscall"}
doc = {}  # name -> (number, line)
dups = []
found_table = False
with open(doc_path, errors="replace") as f:
    lines = f.read().splitlines()
i = 0
while i + 1 < len(lines):
    head, sep = cells(lines[i]), cells(lines[i + 1])
    if not head or not sep or not all(re.fullmatch(r":?-{3,}:?", c) for c in sep):
        i += 1
        continue
    keys = [c.strip("`*_ ").lower() for c in head]
    num_col = next((k for k, c in enumerate(keys) if c in NUM_HEADERS), None)
    name_col = next((k for k, c in enumerate(keys) if c in NAME_HEADERS), None)
    i += 2
    if num_col is None or name_col is None:
        continue
    found_table = True
    while i < len(lines) and cells(lines[i]) is not None:
        row = cells(lines[i])
        if len(row) > max(num_col, name_col):
            n = number(row[num_col])
            name = re.sub(r"^(SYS_|sys_)|\(\)$", "", row[name_col].strip("`* "))
            if n is not None and name:
                if name in doc:
                    dups.append((name, i + 1))
                else:
                    doc[name] = (n, i + 1)
        i += 1

if not found_table:
    warn("abi_doc_no_table", None,
         "%s has no Markdown table with a 'number' and a 'name' column" % DOC)
    sys.exit(0)
for name, line in dups:
    warn("abi_doc_duplicate", name, "%s:%d: %s is listed again" % (DOC, line, name))
for name, where in table.items():
    if name not in doc:
        warn("abi_doc_missing", name,
             "%s: the kernel's table has SYS_%s; %s does not list it" % (where, name, DOC))
    elif name in kernel and doc[name][0] != kernel[name]:
        warn("abi_doc_number", name,
             "%s:%d: %s is number %d in the document, %d in the kernel (%s)"
             % (DOC, doc[name][1], name, doc[name][0], kernel[name], defines[name][1]))
print("  compared %d calls of the kernel's table with %d in %s" % (len(table), len(doc), DOC))
for name, (n, line) in sorted(doc.items(), key=lambda kv: kv[1][1]):
    if name not in table:
        warn("abi_doc_extra", name,
             "%s:%d: %s (number %d) is not in the kernel's table" % (DOC, line, name, n))
EOF
