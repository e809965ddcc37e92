/* runner.c: `kiln run`. See kiln/runner.h.
 *
 * The parent only schedules, watches and reports; every case runs in a
 * forked worker. The parent's loop waits on one self-pipe that signal
 * handlers (SIGCHLD, SIGINT, SIGTERM) write to, with a timeout for the next
 * hard deadline or progress tick.
 */
#include "kiln/runner/runner.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base_group.h"
#include "kiln/backend/backend_select.h"
#include "kiln/backend/qemu/accel.h"
#include "kiln/engine/case_run.h"
#include "kiln/engine/replay_recipe.h"
#include "kiln/fixture/discover.h"
#include "kiln/lib/outcome.h"
#include "kiln/lib/sigwake.h"
#include "kiln/lib/util.h"
#include "kiln/replay/replay_record.h"
#include "kiln/report/case_line.h"
#include "kiln/report/case_record.h"
#include "kiln/report/compare.h"
#include "kiln/report/run_report.h"
#include "kiln/report/run_verdict.h"
#include "run_known.h"
#include "shard.h"

/* On top of the fixture's timeout, what a worker may spend outside it:
 * start (10 s), capsule (2 s), the panic grace read and exit drain (2.3 s),
 * stop (1 s). That is 15.3 s; the rest is margin for a loaded machine, since
 * the bound only exists to catch a worker that is stuck. */
#define HARD_BOUND_SLACK_MS 20000

struct run_opts {
	char **paths;
	size_t n_paths;
	const char *reports_root;
	const char *filter;
	int jobs;
	int repeat;
	bool tap, quiet;
	unsigned record;     /* REPLAY_RECORD_* (--record, --record-failures) */
	const char *backend; /* --backend, or NULL */
	char **connect;	     /* --connect URIs */
	size_t n_connect;
	struct shard shard;    /* --shard K/N; n == 0: all cases */
	const char *durations; /* --durations RUN_DIR: balances the shards */
	const char *baseline;  /* --baseline RUN_DIR: compared in report.html */
	const char *known;     /* --known FILE: failures known (run_known.h) */
};

struct job {
	size_t fixture;
	int attempt;
	pid_t pid;
	int64_t hard_deadline;
	char *case_dir;
	bool hard_killed;
	int conn; /* index into the backend's connections */
};

struct runner {
	struct run_opts o;
	struct fixture_list fixtures;
	const char *accel_for_auto;
	char accel_note[256];
	char *run_id, *run_dir;
	struct job *queue; /* every (fixture, attempt), in order */
	size_t n_queue, next;
	struct job **running;
	size_t n_running;
	json_t *records;
	struct backend_choice backend;
	struct job **retry; /* cases whose host failed, to run again first */
	size_t n_retry;
	size_t done;
	bool tty, interrupted;
	bool reports_failed; /* some report could not be written: exit 9 */
	int64_t started;
	struct base_groups bases; /* booted before the cases (base_group.c) */
	struct known_set *known;  /* --known, or NULL */
};

static void runner_install_signals(void)
{
	static const int sigs[] = {SIGCHLD, SIGINT, SIGTERM};

	if (sigwake_install(sigs, 3) < 0)
		abort();
}

static void usage(void)
{
	dprintf(2, "usage: kiln run [-j N] [--filter GLOB] [--repeat N] [--tap] [--quiet]\n"
		   "                [--reports DIR] [--backend auto|qemu|libvirt]\n"
		   "                [--connect URI]... [--record | --record-failures]\n"
		   "                [--shard K/N [--durations RUN_DIR]] [--baseline RUN_DIR]\n"
		   "                [--known FILE]\n"
		   "                FIXTURE|DIR...\n"
		   "  -j N is per connection when --connect names several hosts.\n");
}

static int runner_parse(struct run_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {{"jobs", required_argument, NULL, 'j'},
						 {"filter", required_argument, NULL, 'f'},
						 {"repeat", required_argument, NULL, 'r'},
						 {"tap", no_argument, NULL, 't'},
						 {"quiet", no_argument, NULL, 'q'},
						 {"reports", required_argument, NULL, 'R'},
						 {"help", no_argument, NULL, 'h'},
						 {"backend", required_argument, NULL, 'B'},
						 {"connect", required_argument, NULL, 'C'},
						 {"record", no_argument, NULL, 'E'},
						 {"record-failures", no_argument, NULL, 'F'},
						 {"shard", required_argument, NULL, 'S'},
						 {"durations", required_argument, NULL, 'D'},
						 {"baseline", required_argument, NULL, 'L'},
						 {"known", required_argument, NULL, 'K'},
						 {NULL, 0, NULL, 0}};
	bool bad = false;
	int c;

	o->reports_root = "reports";
	o->jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
	o->repeat = 1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "j:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j': bad |= util_parse_int(optarg, 1, 4096, &o->jobs) < 0; break;
		case 'f': o->filter = optarg; break;
		case 'r': bad |= util_parse_int(optarg, 1, 4096, &o->repeat) < 0; break;
		case 't': o->tap = true; break;
		case 'q': o->quiet = true; break;
		case 'R': o->reports_root = optarg; break;
		case 'B': o->backend = optarg; break;
		case 'E': o->record |= REPLAY_RECORD_ALL; break;
		case 'F': o->record |= REPLAY_RECORD_FAILURES; break;
		case 'S':
			if (shard_parse(optarg, &o->shard) < 0)
				return -1;
			break;
		case 'D': o->durations = optarg; break;
		case 'L': o->baseline = optarg; break;
		case 'K': o->known = optarg; break;
		case 'C':
			if (!o->connect)
				o->connect = util_calloc((size_t)argc, sizeof(char *));
			o->connect[o->n_connect++] = optarg;
			break;
		case 'h': usage(); exit(0);
		default: usage(); return -1;
		}
	}
	if (bad || optind >= argc) {
		if (bad)
			util_err("run: -j and --repeat take a whole number from 1 to 4096");
		else
			util_err("run: name at least one fixture or directory");
		usage();
		return -1;
	}
	o->paths = argv + optind;
	o->n_paths = (size_t)(argc - optind);
	return 0;
}

/* The environment the cases read, checked once: a typo is a usage error
 * before anything boots, not a quiet default. */
static int runner_check_env(void)
{
	uint64_t cap;

	if (case_console_log_cap(&cap) == 0)
		return 0;
	util_err("KILN_CONSOLE_LOG_CAP='%s' must be a whole number of bytes from 4096 to %d",
		 getenv("KILN_CONSOLE_LOG_CAP"), INT_MAX);
	return -1;
}

/* Every case makes its socket directory under TMPDIR: if that cannot be
 * done, say it once, before any case, with what to change. */
static int runner_check_socket_root(void)
{
	char *probe = case_socket_dir_make(NULL);
	int rc = probe ? rmdir(probe) : -1;

	if (rc < 0)
		util_err("cannot make a directory in %s (TMPDIR): %s; set TMPDIR to a writable "
			 "directory",
			 case_socket_root(NULL), strerror(errno));
	free(probe);
	return rc;
}

/* reports/<stamp>[-N]: unique even for runs started in the same second. */
static int runner_make_run_dir(struct runner *r)
{
	char stamp[32];

	util_wall_stamp(stamp, sizeof(stamp));
	if (util_mkdir_p(r->o.reports_root, 0755) < 0)
		goto fail;
	for (int n = 1; n < 1000; n++) {
		free(r->run_id);
		free(r->run_dir);
		r->run_id = n == 1 ? util_strdup(stamp) : util_strdup_printf("%s-%d", stamp, n);
		r->run_dir = util_strdup_printf("%s/%s", r->o.reports_root, r->run_id);
		if (mkdir(r->run_dir, 0755) == 0)
			return 0;
		if (errno != EEXIST)
			goto fail;
	}
fail:
	util_err("cannot create a run directory under %s: %s", r->o.reports_root, strerror(errno));
	return -1;
}

static bool runner_wants_output(const struct runner *r)
{
	return !util_json_only() && !r->o.tap;
}

static void runner_progress(struct runner *r)
{
	char line[512];
	size_t len;

	if (!r->tty || !runner_wants_output(r) || r->o.quiet)
		return;
	len = (size_t)snprintf(line, sizeof(line), "\r\033[K[%zu/%zu] running:", r->done,
			       r->n_queue);
	for (size_t i = 0; i < r->n_running && len < sizeof(line) - 40; i++)
		len += (size_t)snprintf(line + len, sizeof(line) - len, " %s",
					r->fixtures.items[r->running[i]->fixture]->name);
	util_write_all(STDOUT_FILENO, line, len < sizeof(line) ? len : sizeof(line) - 1);
}

static void runner_print_line(struct runner *r, const json_t *rec)
{
	bool pass = !strcmp(json_string_value(json_object_get(rec, "outcome")) ?: "", "pass");
	char *line, *diags;

	if (!runner_wants_output(r) || (r->o.quiet && pass))
		return;
	if (r->tty && !r->o.quiet)
		util_write_all(STDOUT_FILENO, "\r\033[K", 4);
	line = case_line_from_record(rec);
	diags = case_line_diagnostics(rec, "    ");
	dprintf(STDOUT_FILENO, "%s\n%s", line, diags);
	free(line);
	free(diags);
}

void runner_worker_enter(pid_t parent)
{
	/* If the runner dies (even by SIGKILL), the worker is told to stop,
	 * and its QEMU dies with it through its own PDEATHSIG. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(outcome_exit_code(OUTCOME_HARNESS_ERROR));
	/* Its own pipe, for SIGINT and SIGTERM; a stop that came before (the
	 * runner's handler, inherited by fork) makes it readable at once. */
	signal(SIGCHLD, SIG_DFL);
	if (sigwake_install((const int[]){SIGINT, SIGTERM}, 2) < 0)
		_exit(outcome_exit_code(OUTCOME_HARNESS_ERROR));
}

/* The worker: run one case and leave. Never returns. */
static void runner_worker(struct runner *r, const struct job *j, pid_t parent)
{
	struct case_opts co = {0};
	const struct fixture *f = r->fixtures.items[j->fixture];

	runner_worker_enter(parent);
	co.ops = r->backend.ops;
	co.connect_uri = r->backend.conns[j->conn].uri;
	co.accel = strcmp(f->machine.accel, "auto") ? f->machine.accel : r->accel_for_auto;
	co.stop_fd = sigwake_fd();
	co.attempt = j->attempt;
	co.base = base_groups_find(&r->bases, f);
	_exit(outcome_exit_code(replay_run_case(f, j->case_dir, &co, r->o.record, NULL)));
}

static int runner_start_job(struct runner *r, struct job *j, int conn)
{
	const struct fixture *f = r->fixtures.items[j->fixture];
	pid_t parent = getpid();

	j->conn = conn;
	j->hard_killed = false;
	if (!j->case_dir) /* a retried case keeps its place */
		j->case_dir = r->o.repeat > 1 ? util_strdup_printf("%s/%s/%d", r->run_dir, f->name,
								   j->attempt)
					      : util_strdup_printf("%s/%s", r->run_dir, f->name);
	if (util_mkdir_p(j->case_dir, 0755) < 0) {
		util_err("cannot create %s: %s", j->case_dir, strerror(errno));
		return -1;
	}
	j->hard_deadline =
		util_now_ms() + HARD_BOUND_SLACK_MS +
		(int64_t)(f->timeout_s * 1000) * replay_record_runs_per_case(r->o.record);
	replay_recipe_warm(f); /* each input hashed once a run, not once a case */
	j->pid = fork();
	if (j->pid < 0) {
		util_err("fork: %s", strerror(errno));
		return -1;
	}
	if (j->pid == 0)
		runner_worker(r, j, parent);
	r->running[r->n_running++] = j;
	return 0;
}

/* The worker is gone: take its case.json, or write one that says why not. */
static void runner_collect(struct runner *r, struct job *j, int status)
{
	const struct fixture *f = r->fixtures.items[j->fixture];
	char *path = util_strdup_printf("%s/case.json", j->case_dir);
	json_t *rec = json_load_file(path, 0, NULL);

	if (!rec || j->hard_killed) {
		char reason[256];
		if (j->hard_killed)
			snprintf(reason, sizeof(reason),
				 "the case exceeded its hard wall-clock bound of %.0f s",
				 f->timeout_s + HARD_BOUND_SLACK_MS / 1000.0);
		else
			snprintf(reason, sizeof(reason), "the worker died (%s %d) without a report",
				 WIFSIGNALED(status) ? "signal" : "status",
				 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
		json_decref(rec);
		rec = case_record_build(&(struct case_facts){.name = f->name,
							     .fixture = f->path,
							     .attempt = j->attempt,
							     .outcome = OUTCOME_HARNESS_ERROR,
							     .reason = reason});
		if (case_record_write(j->case_dir, rec) < 0) {
			/* Most likely the worker failed the same way: say so,
			 * rather than that it died. */
			char *why =
				util_strdup_printf("cannot write %s: %s", path, strerror(errno));

			json_object_set_new(rec, "reason", json_string(why));
			r->reports_failed = true;
			free(why);
		}
	}
	json_object_set_new(rec, "dir", json_string(j->case_dir + strlen(r->run_dir) + 1));
	if (backend_conn_done(&r->backend, j->conn, rec)) {
		/* Its host failed: run it again on another, and keep the failed
		 * attempt's directory beside the new one. */
		char *kept =
			util_strdup_printf("%s.host-failed-%d", j->case_dir, r->backend.retries);
		rename(j->case_dir, kept);
		backend_retry_note(&r->backend, rec, kept + strlen(r->run_dir) + 1);
		r->retry[r->n_retry++] = j;
		free(kept);
		json_decref(rec);
		free(path);
		return;
	}
	run_known_apply(r->known, rec, j->case_dir);
	runner_print_line(r, rec);
	json_array_append_new(r->records, rec);
	free(path);
	r->done++;
}

static void runner_reap(struct runner *r)
{
	for (size_t i = 0; i < r->n_running;) {
		struct job *j = r->running[i];
		int status;
		if (waitpid(j->pid, &status, WNOHANG) != j->pid) {
			i++;
			continue;
		}
		runner_collect(r, j, status);
		r->running[i] = r->running[--r->n_running];
	}
}

static void runner_enforce_bounds(struct runner *r)
{
	for (size_t i = 0; i < r->n_running; i++) {
		struct job *j = r->running[i];
		if (!j->hard_killed && util_now_ms() >= j->hard_deadline) {
			j->hard_killed = true;
			kill(j->pid, SIGKILL);
		}
	}
}

static void runner_forward_stop(struct runner *r)
{
	for (size_t i = 0; i < r->n_running; i++) {
		kill(r->running[i]->pid, SIGTERM);
		/* Interrupted workers get a short bound to finish their reports. */
		int64_t bound = util_now_ms() + 8000;
		if (r->running[i]->hard_deadline > bound)
			r->running[i]->hard_deadline = bound;
	}
}

static int64_t runner_next_wakeup(const struct runner *r)
{
	int64_t t = util_now_ms() + (r->tty ? 250 : 5000);

	for (size_t i = 0; i < r->n_running; i++)
		if (r->running[i]->hard_deadline < t)
			t = r->running[i]->hard_deadline;
	return t;
}

static bool runner_has_work(const struct runner *r)
{
	return r->n_retry > 0 || r->next < r->n_queue;
}

static void runner_start_jobs(struct runner *r)
{
	int conn;

	if (!r->interrupted && !backend_conn_any_alive(&r->backend)) {
		util_err("every host failed: the remaining cases are not run");
		r->interrupted = true;
	}
	while (!r->interrupted && runner_has_work(r) &&
	       (conn = backend_conn_take(&r->backend, r->o.jobs)) >= 0) {
		struct job *j = r->n_retry ? r->retry[--r->n_retry] : &r->queue[r->next++];
		if (runner_start_job(r, j, conn) < 0)
			r->interrupted = true;
	}
}

static void runner_loop(struct runner *r)
{
	while (r->n_running > 0 || (runner_has_work(r) && !r->interrupted)) {
		/* Checked before any job starts: a signal that came during
		 * start-up starts nothing. */
		if (sigwake_stop_signal() && !r->interrupted) {
			r->interrupted = true;
			runner_forward_stop(r);
			continue;
		}
		runner_start_jobs(r);
		runner_progress(r);
		struct pollfd p = {sigwake_fd(), POLLIN, 0};
		int64_t wait = runner_next_wakeup(r) - util_now_ms();
		if (poll(&p, 1, wait > 0 ? (int)wait : 0) > 0)
			sigwake_drain();
		runner_reap(r);
		runner_enforce_bounds(r);
	}
}

static void runner_resolve_accel(struct runner *r)
{
	bool wants_auto = false;

	for (size_t i = 0; i < r->fixtures.n; i++)
		wants_auto |= !strcmp(r->fixtures.items[i]->machine.accel, "auto");
	r->accel_for_auto = "tcg";
	if (!wants_auto)
		return;
	r->accel_for_auto = accel_probe(r->run_dir, r->accel_note, sizeof(r->accel_note));
	util_note("accel auto: %s: %s", r->accel_for_auto, r->accel_note);
}

static int runner_finish(struct runner *r, json_t *argv_json)
{
	size_t i, passed = 0, known = 0;
	json_t *rec;

	json_array_foreach (r->records, i, rec) {
		passed += !strcmp(json_string_value(json_object_get(rec, "outcome")) ?: "", "pass");
		known += run_verdict_is_known(rec);
	}
	int code = run_verdict_exit_code(r->records, r->interrupted && sigwake_stop_signal());
	/* A run whose reports are incomplete cannot be judged from them: that
	 * comes before any case's outcome (but not before an interruption). */
	if (r->reports_failed && code != KILN_EXIT_INTERRUPTED)
		code = KILN_EXIT_WRITE;
	struct run_facts facts = {r->run_id,
				  r->run_dir,
				  r->o.reports_root,
				  r->backend.ops->name,
				  r->accel_note[0] ? r->accel_note : NULL,
				  (long long)(util_now_ms() - r->started),
				  r->interrupted,
				  code,
				  argv_json,
				  NULL};
	json_t *report = run_report_build(&facts, r->records, r->n_queue - r->done);
	if (r->o.n_connect)
		backend_report(&r->backend, report);
	shard_note_report(report, &r->o.shard, r->o.durations);
	json_t *cmp = r->o.baseline
			      ? compare_with_baseline(r->o.baseline, r->run_dir, report, r->records)
			      : NULL;
	facts.comparison = cmp;
	if (run_report_write(&facts, report, r->records, r->o.tap) < 0) {
		r->reports_failed = true;
		if (code != KILN_EXIT_INTERRUPTED)
			code = KILN_EXIT_WRITE;
	}
	if (!r->reports_failed) /* latest always names a whole run */
		run_report_link_latest(r->o.reports_root, r->run_id);
	run_known_report(r->known, r->records);
	if (util_json_only()) {
		char *text = json_dumps(report, JSON_INDENT(2));
		dprintf(STDOUT_FILENO, "%s\n", text);
		free(text);
	} else if (r->o.tap) {
		char *tap = run_report_tap(r->records);
		dprintf(STDOUT_FILENO, "%s", tap);
		free(tap);
	} else {
		if (r->tty && !r->o.quiet)
			util_write_all(STDOUT_FILENO, "\r\033[K", 4);
		if (known)
			dprintf(STDOUT_FILENO, "kiln: %zu passed, %zu failed, %zu known\n", passed,
				json_array_size(r->records) - passed - known, known);
		else
			dprintf(STDOUT_FILENO, "kiln: %zu passed, %zu failed\n", passed,
				json_array_size(r->records) - passed);
		if (r->reports_failed)
			dprintf(STDOUT_FILENO,
				"kiln: reports incomplete in %s (see the errors above)\n",
				r->run_dir);
		else
			dprintf(STDOUT_FILENO, "kiln: report %s/report.json\n", r->run_dir);
		if (r->interrupted)
			dprintf(STDOUT_FILENO, "kiln: interrupted, %zu cases not run\n",
				r->n_queue - r->done);
	}
	json_decref(report);
	json_decref(cmp);
	return code;
}

/* The run's backend: the one given, on one connection (a test's fake, so
 * no provider tag), else the one --backend, $KILN_BACKEND and --connect
 * choose. 0, or kiln's exit code for why there is none. */
static int runner_backend(const struct run_opts *o, const struct vm_ops *ops,
			  struct backend_choice *b)
{
	if (!ops)
		return backend_select(o->backend, o->connect, o->n_connect, b);
	if (o->backend || o->n_connect) {
		util_err("run: --backend and --connect do not apply to a given backend");
		return KILN_EXIT_USAGE;
	}
	*b = (struct backend_choice){.ops = ops, .n_conns = 1, .retried = json_array()};
	b->conns = util_calloc(1, sizeof(*b->conns));
	b->conns[0].cases = json_array();
	return 0;
}

int runner_main(int argc, char **argv)
{
	return runner_main_with_ops(argc, argv, NULL);
}

int runner_main_with_ops(int argc, char **argv, const struct vm_ops *ops)
{
	struct runner r = {0};
	json_t *argv_json = json_array();
	int code;

	/* From the start, SIGINT and SIGTERM only stop the run: one that comes
	 * before any case has started still gets its report (all not run). */
	runner_install_signals();
	for (int i = 0; i < argc; i++)
		json_array_append_new(argv_json, json_string(argv[i]));
	if (runner_parse(&r.o, argc, argv) < 0) {
		free(r.o.connect);
		json_decref(argv_json);
		return KILN_EXIT_USAGE;
	}
	if (discover_fixtures(r.o.paths, r.o.n_paths, r.o.filter, &r.fixtures) < 0) {
		free(r.o.connect);
		discover_free(&r.fixtures);
		json_decref(argv_json);
		return KILN_EXIT_USAGE;
	}
	if (r.fixtures.n == 0 || shard_apply(&r.o.shard, r.o.durations, &r.fixtures) < 0 ||
	    (r.o.baseline && compare_check_baseline(r.o.baseline) < 0)) {
		if (r.fixtures.n == 0)
			util_err("run: no fixture matched");
		discover_free(&r.fixtures);
		free(r.o.connect);
		json_decref(argv_json);
		return KILN_EXIT_USAGE;
	}
	/* Refused before anything boots: a case that cannot be recorded, an
	 * environment variable that means nothing, a known-issues file that
	 * does not load. */
	char known_err[1024];
	if (r.o.known && !(r.known = known_load(r.o.known, known_err, sizeof(known_err))))
		util_err("%s", known_err);
	if (replay_record_check_run(&r.fixtures, r.o.record) < 0 || runner_check_env() < 0 ||
	    (r.o.known && !r.known)) {
		known_free(r.known);
		discover_free(&r.fixtures);
		free(r.o.connect);
		json_decref(argv_json);
		return KILN_EXIT_USAGE;
	}
	/* Before the run directory: a missing backend leaves nothing behind. */
	code = runner_backend(&r.o, ops, &r.backend);
	free(r.o.connect); /* the connections keep the URIs, which are argv's */
	if (code != 0) {
		known_free(r.known);
		discover_free(&r.fixtures);
		json_decref(argv_json);
		return code;
	}
	if (runner_check_socket_root() < 0 || runner_make_run_dir(&r) < 0) {
		free(r.run_id);
		free(r.run_dir);
		backend_choice_free(&r.backend);
		known_free(r.known);
		discover_free(&r.fixtures);
		json_decref(argv_json);
		return KILN_EXIT_WRITE;
	}
	r.started = util_now_ms();
	r.tty = isatty(STDOUT_FILENO);
	r.records = json_array();
	r.n_queue = r.fixtures.n * (size_t)r.o.repeat;
	r.queue = util_calloc(r.n_queue, sizeof(*r.queue));
	r.running = util_calloc((size_t)r.o.jobs * r.backend.n_conns, sizeof(*r.running));
	r.retry = util_calloc(r.n_queue, sizeof(*r.retry));
	for (size_t i = 0; i < r.n_queue; i++)
		r.queue[i] = (struct job){.fixture = i / (size_t)r.o.repeat,
					  .attempt = (int)(i % (size_t)r.o.repeat) + 1};
	runner_resolve_accel(&r);
	struct base_boot_opts bo = {r.run_dir, r.backend.ops, r.backend.conns[0].uri,
				    r.accel_for_auto, runner_wants_output(&r)};
	if (base_groups_boot(&r.bases, &r.fixtures, &bo) < 0)
		r.interrupted = true;
	runner_loop(&r);
	code = runner_finish(&r, argv_json);
	for (size_t i = 0; i < r.n_queue; i++)
		free(r.queue[i].case_dir);
	free(r.queue);
	free(r.running);
	free(r.retry);
	backend_choice_free(&r.backend);
	base_groups_free(&r.bases);
	known_free(r.known);
	json_decref(r.records);
	json_decref(argv_json);
	discover_free(&r.fixtures);
	free(r.run_id);
	free(r.run_dir);
	return code;
}
