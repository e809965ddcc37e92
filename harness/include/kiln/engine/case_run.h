/* kiln/engine/case_run.h: run one fixture to a verdict.
 *
 * Owner: ring0 core. case_run() starts the guest through a backend, drives
 * the fixture's steps, applies fail patterns and the marker policy, saves a
 * failure capsule before the guest is killed, and fills the case directory:
 * console.log, qmp.log, qemu.stderr, and case.json through the report module
 * (kiln/report/case_record.h), on every path. It is called in a worker
 * process, one case at a time.
 */
#ifndef KILN_CASE_RUN_H
#define KILN_CASE_RUN_H

#include <jansson.h>

#include "kiln/backend/backend.h"
#include "kiln/fixture/fixture.h"
#include "kiln/lib/outcome.h"

/* What the runner knows of a case's base (docs/fixtures.md "base"): the
 * base was booted once for the run, before its cases. All borrowed. */
struct case_base {
	const char *name;	 /* the base's name, e.g. "linux/shell.base" */
	const char *dir;	 /* its report directory, relative to the run's */
	const char *state;	 /* the saved state; NULL when the base failed */
	enum outcome outcome;	 /* the base's verdict */
	const char *reason;	 /* and its reason */
	const char *last_marker; /* the base's last marker, or NULL */
};

struct case_opts {
	const struct vm_ops *ops;
	const char *accel;	 /* resolved for this run: "tcg" or "kvm" */
	int stop_fd;		 /* readable once the case must stop (SIGINT...) */
	char **extra_args;	 /* more QEMU arguments, NULL-terminated, or NULL */
	const char *run_root;	 /* parent of private run dirs; NULL: $TMPDIR or /tmp */
	int attempt;		 /* 1-based, for --repeat */
	const char *connect_uri; /* libvirt: the host to run on; NULL: default */
	/* A case of a base group: restore the base's state instead of booting,
	 * or, when the base failed, end at once with its class. NULL: boot. */
	const struct case_base *base;
	/* Booting a base: once every step has passed, save the guest's state
	 * here and pass (the base's exit is "running"). NULL otherwise. */
	const char *save_state;
};

/* Run f with its reports in case_dir (which exists). Returns the verdict.
 * When record is not NULL, *record gets the case.json object as written (new
 * reference: the caller decrefs it), so that a later fact can be added
 * through case_record_add_fact(). */
enum outcome case_run(const struct fixture *f, const char *case_dir, const struct case_opts *opts,
		      json_t **record);

/* Where each case makes its private 0700 socket directory: run_root when
 * not NULL, else $TMPDIR when set and not empty, else "/tmp". Borrowed. The
 * runner checks it once before the first case, so that an unusable TMPDIR
 * is one clear error, not one harness_error per case. */
const char *case_socket_root(const char *run_root);
/* Make a case's socket directory there (0700). A new path, or NULL with
 * errno set. */
char *case_socket_dir_make(const char *run_root);

/* How much of the console goes to each case's console.log: the
 * environment's KILN_CONSOLE_LOG_CAP (bytes, 4096 to 2147483647), else
 * 64 MiB; matching goes on past it. 0 and *cap set, or -1 when the variable
 * is set but not such a number (the runner refuses to start then; the
 * engine itself falls back to 64 MiB). */
int case_console_log_cap(uint64_t *cap);

#endif
