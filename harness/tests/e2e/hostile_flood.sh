#!/bin/sh
# hostile_flood.sh: guests that flood the console, print one endless line,
# or print what breaks terminals, JSON and XML; Kiln's memory stays bounded,
# console.log stops at its cap and says so, a marker after the flood still
# matches, and every report stays whole and escaped.
#
# 1. flood: 3 MiB in 80-byte lines as fast as QEMU's UART takes them, then
#    "TINY: flood done", with KILN_CONSOLE_LOG_CAP=1 MiB. The case passes
#    (a regex step and a regex fail pattern scan the whole flood);
#    console.log is the cap's bytes of the flood and then one line saying
#    where it stopped.
# 2. longline: one 3 MB line with no newline, then the marker: the case
#    passes and console.log holds it all.
# 3. hostile: fixtures/selftest/fail_hostile_output.json (<script>, ANSI
#    escapes, NUL, invalid UTF-8): kiln's terminal lines carry no raw ESC or
#    NUL, and report.json, junit.xml and case.json parse.
# For 1 and 2, the peak RSS (VmHWM) of every kiln process (the runner and
# its worker) is sampled while it runs, with the plain build of kiln (ASan
# has its own shadow memory): it must stay under 64 MiB.
# The floods are small because QEMU's UART takes about 330 KB/s here (one
# write(2) per byte under TCG): 1 GB would take most of an hour. The soak
# (harness/tests/soak/flood_large.sh) runs this with FLOOD_LARGE=1: 1 GiB
# of lines and a 100 MB line, with the default 64 MiB cap.
set -u
KILN=${KILN:-build/kiln}
PLAIN_KILN=${BUILD:-build}/kiln
RSS_BOUND_KB=65536
if [ -n "${FLOOD_LARGE:-}" ]; then
	FLOOD=flood1g LONGLINE=longline100m CAP=$((64 << 20)) TIMEOUT_S=10800
else
	FLOOD=flood LONGLINE=longline CAP=1048576 TIMEOUT_S=120
fi
repo=$(pwd)

. harness/tests/e2e/lib/selftest_lib.sh
selftest_setup hostile_flood
failed=0
mkdir -p "$tmp/fx" "$tmp/run"
fail() {
	echo "hostile_flood: FAIL: $*"
	failed=1
}

for v in $FLOOD $LONGLINE; do
	cat >"$tmp/fx/$v.json" <<EOF
{
  "guest": { "kernel": "$repo/build/selftest/$v.mb" },
  "machine": { "memory_mb": 16 },
  "timeout_s": $TIMEOUT_S,
  "fail_patterns": [ { "regex": "^PANIC: [0-9]+$" } ],
  "steps": [ { "expect_re": "^TINY: flood done$" } ],
  "exit": { "debug_exit": 5 }
}
EOF
done

# peak_rss_kb PID: the largest VmHWM seen, in kB, of PID and its children
# that run kiln, sampled until PID ends.
peak_rss_kb() {
	exe=$(readlink -f "$PLAIN_KILN")
	peak=0
	while [ -d "/proc/$1" ] && selftest_alive "$1"; do
		for p in $1 $(cat /proc/"$1"/task/*/children 2>/dev/null); do
			[ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "$exe" ] || continue
			kb=$(sed -n 's/^VmHWM:[^0-9]*\([0-9]*\) kB/\1/p' "/proc/$p/status" 2>/dev/null)
			[ "${kb:-0}" -gt "$peak" ] && peak=$kb
		done
		sleep 0.05
	done
	echo "$peak"
}

# flood_case NAME: run it with the plain kiln and check what any flood must.
flood_case() {
	name=$1
	t0=$(date +%s%N)
	KILN_CONSOLE_LOG_CAP=$CAP TMPDIR=$tmp/run "$PLAIN_KILN" run --reports "$tmp/r-$name" \
		"$tmp/fx/$name.json" >"$tmp/$name.out" 2>&1 &
	pid=$!
	rss=$(peak_rss_kb "$pid")
	wait "$pid"
	rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	dir=$tmp/r-$name/latest/fx/$name
	echo "hostile_flood: $name: exit $rc in $ms ms, peak RSS $rss kB, console.log $(stat -c %s "$dir/console.log" 2>/dev/null) bytes"
	[ "$rc" = 0 ] || fail "$name: exit $rc: $(cat "$tmp/$name.out")"
	[ "$rss" -gt 0 ] && [ "$rss" -lt "$RSS_BOUND_KB" ] ||
		fail "$name: peak RSS $rss kB, the bound is $RSS_BOUND_KB kB"
	python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$dir/case.json" ||
		fail "$name: case.json is not whole"
}

flood_case $FLOOD
log=$tmp/r-$FLOOD/latest/fx/$FLOOD/console.log
head -c "$CAP" "$log" | tr -d 'x\n' | grep -q . && fail "flood: the capped part is not the flood"
tail -n 1 "$log" | grep -q "^\[kiln: console.log stops here at $CAP bytes (KILN_CONSOLE_LOG_CAP); the case goes on\]\$" ||
	fail "flood: console.log does not end with the cap's line: $(tail -c 200 "$log")"
[ "$(stat -c %s "$log")" -lt $((CAP + 200)) ] || fail "flood: console.log grew past its cap"

flood_case $LONGLINE
log=$tmp/r-$LONGLINE/latest/fx/$LONGLINE/console.log
# the cap's bytes of the line, then the newline that opens Kiln's note
[ "$(head -n 1 "$log" | wc -c)" -eq $((CAP + 1)) ] ||
	fail "longline: console.log's first line is $(head -n 1 "$log" | wc -c) bytes, not the cap and a newline"

# 3. hostile bytes on the terminal and in the reports.
TMPDIR=$tmp/run "$KILN" run --reports "$tmp/r-hostile" fixtures/selftest/fail_hostile_output.json \
	>"$tmp/hostile.out" 2>"$tmp/hostile.err"
rc=$?
[ "$rc" = 1 ] || fail "hostile: exit $rc, not 1 (fail)"
if LC_ALL=C grep -q "$(printf '\033')" "$tmp/hostile.out" "$tmp/hostile.err" ||
	[ "$(tr -d '\000' <"$tmp/hostile.out" | wc -c)" != "$(wc -c <"$tmp/hostile.out")" ]; then
	fail "hostile: a raw ESC or NUL reached the terminal: $(od -c "$tmp/hostile.out" | head -5)"
fi
run=$tmp/r-hostile/latest
python3 -c 'import json, sys
for f in sys.argv[1:]: json.load(open(f))' "$run/report.json" "$run/selftest/fail_hostile_output/case.json" ||
	fail "hostile: a JSON report is not whole"
xmllint --noout "$run/junit.xml" || fail "hostile: junit.xml is not valid XML"
echo "hostile_flood: hostile: exit $rc, terminal clean, reports parse"

left=$(selftest_ours)
[ -z "$left" ] || fail "processes left: $left"
[ "$failed" = 0 ] && echo "hostile_flood: ok"
exit "$failed"
