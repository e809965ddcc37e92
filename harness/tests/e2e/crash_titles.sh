#!/bin/sh
# crash_titles.sh: Rugo's trap and replay scenarios, made to fail, get crash
# titles that name the guilty function (kiln/diag/crash.h), and a second
# build of Rugo whose code is moved by 4 KiB of padding
# (GUEST_EXTRA_CFLAGS=-DRUGO_LAYOUT_PAD, guest/kernel/panic.c) gives the
# very same titles while its addresses differ. The frames, with file:line,
# are in case.json and on report.html.
#
# Each scenario runs under a fixture written here whose only step never
# matches and whose fail pattern is the panic marker, so the case ends
# guest_panicked. The expected functions come from the scenarios' source
# (guest/scenarios/scen_trap.c, scen_replay.c, scenario.c): the function
# that faulted or called panic, never the trap or panic glue.
set -u
KILN=${KILN:-build/kiln}
BUILD=${BUILD:-build}

. harness/tests/e2e/lib/selftest_lib.sh
selftest_setup crash_titles
failed=0
top=$(pwd)

# A padded Rugo kernel, beside the normal one (the kernel ELF only: the
# scenarios below need no disk). The link filter is off: it would want a
# kiln in the new build directory.
if ! make --no-print-directory -s BUILD="$tmp/pad" GUEST_LD_FILTER= \
	GUEST_EXTRA_CFLAGS=-DRUGO_LAYOUT_PAD "$tmp/pad/guest/rugo.elf" "$tmp/pad/guest/rugo.mb" \
	>"$tmp/pad.log" 2>&1; then
	echo "crash_titles: FAIL cannot build the padded Rugo"
	cat "$tmp/pad.log"
	exit 1
fi

# fixture DIR BUILD SCENARIO: a fixture that fails at Rugo's panic marker.
fixture() {
	mkdir -p "$1"
	cat >"$1/$3.json" <<JSON
{
  "description": "crash_titles: $3 ends in a panic",
  "guest": { "kernel": "$2/guest/rugo.mb", "symbols": "$2/guest/rugo.elf",
             "cmdline": "rugo.test=$3" },
  "machine": { "type": "pc", "bios": "/usr/share/qemu/qboot.rom", "accel": "tcg", "memory_mb": 64 },
  "timeout_s": 20,
  "fail_patterns": ["RUGO: panic"],
  "steps": [ { "expect": "crash_titles: never printed" } ],
  "exit": { "debug_exit": 16 }
}
JSON
}

scenarios="page_fault divide_error general_protection replay_null_write panic"
for s in $scenarios; do
	fixture "$tmp/plain/t" "$top/$BUILD" "$s"
	fixture "$tmp/pad/t" "$tmp/pad" "$s"
done
"$KILN" run -j 2 --reports "$tmp/r-plain" "$tmp/plain/t" >"$tmp/plain.out" 2>&1
"$KILN" run -j 2 --reports "$tmp/r-pad" "$tmp/pad/t" >"$tmp/pad.out" 2>&1

python3 - "$tmp/r-plain/latest" "$tmp/r-pad/latest" <<'PY' || failed=1
import json, os, sys
want = {
    "page_fault": "guest_panicked:page_fault in scen_page_fault",
    "divide_error": "guest_panicked:divide_error in scen_divide_error",
    "general_protection": "guest_panicked:gpf in scen_general_protection",
    "replay_null_write": "guest_panicked:page_fault in replay_slot_store",
    "panic": "guest_panicked:panic in scen_panic",
}
bad = 0
def case(run, name):
    return json.load(open(os.path.join(run, "t", name, "case.json")))
for name, title in want.items():
    plain, pad = case(sys.argv[1], name), case(sys.argv[2], name)
    for label, c in (("plain", plain), ("padded", pad)):
        if c.get("title") != title:
            print("crash_titles: FAIL %s (%s build): title %r, want %r" % (name, label, c.get("title"), title))
            bad += 1
        frames = c.get("crash", {}).get("frames", [])
        if not frames or not all(f.get("file") and f.get("line") for f in frames):
            print("crash_titles: FAIL %s (%s build): frames without file:line: %r" % (name, label, frames))
            bad += 1
    pa = [f["addr"] for f in plain.get("crash", {}).get("frames", [])]
    pb = [f["addr"] for f in pad.get("crash", {}).get("frames", [])]
    if pa and pa == pb:
        print("crash_titles: FAIL %s: the padded build has the same addresses %r" % (name, pa))
        bad += 1
    print("crash_titles: %s: %r (addresses %s / %s)" % (name, plain.get("title"), pa[:1], pb[:1]))
# The raw report is on the page too, file:line per frame.
page = open(os.path.join(sys.argv[1], "report.html")).read()
for part in ("<code>replay_slot_store</code>", "scen_replay.c:", "<code>scen_divide_error</code>"):
    if part not in page:
        print("crash_titles: FAIL report.html has no %r" % part)
        bad += 1
sys.exit(1 if bad else 0)
PY

if [ "$failed" -ne 0 ]; then
	echo "crash_titles: FAIL"
	exit 1
fi
echo "crash_titles: ok"
