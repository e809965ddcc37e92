#!/bin/sh
# ci/run_tests.sh KIND PROGRAM...: run each test program, report, count.
#
# Owner: the build (`make unit`, `make e2e`). Each program is a Check binary
# or an e2e script that exits 0 on success, 77 when it skips (the automake
# convention) and anything else on failure. Its output is shown as it runs.
# The last line is the plain count CI reads: "KIND: N passed, N failed, N skipped".
set -u
kind=$1
shift
pass=0 fail=0 skip=0 failed=""
for t in "$@"; do
	echo "---- $kind: $t"
	"$t"
	rc=$?
	case $rc in
	0) pass=$((pass + 1)) ;;
	77) skip=$((skip + 1)); echo "---- $kind: $t skipped" ;;
	*) fail=$((fail + 1)); failed="$failed $t"; echo "---- $kind: $t FAILED (exit $rc)" ;;
	esac
done
[ -z "$failed" ] || echo "$kind: failed:$failed"
echo "$kind: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
