#!/bin/sh
# diag_catalogue: every code kiln diag can emit is in docs/diagnostics.md, and every code there can be emitted
#
# Owner: ci. See docs/ci.md#diag_catalogue. What kiln can emit comes from
# kiln itself: `kiln diag --list-codes` (one code per line) when it has that
# option, else the code column (the second, tab-separated) of
# `kiln diag --list-rules`, the rule tables as compiled ("-" marks a rule
# that only recognises a harmless line). What the catalogue lists: the first
# backticked word of each row of every Markdown table with a "code" column,
# and headings that are a backticked code (### `symbol_missing`); a subject
# after ':' is not part of the code (`symbol_missing:<name>`).
# Findings: diag_code_undocumented:<code>, diag_code_unemittable:<code>.
# When it cannot compare, it says so as a finding, so that it never passes
# silently: diag_unavailable (kiln has no diag listing), diag_catalogue_absent,
# diag_catalogue_empty, artifacts_missing:kiln.
. "$ROOT/ci/checks/lib/common.sh"

CAT=docs/diagnostics.md
if ! [ -x "$KILN" ]; then
	ci_warn artifacts_missing kiln
	ci_detail "no $KILN: build it first (make all; make check-ci does); this check cannot run"
	exit 0
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

if "$KILN" diag --list-codes >"$tmp/list" 2>/dev/null && [ -s "$tmp/list" ]; then
	source="kiln diag --list-codes"
	awk '{ print $1 }' "$tmp/list" >"$tmp/codes"
elif "$KILN" diag --list-rules >"$tmp/list" 2>/dev/null && [ -s "$tmp/list" ]; then
	source="kiln diag --list-rules"
	awk -F '\t' 'NF >= 2 && $2 != "-" { print $2 }' "$tmp/list" >"$tmp/codes"
else
	ci_warn diag_unavailable
	ci_detail "$KILN has no 'diag --list-codes' or 'diag --list-rules' yet: this check cannot run"
	exit 0
fi
sed 's/:.*//' "$tmp/codes" | awk 'NF && !seen[$0]++' >"$tmp/emitted"
if ! [ -s "$tmp/emitted" ]; then
	ci_warn diag_unavailable
	ci_detail "$source listed no codes: this check cannot run"
	exit 0
fi

if ! [ -f "$ROOT/$CAT" ]; then
	ci_warn diag_catalogue_absent "$CAT"
	ci_detail "$CAT does not exist; kiln can emit $(wc -l <"$tmp/emitted") codes ($source)"
	exit 0
fi

# Codes of the catalogue, with the line that lists each first.
awk '
	function cells(s,    n, i) {
		sub(/^[ \t]*\|/, "", s); sub(/\|[ \t]*$/, "", s)
		n = split(s, cell, "|")
		for (i = 1; i <= n; i++) gsub(/^[ \t]+|[ \t]+$/, "", cell[i])
		return n
	}
	function code_of(s) {
		if (!match(s, /`[^`]+`/)) return ""
		s = substr(s, RSTART + 1, RLENGTH - 2)
		sub(/:.*/, "", s)
		return s ~ /^[a-z][a-z0-9_]*$/ ? s : ""
	}
	function add(c) { if (c != "" && !(c in seen)) { seen[c] = 1; printf "%s\t%d\n", c, FNR } }
	/^#+[ \t]+`/ { add(code_of($0)); next }
	/^[ \t]*\|/ {
		if (!intable) {
			# A header row: find the "code" column; the next row is ---.
			n = cells($0); col = 0
			for (i = 1; i <= n; i++) {
				h = tolower(cell[i]); gsub(/[`*]/, "", h)
				if (h == "code") col = i
			}
			intable = 1; header = 1; next
		}
		if (header) { header = 0; next }
		if (col) { cells($0); add(code_of(cell[col])) }
		next
	}
	{ intable = 0; col = 0 }
' "$ROOT/$CAT" >"$tmp/catalogue"
if ! [ -s "$tmp/catalogue" ]; then
	ci_warn diag_catalogue_empty "$CAT"
	ci_detail "$CAT lists no codes: no table with a 'code' column, no heading like ### \`code\`"
	exit 0
fi

cut -f1 "$tmp/catalogue" >"$tmp/documented"
while IFS= read -r code; do
	grep -qxF -- "$code" "$tmp/documented" && continue
	ci_warn diag_code_undocumented "$code"
	ci_detail "kiln can emit '$code' ($source); $CAT does not list it"
done <"$tmp/emitted"
while IFS='	' read -r code line; do
	grep -qxF -- "$code" "$tmp/emitted" && continue
	ci_warn diag_code_unemittable "$code"
	ci_detail "$CAT:$line: '$code' is listed, but no rule of kiln emits it ($source)"
done <"$tmp/catalogue"
ci_detail "compared $(wc -l <"$tmp/emitted") codes ($source) with $(wc -l <"$tmp/catalogue") in $CAT"
exit 0
