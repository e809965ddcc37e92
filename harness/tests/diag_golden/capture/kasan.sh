#!/bin/sh
# kasan.sh OUTDIR: the KASAN golden cases, from a Linux kernel built with
# KASAN and its KUnit test suite. Called by ../capture.sh kasan.
#
# Debian's kernel has no KASAN, so this builds one from Debian's own source
# package (linux-source): tinyconfig plus a serial console, SLUB, symbols,
# KASAN and the KASAN KUnit tests, which run at boot. Each case boots it once
# with kunit.filter_glob naming one test, so the log holds that test's
# reports, and kunit_shutdown=reboot with -no-reboot ends QEMU afterwards.
# The tree stays in build/diag-kasan (never committed) for the next run; a
# first build takes about 10 minutes on 2 cores.
set -eu
out=$1
top=$(cd "$out/../../.." && pwd)
tree=$top/build/diag-kasan
tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | tail -n 1)
if [ -z "$tarball" ]; then
	echo "kasan: needs linux-source (apt-get install linux-source); skipping" >&2
	exit 0
fi
ver=$(basename "$tarball" .tar.xz)
if [ ! -d "$tree/$ver" ]; then
	mkdir -p "$tree"
	tar -C "$tree" -xf "$tarball"
fi
cd "$tree/$ver"

if [ ! -f arch/x86/boot/bzImage ]; then
	make -s tinyconfig
	./scripts/config -e 64BIT -e PRINTK -e PRINTK_TIME -e TTY -e SERIAL_8250 \
		-e SERIAL_8250_CONSOLE -d SLOB -e SLUB -e SYSFS -e KALLSYMS -e UNWINDER_ORC \
		-e KASAN -e KASAN_GENERIC -e KUNIT -e KASAN_KUNIT_TEST
	make -s olddefconfig
	for opt in KASAN KASAN_GENERIC KUNIT KASAN_KUNIT_TEST KALLSYMS SERIAL_8250_CONSOLE; do
		grep -qx "CONFIG_$opt=y" .config || {
			echo "kasan: CONFIG_$opt did not stick" >&2
			exit 1
		}
	done
	nice make -s -j"$(nproc)" bzImage
fi

# golden NAME TEST EXPECTATION...: boot with one KASAN KUnit test.
golden() {
	name=$1 test=$2
	shift 2
	timeout 600 qemu-system-x86_64 -accel tcg -m 512 -nodefaults -display none -serial stdio \
		-no-reboot -kernel arch/x86/boot/bzImage \
		-append "console=ttyS0 kunit.filter_glob=kasan.$test kunit_shutdown=reboot" \
		</dev/null >"$out/$name.log" 2>/dev/null || true
	: >"$out/$name.expected"
	for e in "$@"; do
		echo "SMOKES_ERR: $e" >>"$out/$name.expected"
	done
	rm -f "$out/$name.args"
	echo "capture: $name"
}

# The expectations follow the tests' source (mm/kasan/kasan_test.c): the
# kind KASAN names for the memory, the access, and the test function, which
# is the guilty frame once the free and copy helpers are skipped.
# ptr[size] = 'x' and ptr[size + 5] = 'y' write past a kmalloc object, then
# ptr[0] = ptr[size + 8 + 5] reads past it.
golden linux-kasan_oob_right kmalloc_oob_right \
	"kasan:slab-out-of-bounds:write:kmalloc_oob_right" \
	"kasan:slab-out-of-bounds:read:kmalloc_oob_right"
# kfree(ptr), then a read of ptr[8].
golden linux-kasan_uaf kmalloc_uaf "kasan:use-after-free:read:kmalloc_uaf"
# kfree_sensitive(ptr) twice. The second call first reads the freed object:
# ksize() checks a byte of it (mm/slab_common.c), a use-after-free read; then
# it frees it again. Both are the test's bug; ksize and kfree are helpers.
golden linux-kasan_double_free kmalloc_double_kzfree \
	"kasan:use-after-free:read:kmalloc_double_kzfree" \
	"kasan:double-free:free:kmalloc_double_kzfree"
# A read 3 bytes past the end of a global array.
golden linux-kasan_global_oob kasan_global_oob_right \
	"kasan:global-out-of-bounds:read:kasan_global_oob_right"
