/* kiln/backend/qemu/accel.h: choosing the accelerator for `accel: auto`.
 *
 * Owner: ring0 core. /dev/kvm existing is not enough: on a nested or
 * emulated KVM, guest code can run hundreds of times slower than under TCG.
 * The probe boots a tiny built-in guest (a counted loop, then
 * isa-debug-exit) under KVM once per run, and trusts KVM only if it finishes
 * in time. Otherwise it returns "tcg" and says why in one short line.
 */
#ifndef KILN_ACCEL_H
#define KILN_ACCEL_H

#include <stddef.h>

/* "kvm" or "tcg" (a static string); why (always NUL-terminated) gets the
 * probe's finding (e.g. "kvm probe: timed out after 1.5 s"). scratch_dir
 * (borrowed) is where the probe image is written. Bounded in time. */
const char *accel_probe(const char *scratch_dir, char *why, size_t why_len);

#endif
