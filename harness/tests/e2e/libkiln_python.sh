#!/bin/sh
# libkiln_python.sh: the Python binding and the pytest plugin (python/), under Debian's pytest.
#
# Owner: libkiln (docs/libkiln.md). Runs python/tests with /usr/bin/pytest
# (python3-pytest, from ci/install-deps.sh) from the top of the tree, where
# conftest.py loads the plugin. The binding loads build/libkiln.so (not the
# ASan build: a sanitized library cannot be loaded into an unsanitized
# python); the ABI tests and the parity test run that one.
set -u
BUILD=${BUILD:-build}
if [ ! -x /usr/bin/pytest ]; then
	echo "libkiln_python: /usr/bin/pytest is missing (python3-pytest: ci/install-deps.sh)"
	exit 1
fi
for f in "$BUILD/libkiln.so" build/guest/rugo.mb; do
	[ -e "$f" ] || {
		echo "libkiln_python: $f is missing (make all)"
		exit 1
	}
done
KILN_LIBKILN=$(pwd)/$BUILD/libkiln.so PYTHONDONTWRITEBYTECODE=1 \
	/usr/bin/pytest -p no:cacheprovider -q python/tests
