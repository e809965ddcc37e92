#!/bin/sh
# libvirt_select.sh: backend selection and fail-fast, with no daemon at all.
#
# Runs in every build. The default is the ring1 qemu backend, with its tag.
# Asking for libvirt (KILN_BACKEND, --backend, or --connect) when no daemon
# answers fails fast, in under 2 s, with exit code 8 and the reason in the
# fail-fast tag: libvirt_unavailable, or not_compiled for a kiln built
# without libvirt. There is no fallback to qemu: no case runs, no report is
# written. JSON_ONLY=1 keeps the tags off stderr. Unknown names are usage
# errors (exit 2).
set -u
. ci/libvirt/e2e.sh

nowhere="qemu:///system?socket=$scratch/no-daemon/libvirt-sock"
if "$KILN" run --backend libvirt --connect "$nowhere" --reports "$scratch/x" \
	fixtures/boot/banner.json 2>&1 | grep -q not_compiled; then
	reason=not_compiled
else
	reason=libvirt_unavailable
fi

# kiln run ARGS... with stderr in $scratch/err, the exit code in $rc and the
# wall time in $ms.
run() {
	t0=$(date +%s%N)
	"$KILN" run --reports "$scratch/reports" "$@" >"$scratch/out" 2>"$scratch/err"
	rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
}

unset KILN_BACKEND JSON_ONLY
run fixtures/boot/banner.json
[ $rc -eq 0 ] || lv_fail "the default backend run failed ($rc): $(cat "$scratch/err")"
grep -qx '\[provider/select:backend ring=1 src=static\]' "$scratch/err" ||
	lv_fail "no ring1 selection tag: $(cat "$scratch/err")"
[ "$(lv_json "$scratch/reports/latest/boot/banner/case.json" 'j["backend"]')" = qemu ] ||
	lv_fail "case.json does not name the qemu backend"

for how in env flag connect default-uri; do
	rm -rf "$scratch/reports"
	case $how in
	env) KILN_BACKEND=libvirt run --connect "$nowhere" fixtures/boot/banner.json ;;
	flag) KILN_BACKEND=qemu run --backend libvirt --connect "$nowhere" fixtures/boot/banner.json ;;
	connect) run --connect "$nowhere" fixtures/boot/banner.json ;;
	default-uri) LIBVIRT_DEFAULT_URI=$nowhere run --backend libvirt fixtures/boot/banner.json ;;
	esac
	[ $rc -eq 8 ] || lv_fail "$how: exit $rc, not 8: $(cat "$scratch/err")"
	[ $ms -lt 2000 ] || lv_fail "$how: took $ms ms to fail"
	grep -qx "\[failfast/provider/backend:$reason\]" "$scratch/err" ||
		lv_fail "$how: no fail-fast tag for $reason: $(cat "$scratch/err")"
	if grep -q 'provider/select' "$scratch/err" || [ -s "$scratch/out" ]; then
		lv_fail "$how: it selected something or ran a case"
	fi
	[ ! -e "$scratch/reports" ] || lv_fail "$how: a run directory was created"
done

JSON_ONLY=1 run --backend libvirt --connect "$nowhere" fixtures/boot/banner.json
[ $rc -eq 8 ] || lv_fail "JSON_ONLY: exit $rc, not 8"
if grep -q '^\[' "$scratch/err"; then
	lv_fail "JSON_ONLY=1 still printed a tag: $(cat "$scratch/err")"
fi

run --backend xen fixtures/boot/banner.json
[ $rc -eq 2 ] || lv_fail "an unknown backend exits $rc, not 2"
run --backend qemu --connect "$nowhere" fixtures/boot/banner.json
[ $rc -eq 2 ] || lv_fail "--connect with the qemu backend exits $rc, not 2"

echo "$lv_test: ok ($reason)"
