#!/bin/sh
# fixtures_valid: every fixture under fixtures/ loads in kiln's strict loader (kiln validate)
#
# Owner: ci. See docs/ci.md#fixtures_valid. Runs `$KILN validate fixtures/`,
# which prints each error as FILE:LINE:COLUMN: reason and boots nothing.
# Findings: fixture_invalid:<file> (one per fixture, every error as detail),
# fixtures_invalid:<message> for an error that names no file, and
# artifacts_missing:kiln when there is no kiln to ask.
. "$ROOT/ci/checks/lib/common.sh"

if ! [ -x "$KILN" ]; then
	ci_warn artifacts_missing kiln
	ci_detail "no $KILN: build it first (make all; make check-ci does)"
	exit 0
fi
[ -d "$ROOT/fixtures" ] || ci_skip "no fixtures/ directory"

out=$("$KILN" validate fixtures/ 2>&1)
rc=$?
printf '%s\n' "$out" | awk -v rc="$rc" '
	/^kiln: [0-9]+ fixtures valid$/ { ok = 1; print "  " $0; next }
	{
		line = $0
		sub(/^kiln: /, "", line)
		if (match(line, /^[^: ]+\.json:[0-9]+:[0-9]+: /)) {
			file = substr(line, 1, RLENGTH)
			sub(/:[0-9]+:[0-9]+: $/, "", file)
			if (!(file in seen)) {
				seen[file] = 1
				printf "SMOKES_WARN: fixture_invalid:%s\n", file
			}
		} else if (line != "") {
			msg = line
			gsub(/[^A-Za-z0-9_.\/-]+/, "_", msg)
			printf "SMOKES_WARN: fixtures_invalid:%s\n", substr(msg, 1, 80)
		}
		printf "  %s\n", line
		bad = 1
	}
	END {
		if (rc != 0 && !bad)
			printf "SMOKES_WARN: fixtures_invalid:validate_exit_%d\n  kiln validate exited %d without saying why\n", rc, rc
		if (rc == 0 && !ok)
			printf "SMOKES_WARN: fixtures_invalid:no_summary\n  kiln validate printed no \"N fixtures valid\" line\n"
	}'
exit 0
