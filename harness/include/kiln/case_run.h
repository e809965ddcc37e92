/* kiln/case_run.h: run one fixture to a verdict.
 *
 * Owner: ring0 core. case_run() starts the guest through a backend, drives
 * the fixture's steps, applies fail patterns and the marker policy, saves a
 * failure capsule before the guest is killed, and writes the case directory:
 * console.log, qmp.log, qemu.stderr and case.json (written atomically, on
 * every path). It is called in a worker process, one case at a time.
 */
#ifndef KILN_CASE_RUN_H
#define KILN_CASE_RUN_H

#include "kiln/backend.h"
#include "kiln/fixture.h"
#include "kiln/outcome.h"

struct case_opts {
	const struct vm_ops *ops;
	const char *accel;	 /* resolved for this run: "tcg" or "kvm" */
	int stop_fd;		 /* readable once the case must stop (SIGINT...) */
	char **extra_args;	 /* more QEMU arguments, NULL-terminated, or NULL */
	const char *run_root;	 /* parent of private run dirs; NULL: $TMPDIR or /tmp */
	int attempt;		 /* 1-based, for --repeat */
	const char *connect_uri; /* libvirt: the host to run on; NULL: default */
};

enum outcome case_run(const struct fixture *f, const char *case_dir, const struct case_opts *opts);

#endif
