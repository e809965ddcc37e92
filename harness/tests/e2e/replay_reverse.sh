#!/bin/sh
# replay_reverse.sh: kiln replay end to end, on Rugo's deliberately failing
# scenario (rugo.test=replay_null_write: replay_slot_store writes through a
# NULL slot; fixtures/selftest/replay_null_write.json). It checks that:
#   1. the failing case's case.json carries a replay recipe: the exact argv,
#      the sha256 of the kernel and the symbol ELF, the panic symbol, and a
#      copy of the fixture in the case directory;
#   2. `kiln replay --no-gdb` of that deterministic failing case prints the
#      same console as the run, up to and past the marker that failed;
#   3. a changed kernel is refused (exit 9) and --force replays anyway;
#   4. a missing gdb is named, with the fail-fast tag (exit 8);
#   5. `--record` and a fixture's `record: true` keep the bundle in the case
#      directory, and a fixture with accel kvm is refused before it boots;
#   6. with gdb: `--gdb-batch` replays the recording; gdb stops in panic,
#      reverse-stepi steps back into the trap handler, and reverse-continue
#      reaches replay_slot_store with its NULL slot, the faulting store next;
#   7. `--record-failures` runs the failing case again recorded, and its
#      case.json says the failure came back.
# Parts 1-5 need no gdb; without gdb the test skips (77) after them.
# Nothing we start may outlive kiln: no QEMU or gdb naming $tmp is left.
set -u
KILN=${KILN:-build/kiln}
fixture=fixtures/selftest/replay_null_write.json

. harness/tests/e2e/lib/selftest_lib.sh
selftest_setup replay_reverse
# kiln's private socket directories go under $tmp too, so that the check
# for leftovers sees every process of ours.
export TMPDIR="$tmp"
failed=0

fail() {
	echo "replay_reverse: FAIL $*"
	failed=$((failed + 1))
}

# fail_with FILE MESSAGE: fail, and show FILE (kiln's output).
fail_with() {
	fail "$2"
	sed 's/^/    | /' "$1"
}

ok() {
	echo "replay_reverse: ok $*"
}

# case_dir REPORTS: the one case directory of the last run under REPORTS.
case_dir() {
	python3 - "$1" <<'EOF'
import json, os, sys
root = sys.argv[1]
run = os.path.join(root, os.readlink(os.path.join(root, "latest")))
cases = json.load(open(os.path.join(run, "report.json")))["cases"]
print(os.path.join(run, cases[0]["attempts"][0]["dir"]))
EOF
}

# json_check CASE_DIR PYTHON_EXPR: the expression, over `c` (case.json) and
# `r` (its recipe), is true; prints it when not.
json_check() {
	python3 - "$1" "$2" <<'EOF'
import json, os, sys
d, expr = sys.argv[1:3]
c = json.load(open(os.path.join(d, "case.json")))
r = c.get("replay") or {}
sys.exit(0 if eval(expr) else 1)
EOF
}

# 1. The failing case and its recipe.
"$KILN" run --reports "$tmp/plain" "$fixture" >"$tmp/plain.out" 2>&1
rc=$?
plain=$(case_dir "$tmp/plain")
if [ "$rc" -ne 5 ] || ! grep -q "guest_panicked: 'RUGO: panic code=0x10e'" "$tmp/plain.out"; then
	fail_with "$tmp/plain.out" "the scenario should end guest_panicked (exit 5), got exit $rc:"
fi
for expr in \
	'r["schema"] == "kiln.replay/1"' \
	'r["argv"] == c["backend_facts"]["argv"] and "-S" in r["argv"]' \
	'r["machine_argv"] == r["argv"][:len(r["machine_argv"])]' \
	'[i["role"] for i in r["inputs"]] == ["kernel", "symbols"]' \
	'all(len(i["sha256"]) == 64 for i in r["inputs"])' \
	'r["symbols"].endswith("build/guest/rugo.elf") and r["panic_symbol"] == "panic"' \
	'r["record"] is None and r["cwd"] == os.getcwd()' \
	'open(os.path.join(d, r["fixture"]["copy"])).read() == open(r["fixture"]["path"]).read()'; do
	json_check "$plain" "$expr" || fail "recipe: not true: $expr"
done
sha=$(sha256sum build/guest/rugo.mb | cut -d' ' -f1)
json_check "$plain" "r['inputs'][0]['sha256'] == '$sha'" ||
	fail "recipe: the kernel's sha256 is not sha256sum's ($sha)"
ok "recipe in case.json"

# 2. The same console, replayed without gdb.
"$KILN" replay --no-gdb "$plain" >"$tmp/console.out" 2>&1
rc=$?
if [ "$rc" -ne 0 ] || ! grep -q "console reproduced" "$tmp/console.out"; then
	fail_with "$tmp/console.out" "replay --no-gdb: exit $rc, not 0 with 'console reproduced':"
elif ! grep -q "REPLAY: storing to slot 3" "$plain/console.log" ||
	! python3 -c 'import sys; a, b = (open(p, "rb").read() for p in sys.argv[1:]); sys.exit(not b.startswith(a))' \
		"$plain/console.log" "$plain/replay/console.log"; then
	fail "replay --no-gdb: replay/console.log does not begin with the run's console.log"
else
	ok "replay --no-gdb reproduces the run's console ($(wc -c <"$plain/console.log") bytes)"
fi

# 3 and 5: a fixture of our own, on a kernel of our own, recorded by the
# fixture's `record: true`.
mkdir -p "$tmp/fx"
cp build/guest/rugo.mb "$tmp/fx/rugo.mb"
sed -e "s|\"../../build/guest/rugo.mb\"|\"$tmp/fx/rugo.mb\"|" \
	-e "s|\"../../build/guest/rugo.elf\"|\"$PWD/build/guest/rugo.elf\"|" \
	-e 's|"timeout_s": 20,|"timeout_s": 20, "record": true,|' "$fixture" >"$tmp/fx/own.json"
"$KILN" run --reports "$tmp/own" "$tmp/fx/own.json" >"$tmp/own.out" 2>&1
own=$(case_dir "$tmp/own")
if [ -s "$own/rr-log.bin" ] && [ -s "$own/rr-snapshots.qcow2" ] &&
	json_check "$own" 'r["record"]["log"] == "rr-log.bin" and "rr=record" in " ".join(r["argv"])'; then
	ok "record: true keeps the bundle ($(du -k "$own/rr-snapshots.qcow2" | cut -f1) KiB of snapshots)"
else
	fail_with "$tmp/own.out" "record: true: no bundle in $own:"
fi
printf 'x' >>"$tmp/fx/rugo.mb"
"$KILN" replay --no-gdb "$own" >"$tmp/changed.out" 2>&1
rc=$?
if [ "$rc" -ne 9 ] || ! grep -q "kernel $tmp/fx/rugo.mb: sha256 was" "$tmp/changed.out" ||
	! grep -q "refusing" "$tmp/changed.out"; then
	fail_with "$tmp/changed.out" "a changed kernel: exit $rc, not 9 naming the kernel:"
else
	ok "a changed kernel is refused (exit 9)"
fi
"$KILN" replay --no-gdb --force "$own" >"$tmp/forced.out" 2>&1
rc=$?
if ! grep -q "replaying anyway (--force)" "$tmp/forced.out" || [ ! -s "$own/replay/console.log" ]; then
	fail_with "$tmp/forced.out" "--force: exit $rc, no warning or no replay:"
else
	ok "--force warns and replays (exit $rc)"
fi

# 4. No gdb: replay says what is missing, before QEMU starts.
echo continue >"$tmp/continue.gdb"
KILN_GDB=/nonexistent/gdb "$KILN" replay --gdb-batch "$tmp/continue.gdb" "$plain" >"$tmp/nogdb.out" 2>&1
rc=$?
if [ "$rc" -ne 8 ] || ! grep -q "failfast/provider/debugger:gdb_unavailable" "$tmp/nogdb.out" ||
	! grep -q "apt-get install gdb" "$tmp/nogdb.out"; then
	fail_with "$tmp/nogdb.out" "without gdb: exit $rc, not 8 with the tag and what to install:"
else
	ok "a missing gdb fails fast and names the package (exit 8)"
fi

# 5. accel kvm cannot record: refused before anything boots.
sed 's|"accel": "tcg"|"accel": "kvm"|' "$fixture" >"$tmp/fx/kvm.json"
sed -i "s|\"\.\./\.\./build/|\"$PWD/build/|g" "$tmp/fx/kvm.json"
"$KILN" run --record --reports "$tmp/kvm" "$tmp/fx/kvm.json" >"$tmp/kvm.out" 2>&1
rc=$?
if [ "$rc" -ne 2 ] || ! grep -q "needs TCG" "$tmp/kvm.out" || [ -e "$tmp/kvm/latest" ]; then
	fail_with "$tmp/kvm.out" "--record with accel kvm: exit $rc, not 2 with 'needs TCG' and no run:"
else
	ok "--record refuses accel kvm (exit 2)"
fi

gdb_missing=""
if [ -z "${KILN_GDB:-}" ] && ! command -v gdb >/dev/null; then
	gdb_missing="gdb is not installed (Debian: apt-get install gdb)"
fi

# 6. Record, replay under gdb, step back from panic to the faulting store.
if [ -z "$gdb_missing" ]; then
	"$KILN" run --record --reports "$tmp/rec" "$fixture" >"$tmp/rec.out" 2>&1
	rec=$(case_dir "$tmp/rec")
	cat >"$tmp/reverse.gdb" <<'EOF'
continue
bt 3
reverse-stepi
hbreak replay_slot_store
reverse-continue
bt 2
stepi
x/i $pc
EOF
	"$KILN" replay --timeout 120 --gdb-batch "$tmp/reverse.gdb" "$rec" >"$tmp/reverse.out" 2>&1
	rc=$?
	python3 - "$tmp/reverse.out" <<'EOF' >"$tmp/reverse.verdict"
import re, sys
out = open(sys.argv[1]).read()
checks = [
    ("gdb stops in the panic path", r"Breakpoint 1, panic \(code=code@entry=270"),
    ("the trap that called panic is on the stack", r"#1 .* in trap_kernel_exception"),
    ("reverse-stepi goes back into the caller of panic",
     r"Breakpoint 1, panic.*?\n0x[0-9a-f]+ in trap_kernel_exception \(tf="),
    ("reverse-continue reaches the faulting function with its NULL slot",
     r"Breakpoint 2, replay_slot_store \(slot=0x0,"),
    ("its caller is the scenario", r"#1 .* in scen_replay_null_write \(\)"),
    ("the next instruction is the store through NULL",
     r"=> 0x[0-9a-f]+ <replay_slot_store\+\d+>:\s+movq\s+\$0x3,\(%rdi\)"),
]
bad = [name for name, rx in checks if not re.search(rx, out, re.S)]
print("BAD " + "; ".join(bad) if bad else "OK")
EOF
	if [ "$rc" -ne 0 ] || [ "$(cat "$tmp/reverse.verdict")" != OK ]; then
		fail_with "$tmp/reverse.out" "reverse replay under gdb (exit $rc): $(cat "$tmp/reverse.verdict")"
	else
		ok "gdb stops in panic, reverse-stepi and reverse-continue reach replay_slot_store"
	fi

	# 7. --record-failures: the failure comes back, and the report says so.
	"$KILN" run --record-failures --reports "$tmp/again" "$fixture" >"$tmp/again.out" 2>&1
	again=$(case_dir "$tmp/again")
	if json_check "$again" 'c["record_failures"]["reproduced"] and c["record_failures"]["bundle_kept"]' &&
		[ -s "$again/record/rr-log.bin" ] && grep -q "the failure came back in record mode" "$tmp/again.out" &&
		python3 -c 'import json, sys; r = json.load(open(sys.argv[1]))
sys.exit(0 if r["cases"][0]["attempts"][0]["record_failures"]["reproduced"] else 1)' \
			"$tmp/again/latest/report.json"; then
		ok "--record-failures recorded the failure again, kept the bundle, and report.json says so"
	else
		fail_with "$tmp/again.out" "--record-failures: no reproduced recording in $again:"
	fi
fi

sleep 0.2
left=$(selftest_ours)
if [ -n "$left" ]; then
	fail "processes outlived kiln: $(for p in $left; do tr '\0' ' ' </proc/$p/cmdline | cut -c1-100; echo; done)"
fi

if [ "$failed" -ne 0 ]; then
	echo "replay_reverse: $failed check(s) failed"
	exit 1
fi
if [ -n "$gdb_missing" ]; then
	echo "replay_reverse: skipping the gdb part (record, replay and reverse): $gdb_missing"
	exit 77
fi
echo "replay_reverse: ok"
