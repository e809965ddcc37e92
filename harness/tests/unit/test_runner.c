/* test_runner.c: `kiln run` (kiln/runner/runner.h) scheduling cases over
 * forked workers, with the fake backend (fake_backend.h) as every guest.
 *
 * Each test writes fixtures into a fresh temporary directory and calls
 * runner_main_with_ops() in its own (Check-forked) process: the runner
 * forks a worker per case as `kiln run` does, and every worker plays the
 * script this process set. The fake's journal, one file all workers append
 * to, says when each guest started and ended; report.json, found through
 * reports/latest, says what the runner made of each worker. Every test
 * also checks that no worker is left behind.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fake_backend.h"
#include "kiln/lib/outcome.h"
#include "kiln/lib/util.h"
#include "kiln/runner/runner.h"

#include "check_main.h"

static char tmp_root[PATH_MAX];
static char journal[PATH_MAX + 16];

#define FOUR_S "\"timeout_s\": 4,"

static void runner_setup(void)
{
	/* $TMPDIR as it was before the first test pointed it at its own
	 * directory (CK_FORK=no runs every test in one process). */
	static char *tmp;
	const char *env = getenv("TMPDIR");

	if (!tmp)
		tmp = util_strdup(env && *env ? env : "/tmp");
	snprintf(tmp_root, sizeof(tmp_root), "%s/kiln-test-runner-XXXXXX", tmp);
	ck_assert_ptr_nonnull(mkdtemp(tmp_root));
	snprintf(journal, sizeof(journal), "%s/journal", tmp_root);
	fake_backend_journal(journal);
	/* The workers' private run directories go here too. */
	ck_assert_int_eq(setenv("TMPDIR", tmp_root, 1), 0);
}

static void runner_teardown(void)
{
	fake_backend_journal(NULL);
	util_rm_rf(tmp_root);
}

/* A fixture at <tmp>/fixtures/<name>.json, so its case name is name, with
 * the top-level keys top (each with its comma). The guest passes with
 * debug_exit 16 once it has printed "ok". */
static void write_fixture(const char *name, const char *top)
{
	char path[PATH_MAX + 64];
	char *dir, *text;

	snprintf(path, sizeof(path), "%s/fixtures/%s.json", tmp_root, name);
	dir = util_dirname(path);
	ck_assert_int_eq(util_mkdir_p(dir, 0755), 0);
	text = util_strdup_printf("{\"guest\": {\"kernel\": \"k.mb\"}, %s "
				  "\"steps\": [{\"expect\": \"ok\"}], "
				  "\"exit\": {\"debug_exit\": 16}}",
				  top);
	ck_assert_int_eq(util_write_file_atomic(path, text, strlen(text)), 0);
	free(text);
	free(dir);
}

/* `kiln run --reports <tmp>/reports [args...] <tmp>/fixtures` through the
 * fake backend, its stdout into <tmp>/stdout. Returns kiln's exit code. */
static int run_kiln(const char *const *args)
{
	char reports[PATH_MAX + 16], fixtures[PATH_MAX + 16], out[PATH_MAX + 16];
	char *argv[16] = {"run", "--reports", reports};
	int argc = 3, saved, fd, code;

	snprintf(reports, sizeof(reports), "%s/reports", tmp_root);
	snprintf(fixtures, sizeof(fixtures), "%s/fixtures", tmp_root);
	snprintf(out, sizeof(out), "%s/stdout", tmp_root);
	for (; *args; args++)
		argv[argc++] = (char *)*args;
	argv[argc++] = fixtures;
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	saved = dup(STDOUT_FILENO);
	dup2(fd, STDOUT_FILENO);
	code = runner_main_with_ops(argc, argv, &fake_backend_ops);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	close(fd);
	/* Every worker was reaped: this process has no child left. */
	ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
	return code;
}

/* How many private run directories (kiln-*) the workers left behind. */
static int run_dirs_left(void)
{
	DIR *d = opendir(tmp_root);
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)))
		n += !strncmp(e->d_name, "kiln-", 5);
	closedir(d);
	return n;
}

static char *tmp_file(const char *rel)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", tmp_root, rel);
	return util_read_file(path, NULL);
}

/* The file at rel (below the test's directory) exists and holds part. */
static void assert_file_has(const char *rel, const char *part)
{
	char *text = tmp_file(rel);

	ck_assert_msg(text != NULL, "no %s", rel);
	ck_assert_msg(strstr(text, part) != NULL, "%s does not hold %s", rel, part);
	free(text);
}

/* report.json of the latest run (new reference). */
static json_t *latest_report(void)
{
	char path[PATH_MAX + 64];
	json_t *r;

	snprintf(path, sizeof(path), "%s/reports/latest/report.json", tmp_root);
	r = json_load_file(path, 0, NULL);
	ck_assert_msg(r != NULL, "no %s", path);
	return r;
}

/* The report.json entry of case name (borrowed from report). */
static json_t *report_case(json_t *report, const char *name)
{
	size_t i;
	json_t *c;

	json_array_foreach (json_object_get(report, "cases"), i, c)
		if (!strcmp(json_string_value(json_object_get(c, "name")), name))
			return c;
	ck_abort_msg("no case %s in report.json", name);
	return NULL;
}

static const char *str_of(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : "(no such string)";
}

static long long int_of(const json_t *obj, const char *key)
{
	return json_integer_value(json_object_get(obj, key));
}

/* The journal as "start a", "end a"... with each case directory cut to
 * what follows the run directory; n gets the count. */
struct journal_line {
	char what[8];
	char dir[64];
};

static size_t read_journal(struct journal_line *lines, size_t max)
{
	char *text = util_read_file(journal, NULL), *save = NULL;
	size_t n = 0;

	for (char *l = text ? strtok_r(text, "\n", &save) : NULL; l && n < max;
	     l = strtok_r(NULL, "\n", &save)) {
		char what[8], dir[PATH_MAX];
		long long ms;
		ck_assert_int_eq(sscanf(l, "%7s %lld %4095s", what, &ms, dir), 3);
		/* <tmp>/reports/<run id>/<case dir> */
		const char *rel = dir + strlen(tmp_root) + strlen("/reports/");
		rel = strchr(rel, '/') + 1;
		snprintf(lines[n].what, sizeof(lines[n].what), "%s", what);
		snprintf(lines[n].dir, sizeof(lines[n].dir), "%s", rel);
		n++;
	}
	free(text);
	return n;
}

/* The most guests the journal shows running at once. */
static int most_at_once(const struct journal_line *lines, size_t n)
{
	int now = 0, most = 0;

	for (size_t i = 0; i < n; i++) {
		now += !strcmp(lines[i].what, "start") ? 1 : -1;
		most = now > most ? now : most;
	}
	return most;
}

static const struct fake_beat pass_fast[] = {BEAT_PRINT(10, "ok\n"), BEAT_EXIT(30, 33), {0}};
static const struct fake_beat pass_slow[] = {BEAT_PRINT(10, "ok\n"), BEAT_EXIT(250, 33), {0}};

START_TEST(one_job_runs_cases_one_at_a_time_in_order)
{
	static const struct fake_script guest = {.beats = pass_fast};
	static const char *const want[][2] = {{"start", "s/a"}, {"end", "s/a"},	  {"start", "s/b"},
					      {"end", "s/b"},	{"start", "s/c"}, {"end", "s/c"}};
	struct journal_line lines[16];
	char *out;
	json_t *report;

	write_fixture("s/c", FOUR_S);
	write_fixture("s/a", FOUR_S);
	write_fixture("s/b", FOUR_S);
	fake_backend_play(&guest, 1);
	ck_assert_int_eq(run_kiln((const char *const[]){"-j", "1", NULL}), 0);
	ck_assert_int_eq(run_dirs_left(), 0);
	ck_assert_int_eq(read_journal(lines, 16), 6);
	for (size_t i = 0; i < 6; i++) {
		ck_assert_str_eq(lines[i].what, want[i][0]);
		ck_assert_str_eq(lines[i].dir, want[i][1]);
	}
	report = latest_report();
	ck_assert_str_eq(str_of(report, "backend"), "fake");
	ck_assert_int_eq(int_of(json_object_get(report, "summary"), "passed"), 3);
	ck_assert_int_eq(int_of(report, "exit_code"), 0);
	out = tmp_file("stdout");
	ck_assert_ptr_nonnull(strstr(out, "kiln: 3 passed, 0 failed"));
	free(out);
	json_decref(report);
}
END_TEST

START_TEST(two_jobs_run_two_cases_at_once_never_three)
{
	static const struct fake_script guest = {.beats = pass_slow};
	struct journal_line lines[16];
	size_t n;
	json_t *report;

	write_fixture("p/a", FOUR_S);
	write_fixture("p/b", FOUR_S);
	write_fixture("p/c", FOUR_S);
	write_fixture("p/d", FOUR_S);
	fake_backend_play(&guest, 1);
	ck_assert_int_eq(run_kiln((const char *const[]){"-j", "2", NULL}), 0);
	ck_assert_int_eq(run_dirs_left(), 0);
	n = read_journal(lines, 16);
	ck_assert_int_eq(n, 8);
	/* Two start at once, and a third only once one has ended. */
	ck_assert_str_eq(lines[0].what, "start");
	ck_assert_str_eq(lines[1].what, "start");
	ck_assert_int_eq(most_at_once(lines, n), 2);
	report = latest_report();
	ck_assert_int_eq(int_of(json_object_get(report, "summary"), "runs"), 4);
	ck_assert_int_eq(int_of(json_object_get(report, "summary"), "passed"), 4);
	json_decref(report);
}
END_TEST

START_TEST(repeat_runs_each_attempt_in_its_own_dir_and_finds_the_flaky)
{
	/* The second run of r/flaky fails with Rugo's panic exit. */
	static const struct fake_beat fail_35[] = {BEAT_PRINT(10, "ok\n"), BEAT_EXIT(30, 35), {0}};
	static const struct fake_script guests[] = {{.name = "r/flaky/2", .beats = fail_35},
						    {.beats = pass_fast}};
	json_t *report, *flaky, *steady, *attempts, *second;

	write_fixture("r/flaky", FOUR_S);
	write_fixture("r/steady", FOUR_S);
	fake_backend_play(guests, 2);
	ck_assert_int_eq(run_kiln((const char *const[]){"-j", "1", "--repeat", "2", NULL}),
			 outcome_exit_code(OUTCOME_FAIL));
	ck_assert_int_eq(run_dirs_left(), 0);
	report = latest_report();
	flaky = report_case(report, "r/flaky");
	ck_assert_int_eq(int_of(flaky, "runs"), 2);
	ck_assert_int_eq(int_of(flaky, "passes"), 1);
	ck_assert(json_is_true(json_object_get(flaky, "flaky")));
	ck_assert_str_eq(str_of(flaky, "outcome"), "fail");
	attempts = json_object_get(flaky, "attempts");
	ck_assert_int_eq(json_array_size(attempts), 2);
	ck_assert_str_eq(str_of(json_array_get(attempts, 0), "dir"), "r/flaky/1");
	ck_assert_str_eq(str_of(json_array_get(attempts, 0), "outcome"), "pass");
	second = json_array_get(attempts, 1);
	ck_assert_str_eq(str_of(second, "dir"), "r/flaky/2");
	ck_assert_str_eq(str_of(second, "outcome"), "fail");
	steady = report_case(report, "r/steady");
	ck_assert_int_eq(int_of(steady, "passes"), 2);
	ck_assert(json_is_false(json_object_get(steady, "flaky")));
	assert_file_has("reports/latest/r/flaky/2/case.json", "\"attempt\": 2");
	json_decref(report);
}
END_TEST

START_TEST(each_worker_result_lands_in_report_json_and_the_worst_is_the_exit_code)
{
	static const struct fake_beat panic[] = {
		BEAT_PRINT(10, "PANIC: oops\n"), BEAT_EXIT(20, 35), {0}};
	static const struct fake_script guests[] = {{.name = "o/panics", .beats = panic},
						    {.name = "o/nokernel",
						     .start = VM_START_QEMU_FAILED,
						     .reason = "could not load kernel 'k.mb'"},
						    {.name = "o/silent", .beats = NULL},
						    {.beats = pass_fast}};
	json_t *report, *counts, *c;

	write_fixture("o/passes", FOUR_S);
	write_fixture("o/panics", "\"timeout_s\": 4, \"fail_patterns\": [\"PANIC:\"],");
	write_fixture("o/nokernel", FOUR_S);
	write_fixture("o/silent", "\"timeout_s\": 4, \"silent_timeout_s\": 0.2,");
	fake_backend_play(guests, 4);
	ck_assert_int_eq(run_kiln((const char *const[]){"-j", "2", NULL}),
			 outcome_exit_code(OUTCOME_QEMU_START_FAILED));
	ck_assert_int_eq(run_dirs_left(), 0);
	report = latest_report();
	ck_assert_str_eq(str_of(report_case(report, "o/passes"), "outcome"), "pass");
	c = report_case(report, "o/panics");
	ck_assert_str_eq(str_of(c, "outcome"), "guest_panicked");
	ck_assert_ptr_nonnull(
		strstr(str_of(c, "reason"), "'PANIC: oops' (fail pattern 'PANIC:') at "));
	c = report_case(report, "o/nokernel");
	ck_assert_str_eq(str_of(c, "class"), "qemu_start_failed");
	ck_assert_str_eq(str_of(c, "reason"), "could not load kernel 'k.mb'");
	ck_assert_str_eq(str_of(report_case(report, "o/silent"), "class"), "guest_silent");
	counts = json_object_get(json_object_get(report, "summary"), "outcomes");
	ck_assert_int_eq(int_of(counts, "pass"), 1);
	ck_assert_int_eq(int_of(counts, "guest_panicked"), 1);
	ck_assert_int_eq(int_of(counts, "qemu_start_failed"), 1);
	ck_assert_int_eq(int_of(counts, "guest_silent"), 1);
	ck_assert_int_eq(int_of(report, "exit_code"), outcome_exit_code(OUTCOME_QEMU_START_FAILED));
	json_decref(report);
}
END_TEST

START_TEST(a_worker_that_dies_is_a_harness_error_with_a_case_json)
{
	static const struct fake_script guests[] = {{.name = "d/dies", .die_in_start = true},
						    {.beats = pass_fast}};
	json_t *report, *c;

	write_fixture("d/dies", FOUR_S);
	write_fixture("d/lives", FOUR_S);
	fake_backend_play(guests, 2);
	ck_assert_int_eq(run_kiln((const char *const[]){"-j", "2", NULL}),
			 outcome_exit_code(OUTCOME_HARNESS_ERROR));
	/* Killed in the middle of its case, it could not remove its run directory. */
	ck_assert_int_eq(run_dirs_left(), 1);
	report = latest_report();
	c = report_case(report, "d/dies");
	ck_assert_str_eq(str_of(c, "outcome"), "harness_error");
	ck_assert_str_eq(str_of(c, "reason"), "the worker died (signal 9) without a report");
	ck_assert_str_eq(str_of(report_case(report, "d/lives"), "outcome"), "pass");
	assert_file_has("reports/latest/d/dies/case.json", "\"outcome\": \"harness_error\"");
	json_decref(report);
}
END_TEST

START_TEST(sigterm_stops_the_running_case_and_reports_the_rest_not_run)
{
	/* i/a prints and hangs; SIGTERM comes 300 ms into the run. */
	static const struct fake_beat hang[] = {BEAT_PRINT(10, "ok\n"), {0}};
	static const struct fake_script guest = {.beats = hang};
	struct sigevent sev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGTERM};
	struct itimerspec in_300ms = {{0, 0}, {0, 300 * 1000000}};
	json_t *report, *c;
	timer_t timer;

	write_fixture("i/a", FOUR_S);
	write_fixture("i/b", FOUR_S);
	fake_backend_play(&guest, 1);
	ck_assert_int_eq(timer_create(CLOCK_MONOTONIC, &sev, &timer), 0);
	ck_assert_int_eq(timer_settime(timer, 0, &in_300ms, NULL), 0);
	ck_assert_int_eq(run_kiln((const char *const[]){"-j", "1", NULL}), KILN_EXIT_INTERRUPTED);
	ck_assert_int_eq(run_dirs_left(), 0);
	timer_delete(timer);
	report = latest_report();
	ck_assert(json_is_true(json_object_get(report, "interrupted")));
	ck_assert_int_eq(int_of(json_object_get(report, "summary"), "not_run"), 1);
	c = report_case(report, "i/a");
	ck_assert_str_eq(str_of(c, "outcome"), "harness_error");
	ck_assert_str_eq(str_of(c, "reason"), "interrupted");
	ck_assert_int_eq(json_array_size(json_object_get(report, "cases")), 1);
	json_decref(report);
}
END_TEST

START_TEST(a_given_backend_refuses_backend_and_connect_options)
{
	static const struct fake_script guest = {.beats = pass_fast};
	char *j;

	write_fixture("u/a", FOUR_S);
	fake_backend_play(&guest, 1);
	ck_assert_int_eq(run_kiln((const char *const[]){"--backend", "qemu", NULL}),
			 KILN_EXIT_USAGE);
	ck_assert_int_eq(run_kiln((const char *const[]){"--connect", "qemu:///system", NULL}),
			 KILN_EXIT_USAGE);
	j = tmp_file("journal");
	ck_assert_ptr_null(j); /* nothing started */
}
END_TEST

static Suite *runner_suite(void)
{
	Suite *s = suite_create("runner");
	TCase *tc = tcase_create("scheduling");

	tcase_add_checked_fixture(tc, runner_setup, runner_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, one_job_runs_cases_one_at_a_time_in_order);
	tcase_add_test(tc, two_jobs_run_two_cases_at_once_never_three);
	tcase_add_test(tc, repeat_runs_each_attempt_in_its_own_dir_and_finds_the_flaky);
	tcase_add_test(tc, each_worker_result_lands_in_report_json_and_the_worst_is_the_exit_code);
	tcase_add_test(tc, a_worker_that_dies_is_a_harness_error_with_a_case_json);
	tcase_add_test(tc, sigterm_stops_the_running_case_and_reports_the_rest_not_run);
	tcase_add_test(tc, a_given_backend_refuses_backend_and_connect_options);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_main_run(runner_suite());
}
