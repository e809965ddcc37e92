#!/bin/sh
# harness/tests/diag_golden/capture.sh [ld|qemu|rugo|linux|kasan]...: regenerate the golden
# corpus of `kiln diag` from the real tools on this machine.
#
# Owner: diagnostics. Each case is harness/tests/diag_golden/<case>.log, what the tool
# printed, and <case>.expected, the lines `kiln diag` must print for it; an
# optional <case>.args holds exit facts (--exit-code, --exit-signal,
# --triple-fault) as the runner would pass them. The expectations are written
# here by hand, one per scenario, and never taken from kiln's output: the
# logs change with every capture (temporary names, addresses, timestamps) and
# the expected lines must not. The case name's first word says which rules
# apply: ld-* (--from ld), qemu-* (--from qemu), rugo-* and linux-* (console).
#
# Needs (`ci/install-deps.sh --with diag-capture`): gcc, g++, binutils (bfd, gold), lld, clang,
# qemu-system-x86, busybox-static, cpio, linux-image-amd64 and
# linux-headers-amd64 for the Linux cases, linux-source for kasan, and
# `make guest` for the Rugo cases. With no argument, every section but kasan
# (a kernel build: see capture/kasan.sh) runs.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
src=$here/capture
work=$(mktemp -d "${TMPDIR:-/tmp}/kiln-capture.XXXXXX")
qemu_pids=""
trap 'for p in $qemu_pids; do kill -KILL "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
# UTF-8 messages, as on most CI machines: gcc quotes with ‘ ’ then.
export LC_ALL=C.UTF-8
QEMU=qemu-system-x86_64

default_ifs=$IFS

# trim TEXT: TEXT without leading and trailing blanks.
trim() {
	t=${1#"${1%%[! ]*}"}
	echo "${t%"${t##*[! ]}"}"
}

# golden NAME EXPECTATION...: stdin becomes NAME.log; each expectation,
# "E code[:subject]" or "W code[:subject]", a line of NAME.expected.
golden() {
	name=$1
	shift
	cat >"$here/$name.log"
	: >"$here/$name.expected"
	rm -f "$here/$name.args"
	for item in "$@"; do
		item=$(IFS=$default_ifs trim "$item")
		case $item in
		E\ *) echo "SMOKES_ERR: ${item#E }" ;;
		W\ *) echo "SMOKES_WARN: ${item#W }" ;;
		*)
			echo "capture: $name: bad expectation '$item'" >&2
			exit 1
			;;
		esac >>"$here/$name.expected"
	done
	echo "capture: $name"
}

# args NAME ARG...: the exit facts of a case.
args() {
	name=$1
	shift
	echo "$*" >"$here/$name.args"
}

have() {
	for tool in "$@"; do
		if ! command -v "$tool" >/dev/null 2>&1; then
			echo "capture: $tool is missing; skipping" >&2
			return 1
		fi
	done
}

# ---- linkers -----------------------------------------------------------------

# One scenario per row: name and linkers | compiler flags | sources | flags for
# the linker called directly ("-": not captured that way) | flags for gcc |
# expectations, ';'-separated. @SRC@ is capture/, @WORK@ the scratch dir.
LD_CASES='
undef_func bfd gold lld | -g | undef_func.c | -e main | | E symbol_missing:missing_func
undef_data bfd gold lld | -g -fno-pie | undef_data.c | -e main | -no-pie | E symbol_missing:missing_counter
undef_dotted bfd gold lld | -g | undef_dotted.c | -e main | | E symbol_missing:env.gc.stats
undef_cxx bfd gold lld | -g -fno-exceptions | undef_cxx.cc | -e main | | E symbol_missing:ns::Klass::method(int)
duplicate bfd gold lld | -g | dup_a.c dup_b.c | -e main | | E symbol_duplicate:dup_sym
lib_missing bfd gold lld | | main.c | -e main -lkiln_nosuch | -lkiln_nosuch | E lib_missing:kiln_nosuch
file_missing bfd gold lld | | main.c | -e main @WORK@/nosuch/gone.o | @WORK@/nosuch/gone.o | E file_missing:gone.o
script_missing bfd gold lld | | main.c | -e main -T nosuch/kernel.ld | -T @WORK@/nosuch/kernel.ld | E script_missing:kernel.ld
entry_missing bfd gold lld | | main.c | -e kentry | -nostdlib -Wl,-e,kentry | W entry_missing:kentry
reloc_overflow bfd gold lld | -O2 -fno-pic -mcmodel=small | reloc.c | -T @SRC@/high.ld | -nostdlib -static -no-pie -T @SRC@/high.ld | E reloc_overflow:kernel_counter
pic_required bfd gold lld | -O2 -fno-pic | pic.c | -shared | -shared | E pic_required:shared_counter
region_overflow bfd gold lld | -O2 -fno-pic | small.c | -T @SRC@/region.ld | -nostdlib -static -no-pie -T @SRC@/region.ld | E region_overflow:BOOTROM
section_overlap bfd lld | -O2 -fno-pic | small.c | -T @SRC@/overlap.ld | -nostdlib -static -no-pie -T @SRC@/overlap.ld | E section_overlap:.rodata,.text
segment_overlap gold | -O2 -fno-pic | small.c | -T @SRC@/overlap.ld | -nostdlib -static -no-pie -T @SRC@/overlap.ld | E segment_overlap
exec_stack bfd gold | | xstack.s | -e _start --warn-execstack | -nostdlib -static -Wl,--warn-execstack | W exec_stack
exec_stack_flag bfd | | main.c | -e main -z execstack --warn-execstack | -Wl,-z,execstack,--warn-execstack | W exec_stack
exec_stack_nonote gold | | nostack.s | -e _start --warn-execstack | -nostdlib -static -Wl,--warn-execstack | W exec_stack
rwx_segment bfd | | main.c | -e main -N | -nostdlib -static -Wl,-N,-e,main | W rwx_segment
textrel bfd gold | -O2 -fno-pic -mcmodel=large | textrel.c | -shared --warn-shared-textrel | -shared -Wl,--warn-shared-textrel | W textrel
textrel_ztext bfd gold | -O2 -fno-pic -mcmodel=large | textrel.c | -shared -z text | -shared -Wl,-z,text | E textrel
unknown_option bfd gold lld | | main.c | - | -Wl,--kiln-bogus-option | E ld_failed:1
'

subst() {
	echo "$1" | sed -e "s|@SRC@|$src|g" -e "s|@WORK@|$work|g"
}

# ld_run LINKER MODE CFLAGS SOURCES LDFLAGS GCCFLAGS: the link's output.
ld_run() {
	linker=$1 mode=$2 cflags=$3 sources=$4 ldflags=$(subst "$5") gccflags=$(subst "$6")
	driver=gcc
	case $sources in *.cc*) driver=g++ ;; esac
	rm -rf "$work/ld" && mkdir -p "$work/ld" && cd "$work/ld"
	if [ "$mode" = gcc ]; then
		paths=""
		for s in $sources; do paths="$paths $src/$s"; done
		# shellcheck disable=SC2086 # flag lists are split on purpose
		$driver -fuse-ld="$linker" $cflags $gccflags $paths -o out 2>&1 || true
	else
		objs=""
		for s in $sources; do
			# shellcheck disable=SC2086
			$driver $cflags -c "$src/$s" -o "${s%.*}.o"
			objs="$objs ${s%.*}.o"
		done
		# shellcheck disable=SC2086
		"ld.$linker" $ldflags $objs -o out 2>&1 || true
	fi
	cd "$here"
}

capture_ld() {
	have gcc g++ ld.bfd ld.gold ld.lld clang make || return 0
	set -f
	echo "$LD_CASES" | while IFS='|' read -r head cflags sources ldflags gccflags expect; do
		[ -n "$head" ] || continue
		scenario=${head%% *}
		ldflags=$(trim "$ldflags")
		for linker in ${head#* }; do
			for mode in direct gcc; do
				[ "$mode" = direct ] && [ "$ldflags" = - ] && continue
				ld_run "$linker" "$mode" "$cflags" "$sources" "$ldflags" "$gccflags" >"$work/ld.log"
				IFS=';'
				# shellcheck disable=SC2086 # one argument per expectation
				golden "ld-$linker-$mode-$scenario" $expect <"$work/ld.log"
				IFS=$default_ifs
			done
		done
	done
	set +f
	capture_ld_drivers
}

# collect2, clang, the shell and make: the linker crashed, is missing, or
# failed without a rule of its own.
capture_ld_drivers() {
	cd "$work" && rm -rf drv && mkdir drv && cd drv
	gcc -c "$src/main.c" -o main.o
	mkdir crash && cp "$src/ldcrash.sh" crash/ld
	gcc -B"$PWD/crash/" "$src/main.c" -o out 2>&1 | golden ld-collect2-signal "E ld_signal:11"
	# collect2 looks for ld.lld in gcc's own directories, then on PATH
	(PATH=/nonexistent /usr/bin/gcc -fuse-ld=lld main.o -o out 2>&1 || true) |
		golden ld-collect2-not_found "E ld_not_found"
	(LC_ALL=C PATH=/nonexistent /usr/bin/gcc -fuse-ld=gold main.o -o out 2>&1 || true) |
		golden ld-collect2-not_found_c "E ld_not_found"
	(clang -fuse-ld=kiln-nosuch main.o -o out 2>&1 || true) | golden ld-clang-not_found "E ld_not_found"
	(sh -c 'ld.kiln-nosuch main.o -o out' 2>&1 || true) | golden ld-sh-not_found "E ld_not_found"
	printf 'out: main.o\n\tld.kiln-nosuch main.o -o out\n' >Makefile
	(make 2>&1 || true) | golden ld-make-not_found "E ld_not_found"
	(clang -fuse-ld=lld -g "$src/undef_func.c" -o out 2>&1 || true) |
		golden ld-lld-clang-undef_func "E symbol_missing:missing_func"
	(clang -fuse-ld=lld main.o -Wl,--kiln-bogus-option -o out 2>&1 || true) |
		golden ld-lld-clang-unknown_option "E ld_failed:1"
	cd "$here"
}

# ---- QEMU --------------------------------------------------------------------

qemu() {
	timeout 60 $QEMU -nodefaults -display none "$@" </dev/null 2>&1 || true
}

# The tiny Multiboot guests: ELF32 for QEMU's loader, and one ELF64.
build_guests() {
	cd "$work"
	for g in triple exit; do
		gcc -m32 -I"$src" -c "$src/$g.S" -o "$g.o"
		ld.bfd -m elf_i386 --no-warn-rwx-segments -T "$src/multiboot.ld" "$g.o" -o "$g.elf"
	done
	gcc -I"$src" -c "$src/triple.S" -o triple64.o
	ld.bfd --no-warn-rwx-segments -T "$src/multiboot.ld" triple64.o -o triple64.elf
	gcc "$src/main.c" -o plain64.elf
	head -c 8192 /dev/zero | tr '\0' 'K' >junk.bin
	truncate -s 1M raw.img
	cd "$here"
}

capture_qemu() {
	have $QEMU gcc ld.bfd python3 || return 0
	build_guests
	w=$work
	qemu -kernel "$w/nosuch/bzImage" | golden qemu-kernel_missing "E kernel_missing:bzImage"
	qemu -kernel "$w" | golden qemu-kernel_load_failed "E kernel_load_failed"
	qemu -kernel "$w/junk.bin" | golden qemu-kernel_bad_header "E kernel_bad_header"
	qemu -kernel "$w/plain64.elf" | golden qemu-kernel_not_bootable "E kernel_not_bootable"
	qemu -kernel "$w/triple64.elf" | golden qemu-multiboot_elf64 "E multiboot_elf64"
	# a Linux kernel's initrd, and a Multiboot kernel's modules
	for k in /boot/vmlinuz-*; do
		[ -r "$k" ] || continue
		qemu -kernel "$k" -initrd "$w/nosuch/initrd.cpio.gz" |
			golden qemu-initrd_missing "E initrd_missing:initrd.cpio.gz"
		break
	done
	qemu -kernel "$w/triple.elf" -initrd "$w/nosuch/initrd.cpio.gz" |
		golden qemu-initrd_missing_multiboot "E initrd_missing:initrd.cpio.gz"
	qemu -drive "file=$w/nosuch/disk.img,format=raw,if=virtio" | golden qemu-disk_missing "E disk_missing:disk.img"
	qemu -drive "file=$w/raw.img,format=qcow2,if=virtio" | golden qemu-disk_bad_format "E disk_bad_format:qcow2"
	qemu -drive "file=$w/raw.img,format=qcow3" | golden qemu-disk_bad_driver "E disk_bad_format:qcow3"
	qemu -M kiln-nosuch | golden qemu-machine_unknown "E machine_unknown"
	qemu -cpu kiln-nosuch | golden qemu-cpu_unknown "E cpu_unknown:kiln-nosuch"
	qemu -device kiln-nosuch | golden qemu-device_unknown "E device_unknown:kiln-nosuch"
	qemu -kiln-nosuch | golden qemu-option_unknown "E option_unknown:kiln-nosuch"
	qemu --kiln-nosuch | golden qemu-option_unknown_dashes "E option_unknown:kiln-nosuch"
	qemu -accel kiln-nosuch | golden qemu-accel_unknown "E accel_unknown:kiln-nosuch"
	capture_qemu_kvm
	capture_qemu_end
}

# KVM as a user who may not open /dev/kvm: alone it is fatal; with a TCG
# fallback QEMU goes on, and the KVM error is only a warning.
capture_qemu_kvm() {
	if [ "$(id -u)" -ne 0 ] || [ ! -e /dev/kvm ] || ! have setpriv; then
		echo "capture: the KVM cases need root and /dev/kvm; skipping" >&2
		return 0
	fi
	chmod 755 "$work"
	as_nobody="setpriv --reuid=nobody --regid=nogroup --clear-groups"
	$as_nobody timeout 60 $QEMU -nodefaults -display none -accel kvm </dev/null 2>&1 |
		golden qemu-kvm_unavailable "E kvm_unavailable:permission_denied"
	$as_nobody timeout 60 $QEMU -nodefaults -display none -accel kvm -accel tcg -no-reboot \
		-kernel "$work/triple.elf" </dev/null 2>&1 |
		golden qemu-accel_fallback "W kvm_unavailable:permission_denied" "W accel_fallback:tcg"
}

# How QEMU ends: killed, a guest's debug exit, a triple fault.
capture_qemu_end() {
	$QEMU -nodefaults -display none -S 2>"$work/term.log" &
	pid=$!
	qemu_pids="$qemu_pids $pid"
	sleep 1
	kill -TERM "$pid"
	wait "$pid" || true
	golden qemu-killed_sigterm "E qemu_killed:SIGTERM" <"$work/term.log"

	$QEMU -nodefaults -display none -S 2>"$work/kill.log" &
	pid=$!
	qemu_pids="$qemu_pids $pid"
	sleep 1
	kill -KILL "$pid"
	status=0
	wait "$pid" || status=$?
	golden qemu-killed_sigkill "E qemu_killed:SIGKILL" <"$work/kill.log"
	[ "$status" -gt 128 ] && args qemu-killed_sigkill --exit-signal $((status - 128))

	status=0
	timeout 60 $QEMU -nodefaults -display none -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-kernel "$work/exit.elf" </dev/null >"$work/exit.log" 2>&1 || status=$?
	golden qemu-guest_exit "E guest_exit:42" <"$work/exit.log"
	args qemu-guest_exit --exit-code "$status"

	qemu -no-reboot -d cpu_reset -kernel "$work/triple.elf" | golden qemu-triple_fault_log "E triple_fault"

	$QEMU -nodefaults -display none -no-reboot -S -qmp "unix:$work/qmp.sock,server=on,wait=off" \
		-kernel "$work/triple.elf" </dev/null 2>"$work/qmp.log" &
	pid=$!
	qemu_pids="$qemu_pids $pid"
	reason=$(python3 "$src/qmp_shutdown.py" "$work/qmp.sock")
	wait "$pid" || true
	golden qemu-triple_fault_qmp "E triple_fault" <"$work/qmp.log"
	[ "$reason" = guest-reset ] && args qemu-triple_fault_qmp --triple-fault
	return 0
}

# ---- Rugo --------------------------------------------------------------------

# rugo SCENARIO: boot Rugo; its console is the output, its status in $status.
rugo() {
	status=0
	timeout 60 $QEMU -M pc -nodefaults -display none -serial stdio \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 -no-reboot \
		-kernel "$top/build/guest/rugo.mb" -append "rugo.test=$1" </dev/null \
		>"$work/rugo.log" 2>/dev/null || status=$?
}

# rugo_case NAME SCENARIO EXPECTATION...: a Rugo golden case; a failing
# boot also records QEMU's exit status, as the runner passes it on.
rugo_case() {
	name=$1
	rugo "$2"
	shift 2
	golden "$name" "$@" <"$work/rugo.log"
	[ $# -eq 0 ] || args "$name" --exit-code $status
}

capture_rugo() {
	if [ ! -f "$top/build/guest/rugo.mb" ]; then
		echo "capture: build/guest/rugo.mb is missing (make guest); skipping Rugo" >&2
		return 0
	fi
	rugo_case rugo-banner banner
	rugo_case rugo-breakpoint breakpoint
	rugo_case rugo-panic panic "E panic:rugo.test=panic" "E guest_exit:17"
	rugo_case rugo-unknown_test kiln_nosuch "E panic:unknown scenario rugo.test=kiln_nosuch" \
		"E guest_exit:17"
	rugo_case rugo-page_fault page_fault "E page_fault:err=0x2" "E guest_exit:17"
	rugo_case rugo-general_protection general_protection "E gpf" "E guest_exit:17"
	rugo_case rugo-divide_error divide_error "E trap:divide_error" "E guest_exit:17"
	rugo_case rugo-double_fault double_fault "E trap:double_fault" "E guest_exit:17"
	# The program copes with ENOSYS and the boot ends well (exit 33): a
	# warning, and no exit facts.
	rugo go_nosys
	golden rugo-unimplemented_syscall "W unimplemented_syscall:prlimit64" <"$work/rugo.log"
}

# ---- Linux -------------------------------------------------------------------

# Debian's kernel, a busybox initramfs whose init (capture/linux/init) runs
# one mode, and capture/linux/kiln_crash.ko built against the same kernel.
linux_setup() {
	kver=""
	for d in /lib/modules/*/build; do
		v=${d#/lib/modules/}
		v=${v%/build}
		[ -r "/boot/vmlinuz-$v" ] && kver=$v
	done
	if [ -z "$kver" ] || [ ! -x /bin/busybox ]; then
		echo "capture: needs linux-image-amd64, linux-headers-amd64, busybox-static; skipping Linux" >&2
		return 1
	fi
	mkdir -p "$work/mod" "$work/root/bin"
	cp "$src/linux/kiln_crash.c" "$src/linux/Kbuild" "$work/mod/"
	make -s -C "/lib/modules/$kver/build" M="$work/mod" modules >/dev/null 2>&1
	cp /bin/busybox "$work/root/bin/busybox"
	cp "$src/linux/init" "$work/root/init"
	cp "$work/mod/kiln_crash.ko" "$work/root/"
	(cd "$work/root" && find . | cpio -o -H newc --quiet | gzip -9) >"$work/initrd.gz"
	vmlinuz=/boot/vmlinuz-$kver
}

# linux MODE [APPEND]: boot under TCG (the default accelerator of Kiln); the
# serial console is the output. panic=-1 and -no-reboot end QEMU on a panic.
linux() {
	timeout 600 $QEMU -accel tcg -m 512 -nodefaults -display none -serial stdio -no-reboot \
		-kernel "$vmlinuz" -initrd "$work/initrd.gz" \
		-append "console=ttyS0 panic=-1 kiln.mode=$1 ${2:-}" </dev/null 2>/dev/null || true
}

capture_linux() {
	have $QEMU cpio gzip make || return 0
	linux_setup || return 0
	linux boot | golden linux-boot
	linux exit | golden linux-panic_init "E panic:Attempted to kill init! exitcode=ADDR"
	timeout 600 $QEMU -accel tcg -m 512 -nodefaults -display none -serial stdio -no-reboot \
		-kernel "$vmlinuz" -append "console=ttyS0 panic=-1" </dev/null 2>/dev/null |
		golden linux-panic_vfs "E panic:VFS: Unable to mount root fs on unknown-block(NUM,NUM)"
	linux null | golden linux-null_deref "E null_deref:kiln_crash_null"
	linux null oops=panic | golden linux-null_deref_panic "E null_deref:kiln_crash_null"
	linux wild | golden linux-page_fault "E page_fault:kiln_crash_wild"
	linux gpf | golden linux-gpf "E gpf:kiln_crash_gpf"
	linux warn | golden linux-warning "E warning:kiln_crash_warn"
	linux spin | golden linux-soft_lockup "E soft_lockup:kiln_crash_spin"
	linux hang | golden linux-hung_task "E hung_task:kiln_crash_hang"
}

# ---- main --------------------------------------------------------------------

[ $# -gt 0 ] || set -- ld qemu rugo linux
for section in "$@"; do
	case $section in
	ld) capture_ld ;;
	qemu) capture_qemu ;;
	rugo) capture_rugo ;;
	linux) capture_linux ;;
	kasan) "$src/kasan.sh" "$here" ;;
	*)
		echo "usage: $0 [ld|qemu|rugo|linux|kasan]..." >&2
		exit 2
		;;
	esac
done
