#!/bin/sh
# faults_qemu_stopped.sh: a QEMU that stops answering (SIGSTOP mid-case)
# ends the case at its deadline with a clear class, and is reaped.
#
# Rugo counts timer ticks for about a second; the case expects
# "RUGO: boot ok", then "TICK: 100", within a 6 s case budget. The test
# sends SIGSTOP to the case's QEMU once "RUGO: boot ok" is on the console.
# (Stopping it before the first marker cannot be timed from outside: Rugo
# prints it within about 100 ms of QEMU's start. A QEMU that hangs before
# its sockets is signals.sh's.) A stopped QEMU prints nothing and answers
# no QMP command, so Kiln must rely on its own deadlines alone:
#   - the outcome is timeout_after:RUGO: boot ok;
#   - kiln exits by the case budget plus the capsule's QMP budget (2 s)
#     and 700 ms;
#   - the capsule says the registers could not be read, and case.json,
#     report.json and junit.xml are whole;
#   - the stopped QEMU is gone afterwards (Kiln sends SIGCONT with SIGTERM,
#     then SIGKILL), and no other process of this test is left.
set -u
KILN=${KILN:-build/kiln}
repo=$(pwd)

. harness/tests/e2e/lib/selftest_lib.sh
selftest_setup faults_qemu_stopped
failed=0
mkdir -p "$tmp/fx" "$tmp/sock"
TMPDIR=$tmp/sock # QEMU's socket paths name $tmp: selftest_ours finds it
export TMPDIR
BUDGET_S=6
# The case budget, the capsule's 2 s of QMP, and 700 ms for the rest. A
# stopped QEMU that held Kiln's SIGTERM pending through the whole 1 s grace
# (before SIGCONT was sent with it) overshot this by about 300 ms.
BOUND_MS=$(((BUDGET_S + 2) * 1000 + 700))

cat >"$tmp/fx/ticks.json" <<EOF
{
  "guest": { "kernel": "$repo/build/guest/rugo.mb", "cmdline": "rugo.test=ticks" },
  "machine": { "memory_mb": 64 },
  "timeout_s": $BUDGET_S,
  "steps": [ { "expect": "RUGO: boot ok" }, { "expect": "TICK: 100" } ],
  "exit": { "debug_exit": 16 }
}
EOF

fail() {
	echo "faults_qemu_stopped: FAIL: $*"
	failed=1
}

# stop_at WHEN WANT_CLASS: run the case, SIGSTOP its QEMU at WHEN
# ("marker": once the console shows RUGO: boot ok).
stop_at() {
	when=$1 want=$2
	rm -rf "$tmp/r"
	t0=$(date +%s%N)
	"$KILN" run --reports "$tmp/r" "$tmp/fx/ticks.json" >"$tmp/out" 2>&1 &
	kiln=$!
	qemu="" waited=0
	while [ -z "$qemu" ] && [ "$waited" -lt 200 ]; do
		qemu=$(selftest_ours '*qemu-system*' | head -1)
		[ -n "$qemu" ] || { sleep 0.02; waited=$((waited + 1)); }
	done
	[ -n "$qemu" ] || { fail "$when: no QEMU appeared"; wait "$kiln"; return; }
	if [ "$when" = marker ]; then
		waited=0
		until grep -qs "RUGO: boot ok" "$tmp"/r/*/fx/ticks/console.log || [ "$waited" -ge 200 ]; do
			sleep 0.02
			waited=$((waited + 1))
		done
	fi
	kill -STOP "$qemu"
	wait "$kiln"
	rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	case_json=$(ls "$tmp"/r/*/fx/ticks/case.json 2>/dev/null | head -1)
	got=$(python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(d["class"], "|", d["capsule"].get("registers_error", "registers read"))' "$case_json" 2>&1)
	echo "faults_qemu_stopped: stopped at $when: exit $rc after $ms ms: $got"
	[ "$rc" = 6 ] || fail "$when: exit $rc, not 6 (timeout): $(cat "$tmp/out")"
	case $got in
	"$want | registers read") fail "$when: registers from a stopped QEMU?" ;;
	"$want | "*) ;;
	*) fail "$when: class and capsule '$got', want '$want'" ;;
	esac
	[ "$ms" -le "$BOUND_MS" ] || fail "$when: $ms ms, more than the bound of $BOUND_MS ms"
	for f in "$tmp"/r/*/report.json "$tmp"/r/*/junit.xml; do
		case $f in
		*.xml) xmllint --noout "$f" || fail "$when: $f is not whole" ;;
		*) python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$f" ||
			fail "$when: $f is not whole" ;;
		esac
	done
	if selftest_alive "$qemu"; then
		fail "$when: the stopped QEMU $qemu is still there"
		kill -KILL "$qemu"
	fi
	left=$(selftest_ours)
	[ -z "$left" ] || fail "$when: processes left: $left"
}

stop_at marker "timeout_after:RUGO: boot ok"
[ "$failed" = 0 ] && echo "faults_qemu_stopped: ok"
exit "$failed"
