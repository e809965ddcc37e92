/* test_libkiln_abi.c: libkiln's ABI as a user's program sees it, <kiln.h>
 * and the (ASan) libkiln.so only: handle lifetimes, per-thread errors, bad
 * input, and what the library must leave alone (stdout, signals).
 *
 * Owner: libkiln. Leaks are LeakSanitizer's to find: every test runs in a
 * forked child that LSan checks when it exits. The cases that boot run the
 * real QEMU on the real fixtures (a missing kernel, Rugo's banner), so the
 * engine is the one kiln run drives.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <kiln.h>

#include "check_main.h"

#define CASE_TIMEOUT_S 120 /* a booting case on a loaded machine, under ASan */

static const char diag_log[] = "ld: main.o: in function `main':\n"
			       "main.c:(.text+0x5): undefined reference to `env_gc_stats'\n";

static kiln_result *make_diag(void)
{
	kiln_result *h = kiln_diag_utf8(diag_log, sizeof(diag_log) - 1, "ld", NULL);

	ck_assert_msg(h != NULL, "kiln_diag_utf8: %s", kiln_last_error());
	return h;
}

/* The JSON of h, parsed (new reference). */
static json_t *result_json(const kiln_result *h)
{
	size_t len = 0;
	const char *view = kiln_to_utf8(h, &len);
	json_error_t jerr;
	json_t *v;

	ck_assert_msg(view != NULL, "kiln_to_utf8: %s", kiln_last_error());
	ck_assert_uint_eq(strlen(view), len);
	v = json_loadb(view, len, 0, &jerr);
	ck_assert_msg(v != NULL, "not JSON: %s: %s", jerr.text, view);
	return v;
}

static void assert_error_contains(const char *part)
{
	const char *e = kiln_last_error();

	ck_assert_msg(e != NULL, "no last error, expected one with '%s'", part);
	ck_assert_msg(strstr(e, part) != NULL, "last error '%s' lacks '%s'", e, part);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static char *make_tmpdir(void)
{
	const char *root = getenv("TMPDIR");
	char *dir = NULL;

	ck_assert_int_ge(asprintf(&dir, "%s/kiln-abi-XXXXXX", root && *root ? root : "/tmp"), 0);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	return dir;
}

static void rm_tmpdir(char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
}

/* options_json {"case_dir": dir} (new string). */
static char *case_dir_options(const char *dir)
{
	json_t *o = json_pack("{s:s}", "case_dir", dir);
	char *s = json_dumps(o, JSON_COMPACT);

	json_decref(o);
	return s;
}

/* ---- versions and handles ---------------------------------------------- */

START_TEST(abi_version_is_the_headers)
{
	ck_assert_uint_eq(kiln_abi_version(), KILN_ABI_VERSION);
	ck_assert_uint_eq(kiln_abi_version() >> 16, 1);
	ck_assert_ptr_null(kiln_last_error());
}
END_TEST

START_TEST(a_handle_lives_until_its_last_release)
{
	kiln_result *h = make_diag();
	const char *view = kiln_to_utf8(h, NULL);
	char *copy = strdup(view);

	ck_assert_ptr_eq(kiln_retain(h), h);
	ck_assert_int_eq(kiln_release(h), 0);
	/* one reference left: the view is still the same live bytes (ASan
	 * would stop a read of freed memory here) */
	ck_assert_str_eq(view, copy);
	ck_assert_ptr_eq(kiln_to_utf8(h, NULL), view);
	ck_assert_int_eq(kiln_result_status(h), 1);
	ck_assert_int_eq(kiln_release(h), 0);
	ck_assert_ptr_null(kiln_last_error());
	/* gone: every use is an error, none a crash */
	ck_assert_ptr_null(kiln_to_utf8(h, NULL));
	assert_error_contains("not a live result");
	ck_assert_ptr_null(kiln_retain(h));
	assert_error_contains("kiln_retain");
	ck_assert_int_eq(kiln_release(h), -1);
	assert_error_contains("kiln_release");
	ck_assert_int_eq(kiln_result_status(h), -1);
	assert_error_contains("kiln_result_status");
	free(copy);
}
END_TEST

START_TEST(a_released_handle_never_reaches_a_newer_result)
{
	kiln_result *old = make_diag(), *fresh;

	ck_assert_int_eq(kiln_release(old), 0);
	fresh = make_diag();
	ck_assert_ptr_ne(old, fresh);
	ck_assert_ptr_null(kiln_to_utf8(old, NULL));
	ck_assert_ptr_nonnull(kiln_to_utf8(fresh, NULL));
	ck_assert_int_eq(kiln_release(fresh), 0);
}
END_TEST

START_TEST(null_and_wild_handles_are_errors)
{
	size_t len = 7;

	ck_assert_int_eq(kiln_release(NULL), 0);
	ck_assert_ptr_null(kiln_last_error());
	ck_assert_ptr_null(kiln_to_utf8(NULL, &len));
	assert_error_contains("NULL");
	ck_assert_uint_eq(len, 7);
	ck_assert_ptr_null(kiln_retain(NULL));
	ck_assert_int_eq(kiln_result_status(NULL), -1);
	/* an address libkiln never handed out (never dereferenced) */
	ck_assert_ptr_null(kiln_to_utf8((kiln_result *)&len, NULL));
	assert_error_contains("not a live result");
	ck_assert_int_eq(kiln_release((kiln_result *)&len), -1);
}
END_TEST

START_TEST(many_handles_released_in_any_order)
{
	enum { N = 200 };
	kiln_result *h[N];

	for (int i = 0; i < N; i++) {
		h[i] = make_diag();
		if (i % 3 == 0)
			ck_assert_ptr_eq(kiln_retain(h[i]), h[i]);
	}
	for (int i = N - 1; i >= 0; i -= 2)
		ck_assert_int_eq(kiln_release(h[i]), 0);
	for (int i = 0; i < N; i += 2)
		ck_assert_int_eq(kiln_release(h[i]), 0);
	for (int i = 0; i < N; i += 3) /* the retained ones have one left */
		ck_assert_int_eq(kiln_release(h[i]), 0);
	for (int i = 0; i < N; i++)
		ck_assert_ptr_null(kiln_to_utf8(h[i], NULL));
}
END_TEST

START_TEST(a_success_clears_the_last_error)
{
	kiln_result *h;

	ck_assert_ptr_null(kiln_diag_utf8(diag_log, 4, "cobol", NULL));
	assert_error_contains("cobol");
	h = make_diag();
	ck_assert_ptr_null(kiln_last_error());
	kiln_release(h);
}
END_TEST

/* ---- errors are per thread ---------------------------------------------- */

struct error_thread {
	pthread_barrier_t *barrier;
	const char *kind; /* a bad kind, different per thread */
	char seen[512];
	int still_null_before;
};

static void *error_thread_main(void *arg)
{
	struct error_thread *t = arg;

	t->still_null_before = kiln_last_error() == NULL;
	kiln_diag_utf8(diag_log, 4, t->kind, NULL);
	/* both threads have failed before either reads its error */
	pthread_barrier_wait(t->barrier);
	snprintf(t->seen, sizeof(t->seen), "%s", kiln_last_error() ? kiln_last_error() : "(null)");
	return NULL;
}

START_TEST(errors_are_per_thread)
{
	pthread_barrier_t barrier;
	struct error_thread a = {&barrier, "fortran", "", 0}, b = {&barrier, "pascal", "", 0};
	pthread_t ta, tb;

	ck_assert_ptr_null(kiln_diag_utf8(diag_log, 4, "main-thread", NULL));
	pthread_barrier_init(&barrier, NULL, 2);
	pthread_create(&ta, NULL, error_thread_main, &a);
	pthread_create(&tb, NULL, error_thread_main, &b);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	pthread_barrier_destroy(&barrier);
	ck_assert(a.still_null_before && b.still_null_before);
	ck_assert_msg(strstr(a.seen, "fortran") && !strstr(a.seen, "pascal"), "a saw '%s'", a.seen);
	ck_assert_msg(strstr(b.seen, "pascal") && !strstr(b.seen, "fortran"), "b saw '%s'", b.seen);
	assert_error_contains("main-thread");
}
END_TEST

/* ---- bad input ------------------------------------------------------------ */

START_TEST(null_arguments_are_errors)
{
	ck_assert_ptr_null(kiln_case_run_utf8(NULL, ".", NULL));
	assert_error_contains("fixture_json is NULL");
	ck_assert_ptr_null(kiln_case_run_utf8("{}", NULL, NULL));
	assert_error_contains("base_dir is NULL");
	ck_assert_ptr_null(kiln_case_run_file(NULL, NULL));
	assert_error_contains("fixture_path is NULL");
	ck_assert_ptr_null(kiln_diag_utf8(NULL, 5, "ld", NULL));
	assert_error_contains("log is NULL");
}
END_TEST

START_TEST(invalid_fixture_json_names_line_and_column)
{
	ck_assert_ptr_null(kiln_case_run_utf8("{\n  \"guest\": {\n", "fixtures/boot",
					      "{\"fixture_path\": \"mine.json\"}"));
	assert_error_contains("mine.json:3:");
	ck_assert_ptr_null(kiln_case_run_utf8("[1, 2]", "fixtures/boot", NULL));
	assert_error_contains("fixtures/boot/fixture.json:1:1: a fixture must be an object");
}
END_TEST

START_TEST(an_unknown_fixture_key_is_an_error)
{
	const char *text = "{\n"
			   "  \"guest\": { \"kernel\": \"k.mb\" },\n"
			   "  \"timeuot_s\": 5,\n"
			   "  \"steps\": [],\n"
			   "  \"exit\": { \"debug_exit\": 16 }\n"
			   "}\n";

	ck_assert_ptr_null(kiln_case_run_utf8(text, "fixtures/boot", NULL));
	assert_error_contains("fixture.json:3:3: unknown key 'timeuot_s' in a fixture (did you "
			      "mean 'timeout_s'?)");
}
END_TEST

START_TEST(a_missing_fixture_file_is_an_error)
{
	ck_assert_ptr_null(kiln_case_run_file("fixtures/boot/no-such-case.json", NULL));
	assert_error_contains("fixtures/boot/no-such-case.json:0:0: cannot read");
}
END_TEST

/* A case of a base group starts from a state only `kiln run` saves: the
 * library refuses it rather than boot it as if it had no base. */
START_TEST(a_case_with_a_base_is_refused)
{
	ck_assert_ptr_null(kiln_case_run_file("fixtures/linux/uname.json", NULL));
	assert_error_contains("base groups run only under `kiln run`");
}
END_TEST

START_TEST(bad_options_are_errors)
{
	static const char *const bad[][2] = {
		{"{\"case_dir\": ", "options:1:"},
		{"[\"case_dir\"]", "options must be a JSON object"},
		{"{\"casedir\": \"/tmp/x\"}", "casedir"},
		{"{\"case_dir\": 7}", "options:"},
		{"{\"accel\": \"hvf\"}", "accel must be \"tcg\" or \"kvm\""},
		{"{\"case_dir\": \"\"}", "case_dir must not be empty"},
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_ptr_null(kiln_case_run_file("fixtures/boot/banner.json", bad[i][0]));
		assert_error_contains(bad[i][1]);
	}
	/* a file's fixture_path is the file's own */
	ck_assert_ptr_null(
		kiln_case_run_file("fixtures/boot/banner.json", "{\"fixture_path\": \"x.json\"}"));
	assert_error_contains("fixture_path");
	ck_assert_ptr_null(kiln_diag_utf8(diag_log, 4, "ld", "{\"exit_code\": 300}"));
	assert_error_contains("exit_code is 0..255");
	ck_assert_ptr_null(
		kiln_diag_utf8(diag_log, 4, "ld", "{\"exit_code\": 1, \"exit_signal\": 9}"));
	assert_error_contains("only one of them");
	ck_assert_ptr_null(kiln_diag_utf8(diag_log, 4, "ld", "{\"strict\": 1}"));
	assert_error_contains("options:");
	ck_assert_ptr_null(kiln_diag_utf8(diag_log, 4, "ld", "{\"strictly\": true}"));
	assert_error_contains("strictly");
}
END_TEST

/* ---- diagnostics ---------------------------------------------------------- */

START_TEST(diag_gives_findings_text_and_status)
{
	kiln_result *h = make_diag();
	json_t *v = result_json(h), *f0 = json_array_get(json_object_get(v, "findings"), 0);

	ck_assert_str_eq(json_string_value(json_object_get(v, "text")),
			 "SMOKES_ERR: symbol_missing:env_gc_stats\n");
	ck_assert(json_is_true(json_object_get(v, "failed")));
	ck_assert_str_eq(json_string_value(json_object_get(f0, "code")), "symbol_missing");
	ck_assert_str_eq(json_string_value(json_object_get(f0, "severity")), "error");
	ck_assert_int_eq(kiln_result_status(h), 1);
	json_decref(v);
	kiln_release(h);
}
END_TEST

START_TEST(diag_exit_facts_and_strict)
{
	/* QEMU killed by SIGKILL, nothing in the log: one fact */
	kiln_result *h = kiln_diag_utf8("", 0, "qemu", "{\"exit_signal\": 9}");
	json_t *v = result_json(h);

	ck_assert_str_eq(json_string_value(json_object_get(v, "text")),
			 "SMOKES_ERR: qemu_killed:SIGKILL\n");
	json_decref(v);
	kiln_release(h);
	/* a warning fails only under strict, where it reads as an error */
	static const char rwx[] = "ld.bfd: warning: out has a LOAD segment with RWX permissions\n";
	h = kiln_diag_utf8(rwx, sizeof(rwx) - 1, "ld", NULL);
	v = result_json(h);
	ck_assert_str_eq(json_string_value(json_object_get(v, "text")),
			 "SMOKES_WARN: rwx_segment\n");
	ck_assert_int_eq(kiln_result_status(h), 0);
	json_decref(v);
	kiln_release(h);
	h = kiln_diag_utf8(rwx, sizeof(rwx) - 1, "ld", "{\"strict\": true}");
	v = result_json(h);
	ck_assert_str_eq(json_string_value(json_object_get(v, "text")),
			 "SMOKES_ERR: rwx_segment\n");
	ck_assert(json_is_true(json_object_get(v, "failed")));
	ck_assert_int_eq(kiln_result_status(h), 1);
	json_decref(v);
	kiln_release(h);
	/* an empty log is a clean one: status 0, not failed */
	h = kiln_diag_utf8(NULL, 0, NULL, NULL);
	v = result_json(h);
	ck_assert_str_eq(json_string_value(json_object_get(v, "text")), "");
	ck_assert(json_is_false(json_object_get(v, "failed")));
	ck_assert_int_eq(kiln_result_status(h), 0);
	json_decref(v);
	kiln_release(h);
}
END_TEST

/* ---- cases ---------------------------------------------------------------- */

START_TEST(a_case_is_a_result_with_its_case_dir)
{
	char *dir = make_tmpdir(), *opts = case_dir_options(dir), *path;
	kiln_result *h =
		kiln_case_run_file("fixtures/selftest/qemu_start_failed_missing_kernel.json", opts);
	json_t *v, *disk;

	ck_assert_msg(h != NULL, "%s", kiln_last_error());
	ck_assert_ptr_null(kiln_last_error());
	ck_assert_int_eq(kiln_result_status(h), 3); /* kiln run's code for the class */
	v = result_json(h);
	ck_assert_str_eq(json_string_value(json_object_get(v, "outcome")), "qemu_start_failed");
	ck_assert_str_eq(json_string_value(json_object_get(v, "name")),
			 "selftest/qemu_start_failed_missing_kernel");
	ck_assert_str_eq(json_string_value(json_object_get(v, "case_dir")), dir);
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(v, "reason")),
				     "could not open kernel file"));
	/* the same record is on disk, as kiln run leaves it */
	ck_assert_int_ge(asprintf(&path, "%s/case.json", dir), 0);
	disk = json_load_file(path, 0, NULL);
	ck_assert_ptr_nonnull(disk);
	json_object_del(v, "case_dir");
	ck_assert(json_equal(v, disk));
	json_decref(disk);
	json_decref(v);
	kiln_release(h);
	free(path);
	free(opts);
	rm_tmpdir(dir);
}
END_TEST

struct case_thread {
	const char *name;
	char *dir;
	kiln_result *h;
};

/* The missing-kernel fixture as text, named per thread. */
static void *case_thread_main(void *arg)
{
	struct case_thread *t = arg;
	json_t *o = json_pack("{s:s, s:s}", "case_dir", t->dir, "fixture_path", t->name);
	char *opts = json_dumps(o, JSON_COMPACT);

	t->h = kiln_case_run_utf8("{\"guest\": {\"kernel\": \"no-such-kernel.mb\"},"
				  " \"machine\": {\"accel\": \"tcg\"},"
				  " \"steps\": [{\"expect\": \"RUGO: boot ok\"}],"
				  " \"exit\": {\"debug_exit\": 16}}",
				  "build/guest", opts);
	free(opts);
	json_decref(o);
	return NULL;
}

START_TEST(two_threads_run_two_cases_at_once)
{
	struct case_thread t[2] = {{"area/one.json", make_tmpdir(), NULL},
				   {"area/two.json", make_tmpdir(), NULL}};
	pthread_t th[2];

	for (int i = 0; i < 2; i++)
		pthread_create(&th[i], NULL, case_thread_main, &t[i]);
	for (int k = 0; k < 20; k++) { /* and diagnostics meanwhile, here */
		kiln_result *d = make_diag();
		kiln_release(d);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < 2; i++) {
		ck_assert_ptr_nonnull(t[i].h);
		json_t *v = result_json(t[i].h);
		ck_assert_str_eq(json_string_value(json_object_get(v, "outcome")),
				 "qemu_start_failed");
		ck_assert_str_eq(json_string_value(json_object_get(v, "name")),
				 i ? "area/two" : "area/one");
		ck_assert_str_eq(json_string_value(json_object_get(v, "case_dir")), t[i].dir);
		json_decref(v);
		kiln_release(t[i].h);
		rm_tmpdir(t[i].dir);
	}
}
END_TEST

START_TEST(a_readable_stop_fd_stops_the_case)
{
	char *dir = make_tmpdir(), *opts;
	int p[2];
	json_t *o, *v;
	kiln_result *h;

	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(write(p[1], "x", 1), 1);
	o = json_pack("{s:s, s:i}", "case_dir", dir, "stop_fd", p[0]);
	opts = json_dumps(o, JSON_COMPACT);
	h = kiln_case_run_file("fixtures/boot/banner.json", opts);
	ck_assert_msg(h != NULL, "%s", kiln_last_error());
	v = result_json(h);
	ck_assert_str_eq(json_string_value(json_object_get(v, "outcome")), "harness_error");
	ck_assert_str_eq(json_string_value(json_object_get(v, "reason")), "interrupted");
	json_decref(v);
	json_decref(o);
	kiln_release(h);
	close(p[0]);
	close(p[1]);
	free(opts);
	rm_tmpdir(dir);
}
END_TEST

/* run_root: where the private socket directory goes; one that does not
 * exist is the engine's harness_error, as TMPDIR is for kiln run. */
START_TEST(run_root_is_where_the_sockets_go)
{
	char *dir = make_tmpdir(), *opts;
	json_t *o, *v;
	kiln_result *h;

	o = json_pack("{s:s, s:s}", "case_dir", dir, "run_root", "/nonexistent/kiln-abi");
	opts = json_dumps(o, JSON_COMPACT);
	h = kiln_case_run_file("fixtures/boot/banner.json", opts);
	ck_assert_msg(h != NULL, "%s", kiln_last_error());
	v = result_json(h);
	ck_assert_str_eq(json_string_value(json_object_get(v, "outcome")), "harness_error");
	ck_assert_str_eq(
		json_string_value(json_object_get(v, "reason")),
		"cannot make a socket directory in /nonexistent/kiln-abi: No such file or directory");
	ck_assert_int_eq(kiln_result_status(h), 7);
	json_decref(v);
	json_decref(o);
	kiln_release(h);
	free(opts);
	rm_tmpdir(dir);
}
END_TEST

/* The accel option is what `accel: auto` means; the fixture's own is kept
 * as accel_requested. */
START_TEST(the_accel_option_resolves_auto)
{
	char *dir = make_tmpdir(), *opts;
	json_t *o = json_pack("{s:s, s:s}", "case_dir", dir, "accel", "tcg"), *v;
	kiln_result *h;

	opts = json_dumps(o, JSON_COMPACT);
	h = kiln_case_run_utf8("{\"guest\": {\"kernel\": \"no-such-kernel.mb\"},"
			       " \"machine\": {\"accel\": \"auto\"},"
			       " \"steps\": [], \"exit\": {\"debug_exit\": 16}}",
			       "build/guest", opts);
	ck_assert_msg(h != NULL, "%s", kiln_last_error());
	v = result_json(h);
	ck_assert_str_eq(json_string_value(json_object_get(v, "accel_requested")), "auto");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(v, "replay"), "accel")),
			 "tcg");
	ck_assert_str_eq(json_string_value(json_object_get(v, "outcome")), "qemu_start_failed");
	json_decref(v);
	json_decref(o);
	kiln_release(h);
	free(opts);
	rm_tmpdir(dir);
}
END_TEST

/* A passing boot with fd 1 pointed at a file: nothing is written to it, and
 * the signal dispositions and this thread's mask are as they were. */
START_TEST(a_case_leaves_stdout_and_signals_alone)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGCHLD, SIGPIPE, SIGHUP};
	char *dir = make_tmpdir(), *opts = case_dir_options(dir), *out_path;
	struct sigaction before[5], after;
	sigset_t mask_before, mask_after;
	struct stat st;
	int saved_stdout, out;
	kiln_result *h;
	json_t *v;

	ck_assert_int_ge(asprintf(&out_path, "%s.stdout", dir), 0);
	out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(out, 0);
	for (size_t i = 0; i < 5; i++)
		sigaction(sigs[i], NULL, &before[i]);
	pthread_sigmask(SIG_SETMASK, NULL, &mask_before);
	fflush(stdout);
	saved_stdout = dup(STDOUT_FILENO);
	dup2(out, STDOUT_FILENO);
	h = kiln_case_run_file("fixtures/boot/banner.json", opts);
	fflush(stdout);
	dup2(saved_stdout, STDOUT_FILENO);
	close(saved_stdout);
	close(out);
	ck_assert_msg(h != NULL, "%s", kiln_last_error());
	v = result_json(h);
	ck_assert_str_eq(json_string_value(json_object_get(v, "outcome")), "pass");
	ck_assert_int_eq(kiln_result_status(h), 0);
	ck_assert_int_eq(stat(out_path, &st), 0);
	ck_assert_int_eq(st.st_size, 0);
	for (size_t i = 0; i < 5; i++) {
		sigaction(sigs[i], NULL, &after);
		ck_assert_msg(after.sa_handler == before[i].sa_handler, "signal %d changed",
			      sigs[i]);
	}
	pthread_sigmask(SIG_SETMASK, NULL, &mask_after);
	for (int s = 1; s < 32; s++)
		ck_assert_int_eq(sigismember(&mask_after, s), sigismember(&mask_before, s));
	json_decref(v);
	kiln_release(h);
	unlink(out_path);
	free(out_path);
	free(opts);
	rm_tmpdir(dir);
}
END_TEST

static Suite *libkiln_abi_suite(void)
{
	Suite *s = suite_create("libkiln_abi");
	TCase *handles = tcase_create("handles");
	TCase *errors = tcase_create("errors");
	TCase *diag = tcase_create("diag");
	TCase *cases = tcase_create("cases");

	tcase_add_test(handles, abi_version_is_the_headers);
	tcase_add_test(handles, a_handle_lives_until_its_last_release);
	tcase_add_test(handles, a_released_handle_never_reaches_a_newer_result);
	tcase_add_test(handles, null_and_wild_handles_are_errors);
	tcase_add_test(handles, many_handles_released_in_any_order);
	tcase_add_test(errors, a_success_clears_the_last_error);
	tcase_add_test(errors, errors_are_per_thread);
	tcase_add_test(errors, null_arguments_are_errors);
	tcase_add_test(errors, invalid_fixture_json_names_line_and_column);
	tcase_add_test(errors, an_unknown_fixture_key_is_an_error);
	tcase_add_test(errors, a_missing_fixture_file_is_an_error);
	tcase_add_test(errors, a_case_with_a_base_is_refused);
	tcase_add_test(errors, bad_options_are_errors);
	tcase_add_test(diag, diag_gives_findings_text_and_status);
	tcase_add_test(diag, diag_exit_facts_and_strict);
	tcase_set_timeout(cases, CASE_TIMEOUT_S);
	tcase_add_test(cases, a_case_is_a_result_with_its_case_dir);
	tcase_add_test(cases, two_threads_run_two_cases_at_once);
	tcase_add_test(cases, a_readable_stop_fd_stops_the_case);
	tcase_add_test(cases, a_case_leaves_stdout_and_signals_alone);
	tcase_add_test(cases, run_root_is_where_the_sockets_go);
	tcase_add_test(cases, the_accel_option_resolves_auto);
	suite_add_tcase(s, handles);
	suite_add_tcase(s, errors);
	suite_add_tcase(s, diag);
	suite_add_tcase(s, cases);
	return s;
}

int main(void)
{
	return check_main_run(libkiln_abi_suite());
}
