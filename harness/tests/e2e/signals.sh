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

. harness/tests/e2e/lib/kill_lib.sh

# round N SIGNAL DELAY TARGET: the six slow cases, killed after DELAY s.
round() {
	kill_round signals "$1" "$2" "$3" "$4" 6 "$tmp/fx"
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
