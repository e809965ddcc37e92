#!/bin/sh
# rugo_suite.sh: the Rugo fixture suite under kiln, as `make run` boots it.
#
# Every fixture area except the harness self-tests (fixtures/selftest, meant
# to fail in specific ways) and the Linux group (linux_group.sh) must pass.
set -u
KILN=${KILN:-build/kiln}
reports=$(mktemp -d)
trap 'rm -rf "$reports"' EXIT
. harness/tests/e2e/lib/suite_dirs.sh
dirs=$(rugo_suite_dirs)
# shellcheck disable=SC2086 # one word per directory
"$KILN" run --reports "$reports" -j "${JOBS:-2}" $dirs
rc=$?
if [ "$rc" -ne 0 ]; then
	echo "rugo_suite: kiln exited $rc; failing cases are listed above"
	exit 1
fi
echo "rugo_suite: ok"
