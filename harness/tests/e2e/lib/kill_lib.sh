# kill_lib.sh: killing kiln at a chosen moment and checking what is left,
# shared by signals.sh (make test) and the kill storm (make soak). Sourced
# after selftest_lib.sh (selftest_setup has made $tmp); uses $KILN, and
# $tmp/run as kiln's TMPDIR so that its QEMUs' command lines name $tmp.
# Each failed check prints a line and adds one to $failed.

kill_left=0  # processes found left, summed over the rounds so far
kill_early=0 # rounds whose run ended before the signal

# kiln is started through this so that, although a background job of a
# non-interactive shell, it gets SIGINT with its default disposition (the
# shell would start it ignored) and its own process group (so a "Ctrl-C"
# can be sent to the group).
launcher='import os, signal, sys
os.setpgid(0, 0)
for s in (signal.SIGINT, signal.SIGPIPE, signal.SIGXFSZ):
    signal.signal(s, signal.SIG_DFL)
os.execvp(sys.argv[1], sys.argv[1:])'

alive() {
	selftest_alive "$1"
}

# wait_gone PID MS: wait up to MS for PID to end; 0 if it did.
wait_gone() {
	waited=0
	while alive "$1" && [ "$waited" -lt "$2" ]; do
		sleep 0.05
		waited=$((waited + 50))
	done
	! alive "$1"
}

# wait_exec PID: wait (up to 3 s) until the launcher has become kiln and
# kiln catches SIGINT (its first act in `kiln run`), so that a delay counts
# from there. Before main(), any program just dies of the signal, with
# nothing started and nothing to report.
wait_exec() {
	waited=0
	while [ "$waited" -lt 3000 ]; do
		if [ "$(readlink "/proc/$1/exe" 2>/dev/null)" = "$kiln_exe" ]; then
			cgt=$(sed -n 's/^SigCgt:\t*//p' "/proc/$1/status" 2>/dev/null)
			[ $((0x${cgt:-0} & 2)) -ne 0 ] && return
		fi
		sleep 0.01
		waited=$((waited + 10))
	done
}
kiln_exe=$(readlink -f "$KILN")

# leftovers_after MS: wait up to MS for our processes to go; print how many
# are left (the workers of a SIGKILLed kiln need a moment to stop QEMU).
leftovers_after() {
	waited=0
	while [ -n "$(selftest_ours)" ] && [ "$waited" -lt "$1" ]; do
		sleep 0.1
		waited=$((waited + 100))
	done
	selftest_ours | wc -l
}

# kill_round TAG N SIGNAL DELAY TARGET CASES PATH...: `kiln run -j2` over
# PATH..., SIGNAL to kiln (TARGET kiln) or its process group (group) after
# DELAY s, then check: nothing of ours left; after SIGINT and SIGTERM, exit
# 130, a whole report.json that says so and counts CASES cases (run or not
# run), and a junit.xml that parses. TAG names the test in its lines. A
# run that ended before DELAY was not killed: only the leftovers are
# checked, and kill_early counts it.
kill_round() {
	tag=$1 rn=$2 sig=$3 delay=$4 target=$5 cases=$6
	shift 6
	reports=$tmp/r$rn
	TMPDIR=$tmp/run python3 -c "$launcher" "$KILN" run -j2 --reports "$reports" "$@" \
		>"$tmp/out$rn" 2>&1 &
	pid=$!
	wait_exec "$pid"
	sleep "$delay"
	early=0
	alive "$pid" || early=1
	kill_early=$((kill_early + early))
	if [ "$target" = group ]; then
		kill -s "$sig" -- "-$pid" 2>/dev/null
	else
		kill -s "$sig" "$pid" 2>/dev/null
	fi
	what="round $rn: SIG$sig to $target after $delay s"
	if ! wait_gone "$pid" 12000; then
		echo "$tag: FAIL $what: kiln still runs 12 s later"
		kill -KILL "$pid"
		failed=$((failed + 1))
	fi
	wait "$pid"
	rc=$?
	left=$(leftovers_after 5000)
	kill_left=$((kill_left + left))
	problems=""
	[ "$left" -eq 0 ] || problems="$problems; $left process(es) left: $(selftest_ours | tr '\n' ' ')"
	if [ "$sig" != KILL ] && [ "$early" = 0 ]; then
		[ "$rc" -eq 130 ] || problems="$problems; kiln exited $rc, not 130"
		if ! python3 - "$reports/latest/report.json" "$cases" <<'EOF'; then
import json, sys
r = json.load(open(sys.argv[1]))
ok = r["interrupted"] is True and r["exit_code"] == 130
ok = ok and r["summary"]["runs"] + r["summary"]["not_run"] == int(sys.argv[2])
sys.exit(0 if ok else 1)
EOF
			problems="$problems; no report.json saying interrupted, exit 130, $cases cases"
		fi
		xmllint --noout "$reports/latest/junit.xml" 2>/dev/null ||
			problems="$problems; junit.xml is missing or not whole"
	fi
	if [ -n "$problems" ]; then
		echo "$tag: FAIL $what${problems}"
		sed 's/^/    | /' "$tmp/out$rn"
		failed=$((failed + 1))
	else
		echo "$tag: ok $what: exit $rc, 0 processes left$([ "$early" = 1 ] && echo " (it had ended before the signal)")"
	fi
}

