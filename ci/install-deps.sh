#!/bin/sh
# ci/install-deps.sh: the one list of Debian packages this project needs.
#
# Owner: the build. The Makefile's `deps` target calls this, and `make run`
# and `make test` depend on `deps`, so a fresh Debian 12 machine needs nothing
# else. It is idempotent: it asks dpkg what is missing, runs `apt-get update`
# once and only when something must be installed, and names what it installed.
#
# Usage: ci/install-deps.sh [--with diag-capture] [--print]
#   --with diag-capture  also what regenerating the diag golden corpus needs
#                        (a Linux image, headers and source: heavy, and never
#                        needed to build or test)
#   --print              list the packages and exit
set -eu

# Build and run: the harness, the guest kernel and its tests.
PKGS_CORE="gcc libc6-dev make binutils pkg-config libjansson-dev libssl-dev check libsubunit-dev
qemu-system-x86 qemu-utils gdb python3"
# Linkers and a clang toolchain: lld and gold for the diagnostics golden
# corpus, clang for the libFuzzer target.
PKGS_TOOLS="lld clang libclang-rt-14-dev"
# Regenerating the diagnostics golden corpus (harness/tests/diag_golden/capture.sh): Linux
# logs boot Debian's kernel with a busybox initramfs and a test module built
# against its headers; the KASAN logs build a kernel from Debian's source.
PKGS_DIAG_CAPTURE="g++ linux-headers-amd64 flex bison bc libelf-dev"
# The Linux guest of the test suite (fixtures/linux, harness/tests/linux.mk):
# Debian's own kernel and a busybox initramfs packed with cpio, so `make test`
# shows kiln on a guest nobody here wrote (also what diag-capture boots).
# linux-source gives the kernel's kselftest harness, whose KTAP output the
# KTAP tests read from a real Linux guest (fixtures/ktap).
PKGS_LINUX_GUEST="linux-image-amd64 busybox-static cpio linux-source"
# Benchmarks (bench/): the pexpect peer that kiln is measured against.
PKGS_BENCH="python3-pexpect"
# Go on Rugo (guest/go/, docs/guest.md "Linux personality"): Debian's stock Go
# toolchain builds the static GOOS=linux binaries that Rugo runs.
PKGS_GO="golang-go"
# Local checks (ci/run_local_checks.sh).
PKGS_CHECKS="clang-format clang-tidy cppcheck"
# The optional ring2 libvirt backend and the real libvirtd its tests start.
PKGS_LIBVIRT="libvirt-dev libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients"
# End-to-end tests of the harness: xmllint checks that junit.xml stays valid
# XML whatever the guest prints (harness/tests/e2e/runner_behaviour.sh).
PKGS_TESTS="libxml2-utils"
# The Python binding of libkiln and its pytest plugin (python/): Debian's
# pytest runs their tests, and `pytest --kiln DIR` is what a user types.
PKGS_PYTHON="python3-pytest"
# The report page and CI formats (harness/tests/e2e/report_*.sh): report.html
# is loaded in headless Chromium through chromedriver and selenium, and
# report.tap is parsed as TAP 14 by node's tap-parser (Perl's TAP::Parser 3.44
# refuses "TAP version 14").
PKGS_REPORT_TESTS="chromium chromium-driver python3-selenium nodejs node-tap-parser"

PKGS="$PKGS_CORE $PKGS_TOOLS $PKGS_CHECKS $PKGS_LIBVIRT $PKGS_TESTS $PKGS_PYTHON $PKGS_REPORT_TESTS
$PKGS_LINUX_GUEST $PKGS_BENCH $PKGS_GO"

print=0
while [ $# -gt 0 ]; do
	case $1 in
	--print) print=1 ;;
	--with)
		[ "${2:-}" = diag-capture ] || { echo "install-deps: --with takes diag-capture" >&2; exit 2; }
		PKGS="$PKGS $PKGS_DIAG_CAPTURE"
		shift
		;;
	*) echo "usage: ci/install-deps.sh [--with diag-capture] [--print]" >&2; exit 2 ;;
	esac
	shift
done
if [ "$print" = 1 ]; then
	echo $PKGS
	exit 0
fi

missing=""
for p in $PKGS; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done

if [ -z "$missing" ]; then
	echo "install-deps: all $(echo $PKGS | wc -w) packages present"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages:$missing" >&2
	echo "install-deps: run as root, or install them with apt-get" >&2
	exit 1
fi

echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086 # word splitting of the list is intended
apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "install-deps: installed:$missing"
