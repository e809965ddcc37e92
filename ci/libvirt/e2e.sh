# ci/libvirt/e2e.sh: shared by the libvirt backend's e2e tests
# (harness/tests/e2e/libvirt_*.sh), which source it. Not a test itself.
#
# Owner: the libvirt backend (ring2). It skips a test (exit 77, with the
# reason) when libvirt is not there, starts private libvirtd instances with
# ci/libvirtd.sh, and on every exit (pass, fail, Ctrl-C) stops each of them,
# which ends every QEMU they started, and removes the test's scratch.
#
# After sourcing: KILN, BUILD, JOBS, $scratch (a fresh directory), and
#   lv_require_libvirt        skip unless libvirt and a libvirt kiln exist
#   lv_daemon NAME [tcp]      start instance NAME-<pid> (tests may run side
#                             by side); its URI in $lv_uri, its name in
#                             $lv_name
#                             (not in a $(...) subshell: the trap must
#                             know every instance to stop it); with tcp it
#                             also listens on a free port of 127.0.0.1, and
#                             $lv_tcp_uri reaches it as another host would
#   lv_fail MESSAGE           print "<test>: FAIL: MESSAGE", exit 1
#   lv_suite_dirs             the Rugo suite (fixtures/* but selftest, linux,
#                             and net: machine.network needs the qemu
#                             backend, and libvirt_backend.sh checks that
#                             libvirt refuses it)
#   lv_json FILE EXPR         a Python expression over the JSON in FILE (j)

KILN=${KILN:-build/kiln}
BUILD=${BUILD:-build}
JOBS=${JOBS:-2}
export BUILD
lv_test=$(basename "$0" .sh)
lv_started=""
scratch=$(mktemp -d "${TMPDIR:-/tmp}/kiln-$lv_test-XXXXXX")

# Stop every instance; keep an instance's directory (its logs) only when
# the test failed.
lv_cleanup() {
	rc=$?
	for n in $lv_started; do
		ci/libvirtd.sh stop "$n" >/dev/null || echo "$lv_test: could not stop libvirtd '$n'"
		if [ "$rc" -eq 0 ] || [ "$rc" -eq 77 ]; then
			rm -rf "$BUILD/libvirt/$n"
		else
			echo "$lv_test: libvirtd '$n' logs kept in $BUILD/libvirt/$n/log"
		fi
	done
	lv_started=""
	rm -rf "$scratch"
}
trap lv_cleanup EXIT
trap 'exit 130' INT TERM

lv_fail() {
	echo "$lv_test: FAIL: $*"
	exit 1
}

lv_require_libvirt() {
	if ! pkg-config --exists libvirt libvirt-qemu 2>/dev/null; then
		echo "$lv_test: skip: libvirt's development files are not installed (ci/install-deps.sh)"
		exit 77
	fi
	if ! command -v libvirtd >/dev/null || ! command -v virsh >/dev/null; then
		echo "$lv_test: skip: libvirtd or virsh is not installed (ci/install-deps.sh)"
		exit 77
	fi
	# The kiln under test may still be a build from before libvirt was
	# installed: ask it.
	out=$("$KILN" run --backend libvirt --connect "qemu:///system?socket=/nonexistent/sock" \
		--reports "$scratch/probe" fixtures/boot/banner.json 2>&1)
	case $out in
	*not_compiled*)
		echo "$lv_test: skip: $KILN was built without libvirt (rebuild after ci/install-deps.sh)"
		exit 77
		;;
	esac
}

lv_daemon() {
	lv_name=$1-$$
	lv_started="$lv_started $lv_name"
	port=""
	if [ "${2:-}" = tcp ]; then
		port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	fi
	lv_uri=$(LIBVIRTD_TCP_PORT=$port ci/libvirtd.sh start "$lv_name") ||
		lv_fail "cannot start libvirtd '$lv_name'"
	lv_tcp_uri=""
	[ -z "$port" ] || lv_tcp_uri=$(ci/libvirtd.sh tcp-uri "$lv_name")
}

. harness/tests/e2e/lib/suite_dirs.sh
lv_suite_dirs() {
	rugo_suite_dirs fixtures/net
}

lv_json() {
	python3 -c 'import json, sys; j = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}
