/* diag_rules_qemu.c: the QEMU rules, for what qemu-system-* prints on
 * stderr when it cannot start a guest, or gives up on one.
 *
 * Owner: diagnostics. The wordings are QEMU 7.2's (Debian 12); the golden
 * corpus (harness/tests/diag_golden/qemu-*) holds each one as QEMU printed it. Paths are
 * cut to their basename, and the rest of a message after the part that
 * names the problem (errno text, pids) is dropped.
 */
#include "diag_rule.h"

#define ERR DIAG_ERR
#define WARN DIAG_WARN
#define PREFIX DIAG_STRIP_PREFIX
#define TAIL DIAG_STRIP_TAIL

static const struct diag_rule rules[] = {
	/* The kernel: "qemu: could not open kernel file '/x/bzImage': No such
	 * file or directory" is the missing file; any other errno, and "could
	 * not load kernel" (a directory, a short read), fail the load. */
	DIAG_RULE("kernel_missing", ERR, "could not open kernel file ",
		  "could not open kernel file {q}: No such file or directory",
		  PREFIX | DIAG_STRIP_DIR),
	DIAG_RULE("kernel_load_failed", ERR, "could not open kernel file ",
		  "could not open kernel file ", PREFIX | TAIL),
	DIAG_RULE("kernel_load_failed", ERR, "could not load kernel ", "could not load kernel ",
		  PREFIX | TAIL),
	DIAG_RULE("kernel_bad_header", ERR, "invalid kernel header", "invalid kernel header",
		  PREFIX | TAIL),
	/* An ELF64 kernel: bootable only through a PVH note, or, for Multiboot,
	 * not at all (QEMU's Multiboot loader takes ELF32 only). */
	DIAG_RULE("kernel_not_bootable", ERR, "without PVH ELF Note",
		  "uncompressed kernel without PVH ELF Note", PREFIX | TAIL),
	DIAG_RULE("multiboot_elf64", ERR, "Cannot load x86-64 image", "Cannot load x86-64 image",
		  PREFIX | TAIL),
	DIAG_RULE("initrd_missing", ERR, "error reading initrd ",
		  "error reading initrd {*}: ", PREFIX | TAIL | DIAG_STRIP_DIR),
	/* A Multiboot kernel's -initrd names its modules; the loader says
	 * "Failed to open file '/x/initrd.cpio.gz'" and no more. */
	DIAG_RULE("initrd_missing", ERR, "Failed to open file ", "Failed to open file {q}",
		  PREFIX | DIAG_STRIP_DIR),

	/* Disks: "-drive file=/x/disk.img,format=raw: Could not open
	 * '/x/disk.img': No such file or directory", "Image is not in qcow2
	 * format", "Unknown driver 'qcow3'". */
	DIAG_RULE("disk_missing", ERR, "Could not open ",
		  "Could not open {q}: No such file or directory", PREFIX | DIAG_STRIP_DIR),
	DIAG_RULE("disk_bad_format", ERR, "Image is not in ", "Image is not in {t} format",
		  PREFIX | TAIL),
	DIAG_RULE("disk_bad_format", ERR, "Unknown driver ", "Unknown driver {q}", PREFIX | TAIL),

	/* The command line. QEMU names an unknown machine on a second line
	 * ("Use -machine help ..."), not in the error. */
	DIAG_RULE("machine_unknown", ERR, "unsupported machine type", "unsupported machine type",
		  PREFIX | TAIL),
	DIAG_RULE("cpu_unknown", ERR, "unable to find CPU model ", "unable to find CPU model {q}",
		  PREFIX | TAIL),
	DIAG_RULE("device_unknown", ERR, "is not a valid device model name",
		  ": {q} is not a valid device model name", PREFIX | TAIL),
	/* "-nosuch: invalid option": -x and --x are the same option. */
	DIAG_RULE("option_unknown", ERR, ": invalid option", ": {t}: invalid option",
		  PREFIX | DIAG_STRIP_DASH),
	DIAG_RULE("accel_unknown", ERR, "invalid accelerator ", "invalid accelerator {t}",
		  PREFIX | TAIL),

	/* KVM. Fatal, unless QEMU then says it falls back to another
	 * accelerator: that line softens the KVM error to a warning. It ends
	 * QEMU's line ("debconf: ... falling back to frontend: Readline" is
	 * another tool's). */
	DIAG_RULE("kvm_unavailable", ERR, "failed to initialize kvm: ",
		  "failed to initialize kvm: {r}", PREFIX | DIAG_FOLD_WORDS),
	DIAG_RULE("kvm_unavailable", ERR, "Could not access KVM kernel module: ",
		  "Could not access KVM kernel module: {r}", PREFIX | DIAG_FOLD_WORDS),
	DIAG_RULE("accel_fallback", WARN, "falling back to ", ": falling back to {t}", PREFIX,
		  .amend = DIAG_AMEND_SOFTEN, .amends = "kvm_unavailable"),

	/* The end. "terminating on signal 15 from pid 412 (timeout)": the
	 * sender is not part of the problem. "Triple fault" is printed under
	 * -d cpu_reset; without it, see diag_note_exit(). */
	DIAG_RULE("qemu_killed", ERR, "terminating on signal ", "terminating on signal {t}",
		  PREFIX | TAIL | DIAG_FOLD_SIGNAL),
	DIAG_RULE("triple_fault", ERR, "Triple fault", "Triple fault", PREFIX | TAIL),
};

const struct diag_table diag_table_qemu = {DIAG_FROM_QEMU, rules, sizeof(rules) / sizeof(rules[0])};
