/* snapshot.c: save a running guest's whole state to a file and restore it
 * into a new QEMU, for the cases of a base group (docs/fixtures.md "base").
 *
 * Owner: ring0 core (the case engine). It uses QEMU's own migration over
 * QMP: `migrate` to "exec:cat > FILE" saves, and a QEMU started with
 * `-incoming defer` loads it with `migrate-incoming` from "exec:cat FILE".
 * Why migration and not qcow2 internal snapshots (savevm/loadvm): the file
 * is read-only once written, so any number of workers restore it at once,
 * while loadvm needs the qcow2 image that holds the snapshot opened
 * read-write (locked: one QEMU at a time) and cannot load it through an
 * overlay. The figures are in docs/performance.md ("Snapshot reset").
 */
#include "snapshot.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kiln/lib/util.h"

#define SNAPSHOT_QMP_TIMEOUT_MS 5000
#define SNAPSHOT_POLL_MS 5 /* between two query-migrate */

/* "exec:cat > 'path'" (save) or "exec:cat 'path'": QEMU runs it with
 * /bin/sh -c, so the path is quoted; a path with a quote in it is refused.
 * New, or NULL. */
static char *snapshot_exec_uri(bool save, const char *path)
{
	if (strchr(path, '\''))
		return NULL;
	return util_strdup_printf("exec:cat %s'%s'", save ? "> " : "", path);
}

static int snapshot_qmp(struct vm *vm, const char *command, json_t *args, char *why, size_t len)
{
	struct qmp_error err = {0};
	int rc = vm->ops->execute(vm, command, args, util_now_ms() + SNAPSHOT_QMP_TIMEOUT_MS, NULL,
				  &err);

	if (rc != QMP_OK)
		snprintf(why, len, "%s: %s: %s", command,
			 rc == QMP_ERR_REPLY ? err.class : qmp_status_name(err.status), err.desc);
	return rc == QMP_OK ? 0 : -1;
}

/* Wait for the migration (either way) to end: 0 once query-migrate says
 * "completed", else -1 with why. Between two queries it waits on the
 * backend's own fds, so QEMU's exit is seen at once. */
static int snapshot_wait(struct vm *vm, int64_t deadline_ms, char *why, size_t len)
{
	for (;;) {
		struct qmp_error err = {0};
		json_t *ret = NULL;
		struct pollfd fds[8];

		if (vm->ops->execute(vm, "query-migrate", NULL,
				     util_now_ms() + SNAPSHOT_QMP_TIMEOUT_MS, &ret,
				     &err) != QMP_OK) {
			snprintf(why, len, "query-migrate: %s: %s", qmp_status_name(err.status),
				 err.desc);
			return -1;
		}
		const char *st = json_string_value(json_object_get(ret, "status")) ?: "none";
		if (!strcmp(st, "completed")) {
			json_decref(ret);
			return 0;
		}
		if (!strcmp(st, "failed") || !strcmp(st, "cancelled")) {
			snprintf(why, len, "migration %s: %s", st,
				 json_string_value(json_object_get(ret, "error-desc"))
					 ?: "no reason");
			json_decref(ret);
			return -1;
		}
		json_decref(ret);
		if (util_now_ms() >= deadline_ms) {
			snprintf(why, len, "migration still '%s' at the deadline", st);
			return -1;
		}
		size_t n = vm->ops->poll_fds(vm, fds, 8);
		if (poll(fds, n, SNAPSHOT_POLL_MS) < 0 && errno != EINTR) {
			snprintf(why, len, "poll: %s", strerror(errno));
			return -1;
		}
		vm->ops->dispatch(vm, fds, n);
		if (vm->exit.exited) {
			snprintf(why, len, "QEMU ended during the migration");
			return -1;
		}
	}
}

int snapshot_save(struct vm *vm, const char *path, int64_t deadline_ms, long long *bytes, char *why,
		  size_t len)
{
	char *tmp = util_strdup_printf("%s.tmp", path);
	char *uri = snapshot_exec_uri(true, tmp);
	json_t *args = NULL;
	struct stat st;
	int rc = -1;

	if (!uri) {
		snprintf(why, len, "%s: a quote in the path", path);
		goto cleanup;
	}
	/* Paused first, so the state is the ready point itself, not a guest
	 * that ran on while its memory was copied. */
	if (snapshot_qmp(vm, "stop", NULL, why, len) < 0)
		goto cleanup;
	args = json_pack("{s:s}", "uri", uri);
	if (snapshot_qmp(vm, "migrate", args, why, len) < 0 ||
	    snapshot_wait(vm, deadline_ms, why, len) < 0)
		goto cleanup;
	if (rename(tmp, path) < 0 || stat(path, &st) < 0) {
		snprintf(why, len, "%s: %s", path, strerror(errno));
		goto cleanup;
	}
	*bytes = (long long)st.st_size;
	rc = 0;
cleanup:
	if (rc < 0)
		unlink(tmp);
	json_decref(args);
	free(uri);
	free(tmp);
	return rc;
}

int snapshot_restore(struct vm *vm, const char *path, int64_t deadline_ms, char *why, size_t len)
{
	char *uri = snapshot_exec_uri(false, path);
	json_t *args;
	int rc;

	if (!uri) {
		snprintf(why, len, "%s: a quote in the path", path);
		return -1;
	}
	if (access(path, R_OK) < 0) {
		snprintf(why, len, "%s: %s", path, strerror(errno));
		free(uri);
		return -1;
	}
	args = json_pack("{s:s}", "uri", uri);
	rc = snapshot_qmp(vm, "migrate-incoming", args, why, len);
	if (rc == 0)
		rc = snapshot_wait(vm, deadline_ms, why, len);
	json_decref(args);
	free(uri);
	return rc;
}
