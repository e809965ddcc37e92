/* engine/snapshot.h: a guest's whole state to a file and back (snapshot.c).
 *
 * Owner: ring0 core, private to the case engine. Both calls talk QMP through
 * the backend's execute(); both return 0, or -1 with a reason in why.
 */
#ifndef KILN_SNAPSHOT_H
#define KILN_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include "kiln/backend/backend.h"

/* Pause vm and save its state to path (written as path.tmp, then renamed,
 * so a reader never sees half a state), before deadline_ms. *bytes gets the
 * file's size. vm stays paused. */
int snapshot_save(struct vm *vm, const char *path, int64_t deadline_ms, long long *bytes, char *why,
		  size_t len);

/* Load the state in path into vm, a QEMU started paused with -incoming
 * defer (vm_spec.incoming), before deadline_ms. vm stays paused: the
 * caller resumes it. */
int snapshot_restore(struct vm *vm, const char *path, int64_t deadline_ms, char *why, size_t len);

#endif
