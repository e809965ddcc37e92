#!/bin/sh
# libvirt_backend.sh: the libvirt backend against a real, private libvirtd.
#
# 1. Every outcome class: the harness self-test fixtures (each named for the
#    class the qemu backend gives it) get the same class under libvirt.
# 2. The case directory: domain.xml is saved, and libvirt turns it into the
#    same guest and machine (kernel, cmdline, isa-debug-exit, ACPI on, the
#    debug-exit trace); case.json names the backend and the connection; a
#    hung guest's capsule has the registers, read while the domain lived.
# 3. A guest that exits the instant it runs (a 16-byte BIOS that writes
#    isa-debug-exit) is a normal exit, never a harness error, even when it
#    ends while libvirt resumes it.
# 4. Nothing is left: no domain on the daemon; the trap stops the daemon
#    and every QEMU it started.
set -u
. ci/libvirt/e2e.sh
lv_require_libvirt
lv_daemon "$lv_test"
uri=$lv_uri
fixtures/selftest/tiny/build.sh "$BUILD/selftest" || lv_fail "cannot build the tiny guests"

# 1. Outcome classes. harness_error_no_run_dir needs its own environment
# (its own e2e test sets it up), so it is left out here.
sel=$(ls fixtures/selftest/*.json | grep -v harness_error_no_run_dir)
# fail_udp_no_reply asks for machine.network, which only the qemu backend
# has: under libvirt it must be refused with a clear reason (checked below).
# shellcheck disable=SC2086 # one word per fixture
"$KILN" run --reports "$scratch/sel" -j "$JOBS" --connect "$uri" $sel >"$scratch/sel.out" 2>&1
for f in $sel; do
	name=selftest/$(basename "$f" .json)
	case $(basename "$f") in
	pass_*) want=pass ;;
	fail_udp_no_reply*) want=harness_error ;;
	fail_*) want=fail ;;
	guest_panicked*) want=guest_panicked ;;
	replay_null_write*) want=guest_panicked ;;
	guest_silent*) want=guest_silent ;;
	qemu_start_failed*) want=qemu_start_failed ;;
	timeout_after*) want=timeout ;;
	*) lv_fail "no expected class for $f" ;;
	esac
	got=$(lv_json "$scratch/sel/latest/$name/case.json" 'j["outcome"]') ||
		lv_fail "$name: no case.json"
	[ "$got" = "$want" ] || lv_fail "$name: $got under libvirt, $want expected
$(cat "$scratch/sel.out")"
	[ "$(lv_json "$scratch/sel/latest/$name/case.json" 'j["backend"]')" = libvirt ] ||
		lv_fail "$name: case.json does not name the libvirt backend"
	[ "$(lv_json "$scratch/sel/latest/$name/case.json" 'j["connect"]')" = "$uri" ] ||
		lv_fail "$name: case.json does not name the connection"
done
reason=$(lv_json "$scratch/sel/latest/selftest/fail_udp_no_reply/case.json" 'j["reason"]')
case $reason in
*"machine.network needs the qemu backend"*) ;;
*) lv_fail "fail_udp_no_reply under libvirt: reason '$reason', not the refusal of its network" ;;
esac
echo "$lv_test: every self-test fixture has the qemu backend's class (a network one is refused)"

# 2. The case directory of a passing case with QMP steps, and of a panic.
dir=$scratch/sel/latest/selftest/pass_qmp_steps
for f in domain.xml console.log qmp.log qemu-debug.log case.json; do
	[ -s "$dir/$f" ] || lv_fail "pass_qmp_steps: no $f in the case directory"
done
grep -q '"execute":"cont"' "$dir/qmp.log" || lv_fail "qmp.log has no cont"
virsh -q -c "$uri" domxml-to-native qemu-argv "$dir/domain.xml" >"$scratch/argv" ||
	lv_fail "libvirt cannot read the saved domain.xml"
for want in "-kernel $(pwd)/fixtures/selftest/../../build/guest/rugo.mb" \
	"-append rugo.test=ticks" "-device isa-debug-exit,iobase=0xf4,iosize=0x04" \
	"-trace memory_region_ops_write" "-m 64" "-accel tcg" "-nodefaults"; do
	grep -q -- "$want" "$scratch/argv" || lv_fail "the domain's QEMU has no '$want':
$(cat "$scratch/argv")"
done
for unwanted in "-no-acpi" "piix3-usb" "virtio-balloon"; do
	if grep -q -- "$unwanted" "$scratch/argv"; then
		lv_fail "the domain's QEMU has '$unwanted', which the qemu backend's has not"
	fi
done
# A panic that hangs (Linux's way): the domain lives when the capsule is
# taken. (Rugo's own panic exits at once, under either backend.)
dir=$scratch/sel/latest/selftest/guest_panicked_hang
[ -s "$dir/registers.txt" ] || lv_fail "guest_panicked_hang: the capsule has no registers"
grep -q 'RIP=\|EIP=' "$dir/registers.txt" || lv_fail "guest_panicked_hang: registers.txt has no IP"

# QMP steps whose meaning libvirt must keep: cont on a running guest and
# stop on a paused one succeed at once, as they do in QEMU (the guest never
# exits, so no exit can excuse a failed resume); events still arrive.
mkdir -p "$scratch/qmp"
cat >"$scratch/qmp/semantics.json" <<EOF
{
  "description": "cont and stop as QEMU means them, through libvirt",
  "guest": { "kernel": "$(pwd)/$BUILD/selftest/alive.mb" },
  "machine": { "type": "pc", "accel": "tcg", "memory_mb": 16 },
  "timeout_s": 10,
  "steps": [
    { "expect": "TINY: alive" },
    { "qmp": "cont", "timeout_s": 1 },
    { "qmp": "stop" },
    { "wait_event": "STOP", "timeout_s": 2 },
    { "qmp": "stop", "timeout_s": 1 },
    { "qmp": "query-status", "returns": { "status": "paused" } },
    { "qmp": "cont" },
    { "wait_event": "RESUME", "timeout_s": 2 },
    { "qmp": "query-status", "returns": { "status": "running" } }
  ],
  "exit": { "running": true }
}
EOF
for backend in qemu libvirt; do
	if [ $backend = libvirt ]; then set -- --connect "$uri"; else set --; fi
	"$KILN" run --backend $backend "$@" --reports "$scratch/qmp-$backend" \
		"$scratch/qmp/semantics.json" >"$scratch/qmp.out" 2>&1 ||
		lv_fail "QMP semantics under $backend: $(cat "$scratch/qmp.out")"
done

# 3. A BIOS of one instruction sequence: mov al,42; out 0xf4,al; hlt.
python3 fixtures/selftest/tiny/exit_rom.py "$scratch/exit42.rom"
mkdir -p "$scratch/instant"
cat >"$scratch/instant/exit42.json" <<EOF
{
  "description": "a guest that ends through isa-debug-exit at its first instruction",
  "guest": { "kernel": "$(pwd)/$BUILD/selftest/silent.mb" },
  "machine": { "type": "pc", "accel": "tcg", "memory_mb": 16, "bios": "../exit42.rom" },
  "timeout_s": 10,
  "steps": [],
  "exit": { "debug_exit": 42 }
}
EOF
"$KILN" run --reports "$scratch/instant-r" -j "$JOBS" --repeat 12 --quiet --connect "$uri" \
	"$scratch/instant/exit42.json" >"$scratch/instant.out" 2>&1 ||
	lv_fail "an instant exit was not a normal exit: $(cat "$scratch/instant.out")"
raced=$(grep -l exited_during_resume "$scratch"/instant-r/latest/instant/exit42/*/case.json 2>/dev/null | wc -l)
echo "$lv_test: 12 instant exits passed ($raced ended while libvirt resumed them)"

# 4. Nothing left behind on the daemon.
left=$(virsh -q -c "$uri" list --all --name)
[ -z "$left" ] || lv_fail "domains left on the daemon: $left"
echo "$lv_test: ok"
