/* kiln/backend/qemu/qemu_img.h: making qcow2 images with qemu-img.
 *
 * Owner: ring1 (qemu backend). The one place Kiln runs qemu-img
 * ($KILN_QEMU_IMG, else qemu-img from PATH; Debian's qemu-utils): the empty
 * image that holds a recording's snapshots (replay_record.c) and the
 * overlays of a base group's writable disks (engine/disk_overlay.c). The
 * run is bounded, and a failure says why in qemu-img's own words.
 */
#ifndef KILN_QEMU_IMG_H
#define KILN_QEMU_IMG_H

#include <stddef.h>

/* Create the qcow2 image path: size bytes ("1M") and empty when backing is
 * NULL, else an overlay over backing (absolute path, format backing_fmt)
 * with its size. 0, or -1 with why ("qemu-img create failed (status 1):
 * ..."). */
int qemu_img_create(const char *path, const char *backing, const char *backing_fmt,
		    const char *size, char *why, size_t why_len);

#endif
