#!/bin/sh
# known_issues: ci/known_issues.json loads strictly and none of its entries has expired
#
# Owner: ci. See docs/ci.md#known_issues. Runs `$KILN known
# ci/known_issues.json` (kiln/fixture/known.h), which names each expired
# entry as FILE:LINE. An expired entry no longer matches (its failure counts
# again), so a warning says to fix the bug or renew the entry; under
# CI_STRICT=1 the gate fails. Findings: known_issue_expired:<title> (one per
# entry), known_issues_invalid:<file> for a file that does not load, and
# artifacts_missing:kiln when there is no kiln to ask.
. "$ROOT/ci/checks/lib/common.sh"

file=ci/known_issues.json
[ -f "$ROOT/$file" ] || ci_skip "no $file"
if ! [ -x "$KILN" ]; then
	ci_warn artifacts_missing kiln
	ci_detail "no $KILN: build it first (make all; make check-ci does)"
	exit 0
fi
cd "$ROOT" || exit 1
out=$("$KILN" known "$file" 2>&1)
rc=$?
printf '%s\n' "$out" | awk -v file="$file" -v rc="$rc" '
	/ known issue .* expired on / {
		title = $0
		sub(/^[^\x27]*\x27/, "", title)
		sub(/\x27 \(.*$/, "", title)
		gsub(/[^A-Za-z0-9_.:\/-]+/, "_", title)
		printf "SMOKES_WARN: known_issue_expired:%s\n", title
		printf "  %s\n", $0
		next
	}
	{ printf "  %s\n", $0 }
	END {
		if (rc == 2)
			printf "SMOKES_WARN: known_issues_invalid:%s\n", file
	}'
exit 0
