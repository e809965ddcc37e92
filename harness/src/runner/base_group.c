/* base_group.c: boot each base of the run once, before its cases. See
 * base_group.h.
 *
 * A base is booted as a case of its own (case_run() with save_state), in a
 * forked worker like every case, so a crash or hang in it cannot take the
 * run along; its case directory (console.log, qmp.log, case.json) sits in
 * the run directory under the base's name. Bases are booted one after the
 * other: a run has few of them, and its cases wait for them anyway.
 */
#include "base_group.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kiln/lib/outcome.h"
#include "kiln/lib/sigwake.h"
#include "kiln/lib/util.h"
#include "kiln/report/case_line.h"
#include "kiln/report/case_record.h"

/* What a base worker may spend outside its timeout (start, save, stop). */
#define BASE_SLACK_MS 20000

static struct base_group *base_groups_lookup(const struct base_groups *g, const char *path)
{
	for (size_t i = 0; i < g->n; i++)
		if (!strcmp(g->v[i].path, path))
			return &g->v[i];
	return NULL;
}

/* The worker: boot the base, save its state, leave. Never returns. */
static void base_worker(const struct fixture *base, const char *case_dir, const char *state,
			const struct base_boot_opts *o, pid_t parent)
{
	struct case_opts co = {0};

	runner_worker_enter(parent);
	co.ops = o->ops;
	co.connect_uri = o->connect_uri;
	co.accel = strcmp(base->machine.accel, "auto") ? base->machine.accel : o->accel_for_auto;
	co.stop_fd = sigwake_fd();
	co.attempt = 1;
	co.save_state = state;
	_exit(outcome_exit_code(case_run(base, case_dir, &co, NULL)));
}

/* Wait for the worker, within its hard bound; a stop signal is passed on.
 * False when the run was asked to stop. */
static bool base_wait(pid_t pid, int64_t bound_ms)
{
	bool stopped = false, killed = false;

	for (;;) {
		struct pollfd p = {sigwake_fd(), POLLIN, 0};
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return !stopped;
		if (sigwake_stop_signal() && !stopped) {
			stopped = true;
			kill(pid, SIGTERM);
			if (bound_ms > util_now_ms() + 8000)
				bound_ms = util_now_ms() + 8000;
		}
		if (!killed && util_now_ms() >= bound_ms) {
			killed = true;
			kill(pid, SIGKILL);
		}
		if (poll(&p, 1, 250) > 0)
			sigwake_drain();
	}
}

/* The base's verdict from its case.json, or one that says why there is
 * none. Fills b's outcome, reason and last marker; prints its line. */
static void base_collect(struct base_group *b, const char *case_dir, const char *name,
			 const struct base_boot_opts *o)
{
	char *path = util_strdup_printf("%s/case.json", case_dir);
	json_t *rec = json_load_file(path, 0, NULL);
	const char *outcome = json_string_value(json_object_get(rec, "outcome"));

	b->cb.outcome = outcome ? outcome_from_name(outcome) : OUTCOME_HARNESS_ERROR;
	if (b->cb.outcome == OUTCOME_COUNT)
		b->cb.outcome = OUTCOME_HARNESS_ERROR;
	if (!rec) {
		rec = case_record_build(
			&(struct case_facts){.name = name,
					     .fixture = b->path,
					     .attempt = 1,
					     .outcome = OUTCOME_HARNESS_ERROR,
					     .reason = "the base's worker died without a report"});
		case_record_write(case_dir, rec);
	}
	b->reason = util_strdup(json_string_value(json_object_get(rec, "reason")) ?: "?");
	const char *lm = json_string_value(json_object_get(rec, "last_marker"));
	b->last_marker = lm ? util_strdup(lm) : NULL;
	if (o->print) {
		char *line = case_line_from_record(rec);
		dprintf(STDOUT_FILENO, "%s [base, booted once for its cases]\n", line);
		free(line);
	}
	json_decref(rec);
	free(path);
}

/* Boot one base (the first case that names it gives it). False on stop. */
static bool base_boot_one(struct base_group *b, const struct fixture *base,
			  const struct base_boot_opts *o)
{
	char *case_dir = util_strdup_printf("%s/%s", o->run_dir, base->name);
	pid_t parent = getpid(), pid;
	bool go_on = true;

	if (util_mkdir_p(case_dir, 0755) < 0) {
		util_err("cannot create %s: %s", case_dir, strerror(errno));
		free(case_dir);
		return false;
	}
	if (strcmp(o->ops->name, "libvirt") == 0) {
		/* -incoming and the state file are the qemu backend's. */
		json_t *rec = case_record_build(
			&(struct case_facts){.name = base->name,
					     .fixture = b->path,
					     .attempt = 1,
					     .outcome = OUTCOME_HARNESS_ERROR,
					     .reason = "a base group needs the qemu backend"});
		case_record_write(case_dir, rec);
		json_decref(rec);
	} else if ((pid = fork()) < 0) {
		util_err("fork: %s", strerror(errno));
		go_on = false;
	} else if (pid == 0) {
		base_worker(base, case_dir, b->state_path, o, parent);
	} else {
		go_on = base_wait(pid, util_now_ms() + BASE_SLACK_MS +
					       (int64_t)(base->timeout_s * 1000));
	}
	if (go_on) {
		base_collect(b, case_dir, base->name, o);
		if (b->cb.outcome == OUTCOME_PASS && access(b->state_path, R_OK) == 0)
			b->cb.state = b->state_path;
	}
	free(case_dir);
	return go_on;
}

int base_groups_boot(struct base_groups *g, const struct fixture_list *fixtures,
		     const struct base_boot_opts *o)
{
	for (size_t i = 0; i < fixtures->n; i++) {
		const struct fixture *f = fixtures->items[i];
		if (!f->base || base_groups_lookup(g, f->base_path))
			continue;
		if (!g->state_dir) {
			g->state_dir = util_mkdtemp(NULL, "kiln-base");
			if (!g->state_dir) {
				util_err("cannot make a directory for saved states: %s",
					 strerror(errno));
				return -1;
			}
		}
		g->v = util_realloc(g->v, (g->n + 1) * sizeof(*g->v));
		struct base_group *b = &g->v[g->n++];
		*b = (struct base_group){
			.path = util_strdup(f->base_path),
			.state_path = util_strdup_printf("%s/%zu.state", g->state_dir, g->n),
			.dir = util_strdup(f->base->name),
		};
		b->cb.name = b->dir;
		b->cb.dir = b->dir;
		if (!base_boot_one(b, f->base, o))
			return -1;
		b->cb.reason = b->reason;
		b->cb.last_marker = b->last_marker;
	}
	return 0;
}

const struct case_base *base_groups_find(const struct base_groups *g, const struct fixture *f)
{
	struct base_group *b = f->base ? base_groups_lookup(g, f->base_path) : NULL;

	return b ? &b->cb : NULL;
}

void base_groups_free(struct base_groups *g)
{
	for (size_t i = 0; i < g->n; i++) {
		free(g->v[i].path);
		free(g->v[i].state_path);
		free(g->v[i].dir);
		free(g->v[i].reason);
		free(g->v[i].last_marker);
	}
	free(g->v);
	if (g->state_dir)
		util_rm_rf(g->state_dir);
	free(g->state_dir);
	*g = (struct base_groups){0};
}
