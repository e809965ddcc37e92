#!/bin/sh
# selftest_outcomes.sh: every fixture in fixtures/selftest/ ends in exactly
# its outcome class, with kiln's documented exit code for that class.
#
# Each fixture runs alone (`$KILN run --reports <tmp>/<name> <fixture>`), so
# kiln's exit code is that case's. The table below says, per fixture, the
# class text (case.json "class"), the outcome, the exit code
# (harness/src/lib/outcome.c, docs/reports.md), a piece of the reason that shows
# the class was reached for the right cause, and a bound on the wall time of
# the whole kiln run where the issue sets one:
#   - a guest that panics under a 60 s case timeout: guest_panicked < 2 s;
#   - a missing kernel: qemu_start_failed < 1 s, with QEMU's reason.
# Reports are read with python3's json module.
set -u
KILN=${KILN:-build/kiln}
here=fixtures/selftest

. harness/tests/e2e/lib/selftest_lib.sh
selftest_setup selftest_outcomes
failed=0

# run_one NAME [ENV=VALUE...]: run fixture NAME; sets rc, wall_ms, report.
run_one() {
	name=$1
	shift
	t0=$(date +%s%N)
	env "$@" "$KILN" run --reports "$tmp/$name" "$here/$name.json" >"$tmp/$name.out" 2>&1
	rc=$?
	wall_ms=$((($(date +%s%N) - t0) / 1000000))
}

# check NAME CLASS EXIT REASON_PART MAX_WALL_MS [ENV=VALUE...]
check() {
	name=$1 want_class=$2 want_rc=$3 want_reason=$4 max_ms=$5
	shift 5
	echo "selftest_outcomes: $name: want class '$want_class', exit $want_rc," \
		"reason containing '$want_reason'${max_ms:+, in under $max_ms ms}"
	run_one "$name" "$@"
	verdict=$(python3 - "$tmp/$name" "$want_class" "$want_reason" <<'EOF'
import json, os, sys
root, want_class, want_reason = sys.argv[1:4]
run = os.path.join(root, os.readlink(os.path.join(root, "latest")))
report = json.load(open(os.path.join(run, "report.json")))
cases = report["cases"]
if len(cases) != 1 or len(cases[0]["attempts"]) != 1:
    print("BAD expected one case with one attempt, got %d" % len(cases))
    sys.exit()
case = json.load(open(os.path.join(run, cases[0]["attempts"][0]["dir"], "case.json")))
errors = []
if case["class"] != want_class:
    errors.append("class is '%s'" % case["class"])
outcome = want_class.split(":")[0]
if outcome == "timeout_after":
    outcome = "timeout"
if case["outcome"] != outcome or cases[0]["outcome"] != outcome:
    errors.append("outcome is '%s' (report.json: '%s')" % (case["outcome"], cases[0]["outcome"]))
if report["summary"]["outcomes"].get(outcome) != 1:
    errors.append("report.json counts %s under '%s'" % (report["summary"]["outcomes"], outcome))
if want_reason not in case["reason"]:
    errors.append("reason is '%s'" % case["reason"])
if outcome != "pass" and "capsule" not in case:
    errors.append("no failure capsule in case.json")
print(("BAD " + "; ".join(errors)) if errors else
      "OK class '%s', reason '%s', case %d ms" % (case["class"], case["reason"], case["duration_ms"]))
EOF
)
	case $verdict in
	OK*) ;;
	*)
		echo "selftest_outcomes: FAIL $name: $verdict"
		sed 's/^/    | /' "$tmp/$name.out"
		failed=$((failed + 1))
		return
		;;
	esac
	if [ "$rc" -ne "$want_rc" ]; then
		echo "selftest_outcomes: FAIL $name: kiln exited $rc, not $want_rc"
		failed=$((failed + 1))
	elif [ -n "$max_ms" ] && [ "$wall_ms" -ge "$max_ms" ]; then
		echo "selftest_outcomes: FAIL $name: kiln took $wall_ms ms, the bound is $max_ms ms"
		failed=$((failed + 1))
	else
		echo "selftest_outcomes: ok $name: ${verdict#OK }, exit $rc, kiln $wall_ms ms"
	fi
}

check fail_missing_marker fail 1 \
	"while waiting for step 2: expect 'RUGO: a marker Rugo never prints'" ""
check fail_wrong_exit fail 1 "expected debug_exit 16 (status 33), but QEMU exited with status 35" ""
check fail_marker_unexpected fail 1 "unexpected marker line 'RUGO: halt ok'" ""
check fail_marker_repeated fail 1 "marker line repeated: 'TINY: dup'" ""
check fail_qmp_returns fail 1 "qmp 'query-status' returned {\"status\":\"running\"" ""
check fail_qmp_error_class fail 1 "expected error class GenericError, got CommandNotFound" ""
# No reply: the step is named, and the case ends at its 2 s step timeout,
# not at the 30 s case timeout.
check fail_udp_no_reply fail 1 \
	"step 2: udp_send 7 bytes to guest port 9, expecting reply 'anyone?': no reply from 127.0.0.1:" 8000
check qemu_start_failed_missing_kernel qemu_start_failed 3 \
	"could not open kernel file '$here/../../build/guest/no-such-kernel.mb': No such file or directory" 1000
check qemu_start_failed_unknown_device qemu_start_failed 3 \
	"'kiln-no-such-device' is not a valid device model name" ""
check guest_silent guest_silent 4 "no console output in 1.0 s" 5000
check guest_panicked guest_panicked 5 "'RUGO: panic code=0x1' (fail pattern 'RUGO: panic')" 2000
check guest_panicked_hang guest_panicked 5 "(fail pattern 'Kernel panic - not syncing')" 2000
check guest_panicked_garbage guest_panicked 5 "(fail pattern 'TINY: junk ctl=')" ""
check fail_hostile_output fail 1 "expected debug_exit 5 (status 11), but QEMU exited with status 9" ""
check replay_null_write guest_panicked 5 "'RUGO: panic code=0x10e' (fail pattern 'RUGO: panic')" ""
check timeout_after_marker "timeout_after:TINY: alive" 6 \
	"waited 1.0 s for step 2: expect 'TINY: a marker that never comes'" 5000
check timeout_after_rugo_paused "timeout_after:RUGO: boot ok" 6 "for step 3: expect 'TICK: 100'" 8000
# A TMPDIR that does not exist: kiln cannot make the cases' private socket
# directories there, and says so once, before any case runs or any report
# directory is made (exit 9). The case engine's own harness_error for it is
# test_engine's. The same fixture passes in a normal environment.
run_one harness_error_no_run_dir TMPDIR="$tmp/no-such-dir"
if [ "$rc" -ne 9 ] || [ -e "$tmp/harness_error_no_run_dir" ] ||
	! grep -q "cannot make a directory in $tmp/no-such-dir (TMPDIR): No such file or directory" \
		"$tmp/harness_error_no_run_dir.out"; then
	echo "selftest_outcomes: FAIL harness_error_no_run_dir: exit $rc, not 9 with one clear line"
	sed 's/^/    | /' "$tmp/harness_error_no_run_dir.out"
	failed=$((failed + 1))
else
	echo "selftest_outcomes: ok harness_error_no_run_dir: a missing TMPDIR refused before any case, exit 9"
fi
check harness_error_no_run_dir pass 0 "QEMU exited with status 33 (debug_exit 16)" ""
check pass_unordered pass 0 "debug_exit 16" ""
check pass_qmp_steps pass 0 "debug_exit 16" ""
check pass_running_exit pass 0 "still running after the last step" ""
check pass_send pass 0 "debug_exit 2" ""

# Every fixture in the directory is covered by the table above.
for f in "$here"/*.json; do
	n=$(basename "$f" .json)
	if ! grep -q "^check $n " "$0"; then
		echo "selftest_outcomes: FAIL $n has no expected class in $0"
		failed=$((failed + 1))
	fi
done

if [ "$failed" -ne 0 ]; then
	echo "selftest_outcomes: $failed check(s) failed"
	exit 1
fi
echo "selftest_outcomes: ok"
