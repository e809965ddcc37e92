/* disk_overlay.c: per-base and per-case overlays of writable disks. See
 * disk_overlay.h.
 */
#include "disk_overlay.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiln/backend/qemu/qemu_img.h"
#include "kiln/lib/util.h"

bool disk_overlay_needed(const struct fixture *f)
{
	for (size_t i = 0; i < f->guest.n_disks; i++)
		if (!f->guest.disks[i].readonly)
			return true;
	return false;
}

/* The base's overlay of disk i: where the base writes, and what the
 * cases' overlays are backed by. New. */
static char *disk_overlay_base_path(const char *state, size_t i)
{
	return util_strdup_printf("%s.disk%zu.qcow2", state, i);
}

/* One writable disk: its overlay, made, in *d (new strings). */
static int disk_overlay_one(const struct disk *src, size_t i, const char *state, bool restoring,
			    const char *scratch_dir, struct disk *d, char *why, size_t why_len)
{
	char *backing, *path;
	const char *backing_fmt;
	int rc;

	if (restoring) {
		backing = disk_overlay_base_path(state, i);
		backing_fmt = "qcow2";
		path = util_strdup_printf("%s/disk%zu.qcow2", scratch_dir, i);
	} else {
		/* qemu-img resolves a relative backing file against the
		 * overlay's directory, not ours. */
		char abs[PATH_MAX];
		if (!realpath(src->file, abs)) {
			snprintf(why, why_len, "disk %s: %s", src->file, strerror(errno));
			return -1;
		}
		backing = util_strdup(abs);
		backing_fmt = src->format;
		path = disk_overlay_base_path(state, i);
	}
	rc = qemu_img_create(path, backing, backing_fmt, NULL, why, why_len);
	free(backing);
	if (rc < 0) {
		free(path);
		return -1;
	}
	/* The overlay is the case's own: QEMU's snapshot=on would only add a
	 * second, throw-away layer on top. */
	*d = (struct disk){.file = path,
			   .format = util_strdup("qcow2"),
			   .interface = util_strdup(src->interface)};
	return 0;
}

int disk_overlay_make(const struct fixture *f, const char *state, bool restoring,
		      const char *scratch_dir, struct disk **out, char *why, size_t why_len)
{
	size_t n = f->guest.n_disks;
	struct disk *v = util_calloc(n ? n : 1, sizeof(*v));

	for (size_t i = 0; i < n; i++) {
		const struct disk *src = &f->guest.disks[i];
		if (src->readonly) {
			v[i] = *src;
			v[i].file = util_strdup(src->file);
			v[i].format = util_strdup(src->format);
			v[i].interface = util_strdup(src->interface);
		} else if (disk_overlay_one(src, i, state, restoring, scratch_dir, &v[i], why,
					    why_len) < 0) {
			disk_overlay_free(v, i);
			return -1;
		}
	}
	*out = v;
	return 0;
}

void disk_overlay_free(struct disk *disks, size_t n)
{
	for (size_t i = 0; disks && i < n; i++) {
		free(disks[i].file);
		free(disks[i].format);
		free(disks[i].interface);
	}
	free(disks);
}
