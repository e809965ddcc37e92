/* engine/disk_overlay.h: the writable disks of a base group (disk_overlay.c).
 *
 * Owner: ring0 core, private to the case engine. A base's writable disk
 * (neither readonly nor left alone) gets a qcow2 overlay next to its saved
 * state, STATE.disk<i>.qcow2, backed by the disk's file: the base writes
 * there, and the overlay is frozen with the state when the base is saved.
 * Each case restored from the base gets an overlay of its own over the
 * base's, in the case's scratch directory, removed with it. So a case sees
 * the disk exactly as the base left it, cannot change what the next case
 * sees, and the disk's file itself is never written.
 */
#ifndef KILN_DISK_OVERLAY_H
#define KILN_DISK_OVERLAY_H

#include <stdbool.h>
#include <stddef.h>

#include "kiln/fixture/fixture.h"

/* Does f have a disk that the guest may write (not readonly)? */
bool disk_overlay_needed(const struct fixture *f);

/* The disks to start f with: a new array of f->guest.n_disks in *out (free
 * with disk_overlay_free), where each writable disk is a qcow2 overlay.
 * For a base (restoring false) the overlays are STATE.disk<i>.qcow2 over
 * the disks' files; for a restored case (restoring true) they go in
 * scratch_dir, over the base's overlays of the same state. 0, or -1 with
 * why. */
int disk_overlay_make(const struct fixture *f, const char *state, bool restoring,
		      const char *scratch_dir, struct disk **out, char *why, size_t why_len);

void disk_overlay_free(struct disk *disks, size_t n);

#endif
