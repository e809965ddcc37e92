/* libkiln_case.c: kiln_case_run_utf8() and kiln_case_run_file(). See
 * kiln/libkiln/kiln.h.
 *
 * Owner: libkiln. A case runs through replay_run_case(), the function
 * `kiln run`'s worker calls, with the ring1 qemu backend, in the calling
 * thread: the library adds only what a worker process would otherwise give
 * it, the case directory, the accelerator for `accel: auto` and a stop fd,
 * and the SIGPIPE the worker ignores, here blocked for this thread alone.
 * (The ring2 libvirt plugin resolves its calls into kiln's own exported
 * symbols, which libkiln does not export, so it is not offered here.)
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kiln/backend/backend.h"
#include "kiln/backend/qemu/accel.h"
#include "kiln/engine/case_run.h"
#include "kiln/fixture/fixture.h"
#include "kiln/lib/outcome.h"
#include "kiln/replay/replay_record.h"
#include "libkiln_private.h"

struct case_call {
	json_t *opts; /* owns the strings below */
	const char *case_dir, *fixture_path, *accel, *run_root;
	int stop_fd;
};

/* `accel: auto` as kiln run resolves it: KVM probed once, here once per
 * process (the probe boots a tiny guest; a caller running many cases should
 * not pay for it each time). */
static pthread_once_t accel_once = PTHREAD_ONCE_INIT;
static const char *accel_for_auto;

static void accel_probe_once(void)
{
	char why[256], *dir = util_mkdtemp(NULL, "kiln-accel");

	accel_for_auto = "tcg";
	if (!dir)
		return; /* no scratch space: TCG, which always works */
	accel_for_auto = accel_probe(dir, why, sizeof(why));
	util_rm_rf(dir);
	free(dir);
}

/* SIGPIPE blocked in this thread while the case writes to sockets whose
 * other end QEMU may close; one it raised is taken back before returning,
 * unless the caller had one pending already. */
struct sigpipe_guard {
	sigset_t old;
	bool was_pending;
};

static void sigpipe_block(struct sigpipe_guard *g)
{
	sigset_t pipe_set, pending;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	sigpending(&pending);
	g->was_pending = sigismember(&pending, SIGPIPE) == 1;
	pthread_sigmask(SIG_BLOCK, &pipe_set, &g->old);
}

static void sigpipe_restore(const struct sigpipe_guard *g)
{
	sigset_t pipe_set, pending;
	const struct timespec now = {0, 0};

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	if (!g->was_pending && sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1)
		sigtimedwait(&pipe_set, NULL, &now);
	pthread_sigmask(SIG_SETMASK, &g->old, NULL);
}

/* Parse options_json into c; 0, or -1 with the last error set. */
static int case_call_parse(struct case_call *c, const char *who, const char *options_json,
			   bool with_fixture_path)
{
	json_error_t jerr;
	int rc;

	memset(c, 0, sizeof(*c));
	c->stop_fd = -1;
	if (!(c->opts = libkiln_options_parse(who, options_json)))
		return -1;
	if (with_fixture_path)
		rc = json_unpack_ex(c->opts, &jerr, JSON_STRICT, "{s?s, s?s, s?s, s?i, s?s}",
				    "case_dir", &c->case_dir, "fixture_path", &c->fixture_path,
				    "accel", &c->accel, "stop_fd", &c->stop_fd, "run_root",
				    &c->run_root);
	else
		rc = json_unpack_ex(c->opts, &jerr, JSON_STRICT, "{s?s, s?s, s?i, s?s}", "case_dir",
				    &c->case_dir, "accel", &c->accel, "stop_fd", &c->stop_fd,
				    "run_root", &c->run_root);
	if (rc < 0)
		libkiln_error_set("%s: options: %s", who, jerr.text);
	else if (c->accel && strcmp(c->accel, "tcg") && strcmp(c->accel, "kvm"))
		libkiln_error_set("%s: options: accel must be \"tcg\" or \"kvm\", not \"%s\"", who,
				  c->accel);
	else if (c->case_dir && !c->case_dir[0])
		libkiln_error_set("%s: options: case_dir must not be empty", who);
	else
		return 0;
	json_decref(c->opts);
	c->opts = NULL;
	return -1;
}

/* Run f (borrowed) as c says. A new result, or NULL with the error set. */
static kiln_result *case_call_run(const struct case_call *c, const struct fixture *f,
				  const char *who)
{
	if (f->base) {
		/* Its start is a base's saved state, which only a run of
		 * `kiln run` boots and saves: refused, not booted from scratch
		 * as if it had no base. */
		libkiln_error_set("%s: %s starts from the base %s, and base groups run only under "
				  "`kiln run`",
				  who, f->name, f->base_path);
		return NULL;
	}
	char *case_dir = c->case_dir ? util_strdup(c->case_dir) : util_mkdtemp(NULL, "kiln-case");
	struct case_opts co = {.ops = &backend_qemu_ops,
			       .stop_fd = c->stop_fd,
			       .run_root = c->run_root,
			       .attempt = 1};
	struct sigpipe_guard guard;
	json_t *record = NULL;
	kiln_result *h;
	enum outcome o;

	if (!case_dir || util_mkdir_p(case_dir, 0755) < 0) {
		libkiln_error_set("%s: cannot make the case directory %s: %s", who,
				  c->case_dir ? c->case_dir : "under $TMPDIR", strerror(errno));
		free(case_dir);
		return NULL;
	}
	sigpipe_block(&guard);
	co.accel = f->machine.accel;
	if (!strcmp(co.accel, "auto")) {
		if (!c->accel)
			pthread_once(&accel_once, accel_probe_once);
		co.accel = c->accel ? c->accel : accel_for_auto;
	}
	o = replay_run_case(f, case_dir, &co, 0, &record);
	sigpipe_restore(&guard);
	json_object_set_new(record, "case_dir", json_string(case_dir));
	h = libkiln_result_new(record, outcome_exit_code(o));
	json_decref(record);
	free(case_dir);
	return h;
}

kiln_result *kiln_case_run_utf8(const char *fixture_json, const char *base_dir,
				const char *options_json)
{
	static const char who[] = "kiln_case_run_utf8";
	struct case_call c;
	struct fixture *f;
	kiln_result *h = NULL;
	char err[1024], *path;

	libkiln_error_clear();
	if (!fixture_json || !base_dir) {
		libkiln_error_set("%s: %s is NULL", who,
				  fixture_json ? "base_dir" : "fixture_json");
		return NULL;
	}
	if (case_call_parse(&c, who, options_json, true) < 0)
		return NULL;
	path = c.fixture_path ? util_strdup(c.fixture_path)
			      : util_strdup_printf("%s/fixture.json", base_dir);
	f = fixture_load_text(fixture_json, strlen(fixture_json), path, base_dir, err, sizeof(err));
	if (f)
		h = case_call_run(&c, f, who);
	else
		libkiln_error_set("%s", err);
	fixture_free(f);
	free(path);
	json_decref(c.opts);
	return h;
}

kiln_result *kiln_case_run_file(const char *fixture_path, const char *options_json)
{
	static const char who[] = "kiln_case_run_file";
	struct case_call c;
	struct fixture *f;
	kiln_result *h = NULL;
	char err[1024];

	libkiln_error_clear();
	if (!fixture_path) {
		libkiln_error_set("%s: fixture_path is NULL", who);
		return NULL;
	}
	if (case_call_parse(&c, who, options_json, false) < 0)
		return NULL;
	f = fixture_load(fixture_path, err, sizeof(err));
	if (f)
		h = case_call_run(&c, f, who);
	else
		libkiln_error_set("%s", err);
	fixture_free(f);
	json_decref(c.opts);
	return h;
}
