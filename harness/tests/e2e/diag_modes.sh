#!/bin/sh
# diag_modes.sh: `kiln diag` as a command: its modes (default WARN,
# CI_STRICT=1, SMOKES_KEEP_LD=1, JSON_ONLY=1), its inputs (files, several
# files, stdin, -) and its exit codes (0, 1, 2), as docs/diagnostics.md
# promises them.
set -u
: "${KILN:?KILN must name the kiln binary}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

bad() {
	echo "diag_modes: $*"
	fail=1
}

# expect NAME WANT_RC WANT_STDERR_FILE WANT_STDOUT_FILE: compare the last run.
expect() {
	[ "$rc" = "$2" ] || bad "$1: exit $rc, want $2"
	cmp -s "$tmp/err" "$3" || {
		bad "$1: stderr differs"
		diff "$3" "$tmp/err" | sed 's/^/    /'
	}
	cmp -s "$tmp/out" "$4" || {
		bad "$1: stdout differs"
		diff "$4" "$tmp/out" | sed 's/^/    /'
	}
}

run() {
	rc=0
	"$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
}

warn=harness/tests/diag_golden/ld-bfd-direct-rwx_segment.log
err=harness/tests/diag_golden/ld-bfd-gcc-undef_func.log
: >"$tmp/empty"
printf 'SMOKES_WARN: rwx_segment\n' >"$tmp/warn"
printf 'SMOKES_ERR: rwx_segment\n' >"$tmp/warn_strict"
printf 'SMOKES_ERR: symbol_missing:missing_func\n' >"$tmp/err_line"

# WARN mode: a warning prints and passes, an error fails.
run "$KILN" diag --from ld "$warn"
expect warn 0 "$tmp/warn" "$tmp/empty"
run "$KILN" diag --from ld "$err"
expect error 1 "$tmp/err_line" "$tmp/empty"
run "$KILN" diag --from ld "$tmp/empty"
expect clean 0 "$tmp/empty" "$tmp/empty"

# CI_STRICT=1: the warning becomes an error and fails; CI_STRICT=0 does not.
run env CI_STRICT=1 "$KILN" diag --from ld "$warn"
expect strict 1 "$tmp/warn_strict" "$tmp/empty"
run env CI_STRICT=0 "$KILN" diag --from ld "$warn"
expect strict_off 0 "$tmp/warn" "$tmp/empty"

# SMOKES_KEEP_LD=1: the raw log first, then the short lines.
cat "$err" "$tmp/err_line" >"$tmp/kept"
run env SMOKES_KEEP_LD=1 "$KILN" diag --from ld "$err"
expect keep_ld 1 "$tmp/kept" "$tmp/empty"

# JSON_ONLY=1: JSON on stdout, nothing on stderr, even with KEEP_LD.
run env JSON_ONLY=1 SMOKES_KEEP_LD=1 CI_STRICT=1 "$KILN" diag --from ld "$warn" "$err"
[ "$rc" = 1 ] || bad "json: exit $rc"
[ -s "$tmp/err" ] && bad "json: wrote to stderr: $(head -c 200 "$tmp/err")"
python3 - "$tmp/out" <<'EOF' || bad "json: bad document"
import json, sys
doc = json.load(open(sys.argv[1]))
assert [d["code"] for d in doc] == ["rwx_segment", "symbol_missing"], doc
assert [d["severity"] for d in doc] == ["error", "error"], doc
assert doc[0]["subject"] is None and doc[1]["subject"] == "missing_func", doc
assert all(set(d) == {"severity", "code", "subject", "first_raw_line"} for d in doc), doc
assert "undefined reference to `missing_func'" in doc[1]["first_raw_line"], doc
EOF
run env JSON_ONLY=1 "$KILN" diag --from ld "$tmp/empty"
printf '[]\n' >"$tmp/json_empty"
expect json_empty 0 "$tmp/empty" "$tmp/json_empty"

# stdin, "-", and several files read as one input (dedup across them).
rc=0
"$KILN" diag --from ld <"$err" >"$tmp/out" 2>"$tmp/err" || rc=$?
expect stdin 1 "$tmp/err_line" "$tmp/empty"
rc=0
"$KILN" diag --from ld - "$warn" <"$err" >"$tmp/out" 2>"$tmp/err" || rc=$?
cat "$tmp/err_line" "$tmp/warn" >"$tmp/both"
expect dash_and_file 1 "$tmp/both" "$tmp/empty"
run "$KILN" diag --from ld "$err" "$err"
expect dedup_files 1 "$tmp/err_line" "$tmp/empty"

# --from picks tables: a linker log read as a console log says nothing.
run "$KILN" diag --from console "$err"
expect from_console 0 "$tmp/empty" "$tmp/empty"

# Exit facts on the command line.
run "$KILN" diag --from qemu --exit-signal 9 "$tmp/empty"
printf 'SMOKES_ERR: qemu_killed:SIGKILL\n' >"$tmp/killed"
expect exit_signal 1 "$tmp/killed" "$tmp/empty"

# Usage errors and unreadable files exit 2; what could be read still counts.
run "$KILN" diag --from gold "$err"
[ "$rc" = 2 ] || bad "bad --from: exit $rc"
run "$KILN" diag --bogus
[ "$rc" = 2 ] || bad "bad option: exit $rc"
run "$KILN" diag --exit-code
[ "$rc" = 2 ] || bad "missing value: exit $rc"
run "$KILN" diag --from ld "$tmp/nosuch" "$err"
[ "$rc" = 2 ] || bad "unreadable: exit $rc"
grep -q "cannot read $tmp/nosuch" "$tmp/err" || bad "unreadable: no message"
grep -qx 'SMOKES_ERR: symbol_missing:missing_func' "$tmp/err" || bad "unreadable: lost the other file"

# --list-rules: six tab-separated columns per row.
"$KILN" diag --list-rules >"$tmp/rules" || bad "--list-rules failed"
awk -F'\t' 'NF != 6 { exit 1 }' "$tmp/rules" || bad "--list-rules: not 6 columns"

exit $fail
