/* runner/base_group.h: the bases of a run's base groups (base_group.c).
 *
 * Owner: ring0 core, private to the runner. Before any case starts, every
 * base that the run's cases name (docs/fixtures.md "base") is booted once,
 * in a worker of its own, to its ready point, and its state is saved to a
 * private directory that every worker of the run may read. Each case of the
 * group then restores that one state (struct case_base). A base that never
 * gets ready is booted once and reported once, as its own line and case
 * directory; its cases end at once with its class and reason.
 */
#ifndef KILN_BASE_GROUP_H
#define KILN_BASE_GROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "kiln/backend/backend.h"
#include "kiln/engine/case_run.h"
#include "kiln/fixture/discover.h"

struct base_group {
	char *path;	  /* the base's file, as the cases resolved it */
	char *state_path; /* where its state is saved */
	char *dir;	  /* its report directory, relative to the run's */
	char *reason, *last_marker;
	struct case_base cb; /* what its cases are given (borrows the above) */
};

struct base_groups {
	struct base_group *v;
	size_t n;
	char *state_dir; /* private (mkdtemp); removed by base_groups_free() */
};

/* What booting the bases needs from the runner (all borrowed). */
struct base_boot_opts {
	const char *run_dir;
	const struct vm_ops *ops;
	const char *connect_uri;
	const char *accel_for_auto; /* what "auto" resolved to */
	bool print;		    /* print each base's line on stdout */
};

/* Boot every base the fixtures name, one at a time. Returns 0 (a base that
 * failed is a result, not an error), or -1 when a stop signal came, or when
 * the run cannot go on (a message is printed). */
int base_groups_boot(struct base_groups *g, const struct fixture_list *fixtures,
		     const struct base_boot_opts *o);

/* The base of f as its cases are given it, or NULL when f has none.
 * Borrowed from g. */
const struct case_base *base_groups_find(const struct base_groups *g, const struct fixture *f);

/* The start of every worker process the runner forks (runner.c): die
 * with the runner, and take SIGINT and SIGTERM on a pipe of its own. */
void runner_worker_enter(pid_t parent);

/* Remove the saved states and free g's contents. Safe on a zeroed g. */
void base_groups_free(struct base_groups *g);

#endif
