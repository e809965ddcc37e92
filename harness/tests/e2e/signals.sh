#!/bin/sh
# signals.sh: killing kiln in the middle of a -j2 run leaves no QEMU behind.
#
# Rounds of `$KILN run -j2` over slow cases (guests that keep running until
# a step times out, and Rugo's one-second ticks), each killed after a
# different delay (from before the first case starts to the middle of the
# third) with SIGINT, SIGTERM or SIGKILL. SIGINT goes either to kiln alone or
# to its whole process group, as Ctrl-C on a terminal does. After each round
# the test counts the processes this test started that are still alive:
# QEMUs (and kiln workers) whose command line names this test's temporary
# directory, so other people's QEMUs on the machine never count. The count
# must be zero. After SIGINT and SIGTERM, kiln must also exit 130 and leave
# a report.json that says it was interrupted.
#
# Then the hard bounds, with KILN_QEMU pointing at wrappers that make "QEMU"
# ignore SIGTERM: one that lingers after QEMU is told to stop, and one that
# never even connects its sockets. Cases must still end within their bounds
# and leave nothing behind.
#
# SIGNALS_ROUNDS (default 10) sets the rounds per signal.
set -u
KILN=${KILN:-build/kiln}
ROUNDS=${SIGNALS_ROUNDS:-10}
repo=$(pwd)

. harness/tests/e2e/lib/selftest_lib.sh
selftest_setup signals
mkdir -p "$tmp/fx" "$tmp/run"
failed=0

# Anything of ours still alive: QEMUs, wrappers and kiln processes whose
# command line names $tmp. Prints their PIDs.
ours() {
	selftest_ours
}

# Slow cases: a guest that prints one marker and keeps running until the
# next step's 3 s timeout, and Rugo counting 100 timer ticks.
for i in 1 2 3 4; do
	cat >"$tmp/fx/alive_$i.json" <<EOF
{
  "guest": { "kernel": "$repo/build/selftest/alive.mb" },
  "machine": { "memory_mb": 16 },
  "timeout_s": 20,
  "steps": [ { "expect": "TINY: alive" }, { "expect": "TINY: never", "timeout_s": 3 } ],
  "exit": { "running": true }
}
EOF
done
for i in 1 2; do
	cat >"$tmp/fx/ticks_$i.json" <<EOF
{
  "guest": { "kernel": "$repo/build/guest/rugo.mb", "cmdline": "rugo.test=ticks" },
  "machine": { "memory_mb": 64 },
  "timeout_s": 20,
  "steps": [ { "expect": "TICK: 100" } ],
  "exit": { "debug_exit": 16 }
}
EOF
done

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
	while [ -n "$(ours)" ] && [ "$waited" -lt "$1" ]; do
		sleep 0.1
		waited=$((waited + 100))
	done
	ours | wc -l
}

# round N SIGNAL DELAY TARGET: run, kill after DELAY s, check.
round() {
	rn=$1 sig=$2 delay=$3 target=$4
	reports=$tmp/r$rn
	TMPDIR=$tmp/run python3 -c "$launcher" "$KILN" run -j2 --reports "$reports" "$tmp/fx" \
		>"$tmp/out$rn" 2>&1 &
	pid=$!
	wait_exec "$pid"
	sleep "$delay"
	if [ "$target" = group ]; then
		kill -s "$sig" -- "-$pid" 2>/dev/null
	else
		kill -s "$sig" "$pid" 2>/dev/null
	fi
	what="round $rn: SIG$sig to $target after $delay s"
	if ! wait_gone "$pid" 12000; then
		echo "signals: FAIL $what: kiln still runs 12 s later"
		kill -KILL "$pid"
		failed=$((failed + 1))
	fi
	wait "$pid"
	rc=$?
	left=$(leftovers_after 5000)
	problems=""
	[ "$left" -eq 0 ] || problems="$problems; $left process(es) left: $(ours | tr '\n' ' ')"
	if [ "$sig" != KILL ]; then
		[ "$rc" -eq 130 ] || problems="$problems; kiln exited $rc, not 130"
		if ! python3 - "$reports/latest/report.json" <<'EOF'; then
import json, sys
r = json.load(open(sys.argv[1]))
ok = r["interrupted"] is True and r["exit_code"] == 130
ok = ok and r["summary"]["runs"] + r["summary"]["not_run"] == 6
sys.exit(0 if ok else 1)
EOF
			problems="$problems; no report.json saying interrupted, exit 130, 6 cases"
		fi
	fi
	if [ -n "$problems" ]; then
		echo "signals: FAIL $what${problems}"
		sed 's/^/    | /' "$tmp/out$rn"
		failed=$((failed + 1))
	else
		echo "signals: ok $what: exit $rc, 0 processes left"
	fi
}

echo "signals: $ROUNDS rounds per signal of 'kiln run -j2' over 6 slow cases," \
	"counting leftover QEMUs (by PID, only those under $tmp)"
delays="0.02 0.3 0.7 1.1 1.6 2.2 2.9 3.5 4.2 5.5"
n=0
for sig in INT TERM KILL; do
	i=0
	for d in $delays $delays $delays; do
		[ "$i" -lt "$ROUNDS" ] || break
		i=$((i + 1))
		n=$((n + 1))
		target=kiln
		[ "$sig" = INT ] && [ $((i % 2)) -eq 0 ] && target=group
		round "$n" "$sig" "$d" "$target"
	done
done

# ---- hard bounds: a "QEMU" that ignores SIGTERM ----------------------------

# Lingers: runs the real QEMU; once told to stop with SIGTERM, QEMU itself
# exits, but this process, the one kiln started and signals, stays, ignoring
# SIGTERM from then on. Only SIGKILL ends it.
cat >"$tmp/stubborn-qemu" <<'EOF'
#!/bin/sh
term=0
trap 'term=1' TERM
qemu-system-x86_64 "$@"
rc=$?
if [ "$term" = 1 ]; then
	trap '' TERM
	while :; do sleep 1; done
fi
exit $rc
EOF
# Never connects: a QEMU wedged before it opens its sockets, deaf to SIGTERM.
cat >"$tmp/mute-qemu" <<'EOF'
#!/bin/sh
trap '' TERM
while :; do sleep 1; done
EOF
chmod +x "$tmp/stubborn-qemu" "$tmp/mute-qemu"

# bound NAME WRAPPER MAX_MS WANT_CLASS FIXTURE_DIR [SIGNAL_AFTER_S]
bound() {
	name=$1 wrapper=$2 max_ms=$3 want=$4 dir=$5 sig_after=${6:-}
	reports=$tmp/b-$name
	t0=$(date +%s%N)
	KILN_QEMU=$tmp/$wrapper TMPDIR=$tmp/run python3 -c "$launcher" "$KILN" run -j2 \
		--reports "$reports" "$dir" >"$tmp/out-$name" 2>&1 &
	pid=$!
	wait_exec "$pid"
	if [ -n "$sig_after" ]; then
		sleep "$sig_after"
		kill -INT "$pid"
	fi
	if ! wait_gone "$pid" "$max_ms"; then
		echo "signals: FAIL bound $name: kiln still runs after $max_ms ms"
		kill -KILL "$pid"
		failed=$((failed + 1))
	fi
	wait "$pid"
	ms=$((($(date +%s%N) - t0) / 1000000))
	left=$(leftovers_after 3000)
	classes=$(python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
print(" ".join(sorted(set(c["class"] for c in r["cases"]))))' "$reports/latest/report.json" 2>&1)
	if [ "$left" -ne 0 ] || [ "$classes" != "$want" ]; then
		echo "signals: FAIL bound $name: classes '$classes' (want '$want'), $left process(es) left"
		sed 's/^/    | /' "$tmp/out-$name"
		failed=$((failed + 1))
	else
		echo "signals: ok bound $name: '$classes' in $ms ms (bound $max_ms ms), 0 processes left"
	fi
}

mkdir -p "$tmp/fx-pass" "$tmp/fx-mute"
cp "$tmp/fx/ticks_1.json" "$tmp/fx/alive_1.json" "$tmp/fx-pass/"
cat >"$tmp/fx-mute/mute.json" <<EOF
{
  "guest": { "kernel": "$repo/build/guest/rugo.mb" },
  "timeout_s": 2,
  "steps": [ { "expect": "RUGO: boot ok" } ],
  "exit": { "debug_exit": 16 }
}
EOF
echo "signals: hard bounds, with a QEMU that ignores SIGTERM"
# ticks passes (~1.5 s), alive times out (3 s); each stop waits its 1 s of
# grace for the SIGTERM that is ignored, then SIGKILLs.
bound stubborn stubborn-qemu 9000 "pass timeout_after:TINY: alive" "$tmp/fx-pass"
# Interrupted in the middle: still 130-style cleanup, nothing left.
bound stubborn-int stubborn-qemu 9000 "harness_error" "$tmp/fx-pass" 0.8
# A 2 s case whose QEMU never connects: its start must not outlast the case.
bound mute mute-qemu 6000 "harness_error" "$tmp/fx-mute"

if [ "$failed" -ne 0 ]; then
	echo "signals: $failed check(s) failed"
	exit 1
fi
echo "signals: ok"
