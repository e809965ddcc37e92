/* test_base_group.c: base groups (docs/fixtures.md "base") without QEMU.
 *
 * Three layers, each through its real code: the fixture loader (a case
 * takes its base's guest and machine; the errors of a bad base; directory
 * scans skip *.base.json), the case engine (a base saves its state once
 * ready; a case restores it before `cont`; a failed restore and a failed
 * base end the case with the right class), and the runner (a base is booted
 * once, before its cases, at -j 2; a base that never gets ready fails each
 * of its cases with its class and reason, and is booted once). The guest is
 * the fake backend (fake_backend.h), whose `migrate` writes the state file
 * as QEMU's `exec:cat > FILE` would.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fake_backend.h"
#include "kiln/engine/case_run.h"
#include "kiln/fixture/discover.h"
#include "kiln/fixture/fixture.h"
#include "kiln/lib/outcome.h"
#include "kiln/lib/util.h"
#include "kiln/runner/runner.h"

#include "check_main.h"

static char tmp_root[PATH_MAX];
static char journal[PATH_MAX + 16];

/* A base that is ready once the guest has printed "ready". */
#define BASE_READY                                                                     \
	"{'guest': {'kernel': 'k.mb'}, 'machine': {'memory_mb': 77}, 'timeout_s': 4, " \
	"'steps': [{'expect': 'ready'}], 'exit': {'running': true}}"
/* A case of that base: it must see "ok" after the restore. */
#define CASE_OK                                                                 \
	"{'base': 'b.base.json', 'timeout_s': 4, 'steps': [{'expect': 'ok'}], " \
	"'exit': {'running': true}}"

static void group_setup(void)
{
	static char *tmp;
	const char *env = getenv("TMPDIR");

	if (!tmp)
		tmp = util_strdup(env && *env ? env : "/tmp");
	snprintf(tmp_root, sizeof(tmp_root), "%s/kiln-test-base-XXXXXX", tmp);
	ck_assert_ptr_nonnull(mkdtemp(tmp_root));
	snprintf(journal, sizeof(journal), "%s/journal", tmp_root);
	fake_backend_journal(journal);
	ck_assert_int_eq(setenv("TMPDIR", tmp_root, 1), 0);
}

static void group_teardown(void)
{
	fake_backend_journal(NULL);
	util_rm_rf(tmp_root);
}

/* Write text (with ' for ") to <tmp>/area/rel; returns the path (new). */
static char *write_json(const char *rel, const char *text)
{
	char *path = util_strdup_printf("%s/area/%s", tmp_root, rel);
	char *t = util_strdup(text), *dir = util_dirname(path);

	for (char *p = t; *p; p++)
		*p = *p == '\'' ? '"' : *p;
	ck_assert_int_eq(util_mkdir_p(dir, 0755), 0);
	ck_assert_int_eq(util_write_file_atomic(path, t, strlen(t)), 0);
	free(t);
	free(dir);
	return path;
}

/* fixture_load() of text that must fail; its message must hold part. */
static void assert_load_fails(const char *text, const char *part)
{
	char err[1024], *path = write_json("case.json", text);
	struct fixture *f = fixture_load(path, err, sizeof(err));

	ck_assert_ptr_null(f);
	ck_assert_msg(strstr(err, part) != NULL, "'%s' does not contain '%s'", err, part);
	free(path);
}

static bool has(const char *s, const char *part)
{
	return s && strstr(s, part) != NULL;
}

START_TEST(case_takes_the_guest_and_machine_of_its_base)
{
	char err[1024], *path;
	struct fixture *f;

	free(write_json("b.base.json", BASE_READY));
	path = write_json("case.json", CASE_OK);
	f = fixture_load(path, err, sizeof(err));
	ck_assert_msg(f != NULL, "%s", err);
	ck_assert_ptr_nonnull(f->base);
	ck_assert(has(f->base_path, "/area/b.base.json"));
	ck_assert(has(f->guest.kernel, "/area/k.mb"));
	ck_assert_int_eq(f->machine.memory_mb, 77);
	ck_assert_str_eq(f->base->name, "area/b.base");
	ck_assert_str_eq(f->name, "area/case");
	fixture_free(f);
	/* A read-only disk is the base's and every case's alike. */
	free(write_json("ro.base.json",
			"{'guest': {'kernel': 'k', 'disks': [{'file': 'd.img', "
			"'readonly': true}]}, 'steps': [], 'exit': {'running': true}}"));
	free(write_json("ro.json",
			"{'base': 'ro.base.json', 'steps': [], 'exit': {'running': true}}"));
	free(path);
	path = util_strdup_printf("%s/area/ro.json", tmp_root);
	f = fixture_load(path, err, sizeof(err));
	ck_assert_msg(f != NULL, "%s", err);
	ck_assert_int_eq(f->guest.n_disks, 1);
	fixture_free(f);
	free(path);
	/* So is a writable one: the engine gives the base and each case an
	 * overlay of their own (disk_overlay.c). */
	free(write_json("rw.base.json", "{'guest': {'kernel': 'k', 'disks': [{'file': 'd.img'}]}, "
					"'steps': [], 'exit': {'running': true}}"));
	path = write_json("rw.json",
			  "{'base': 'rw.base.json', 'steps': [], 'exit': {'running': true}}");
	f = fixture_load(path, err, sizeof(err));
	ck_assert_msg(f != NULL, "%s", err);
	ck_assert_int_eq(f->guest.n_disks, 1);
	ck_assert(!f->guest.disks[0].readonly);
	fixture_free(f);
	free(path);
}
END_TEST

START_TEST(bad_bases_are_load_errors)
{
	free(write_json("b.base.json", BASE_READY));
	assert_load_fails("{'base': 'b.base.json', 'guest': {'kernel': 'k'}, 'steps': [], "
			  "'exit': {'running': true}}",
			  "case.json:1:25: a case with a base takes its guest and machine");
	assert_load_fails("{'base': 'nowhere.base.json', 'steps': [], 'exit': {'running': true}}",
			  "nowhere.base.json:0:0: cannot read");
	free(write_json("halts.base.json", "{'guest': {'kernel': 'k'}, 'steps': [], "
					   "'exit': {'debug_exit': 1}}"));
	assert_load_fails("{'base': 'halts.base.json', 'steps': [], 'exit': {'running': true}}",
			  "a base must end with \"exit\": {\"running\": true}");
	free(write_json("self.base.json", "{'base': 'self.base.json', 'steps': [], "
					  "'exit': {'running': true}}"));
	assert_load_fails("{'base': 'self.base.json', 'steps': [], 'exit': {'running': true}}",
			  "a base cannot have a base of its own");
	assert_load_fails("{'steps': [], 'exit': {'running': true}}",
			  "a fixture needs the key 'guest'");
}
END_TEST

START_TEST(directory_scans_skip_bases)
{
	char *dir = util_strdup_printf("%s/area", tmp_root);
	struct fixture_list l = {0};

	free(write_json("b.base.json", BASE_READY));
	free(write_json("case.json", CASE_OK));
	ck_assert_int_eq(discover_fixtures(&dir, 1, NULL, &l), 0);
	ck_assert_int_eq(l.n, 1);
	ck_assert_str_eq(l.items[0]->name, "area/case");
	discover_free(&l);
	free(dir);
}
END_TEST

/* case_run() of the fixture at <tmp>/area/rel through script, with base
 * or save_state; returns case.json (new), whose outcome must be want. */
static json_t *run_one(const char *rel, const struct fake_script *script,
		       const struct case_base *base, const char *save_state, enum outcome want)
{
	char err[1024], *path = util_strdup_printf("%s/area/%s", tmp_root, rel);
	char *dir = util_strdup_printf("%s/case", tmp_root), *rec_path;
	struct fixture *f = fixture_load(path, err, sizeof(err));
	int quiet[2];

	ck_assert_msg(f != NULL, "%s", err);
	ck_assert_int_eq(util_mkdir_p(dir, 0755), 0);
	ck_assert_int_eq(pipe(quiet), 0);
	fake_backend_play(script, 1);
	struct case_opts opts = {.ops = &fake_backend_ops,
				 .accel = "tcg",
				 .stop_fd = quiet[0],
				 .run_root = tmp_root,
				 .attempt = 1,
				 .base = base,
				 .save_state = save_state};
	enum outcome o = case_run(f, dir, &opts, NULL);
	rec_path = util_strdup_printf("%s/case.json", dir);
	json_t *rec = json_load_file(rec_path, 0, NULL);
	ck_assert_ptr_nonnull(rec);
	ck_assert_msg(o == want, "outcome %s, want %s: %s", outcome_name(o), outcome_name(want),
		      json_string_value(json_object_get(rec, "reason")));
	close(quiet[0]);
	close(quiet[1]);
	fixture_free(f);
	free(rec_path);
	free(dir);
	free(path);
	return rec;
}

static const char *jstr(const json_t *rec, const char *key, const char *sub)
{
	const json_t *v = json_object_get(rec, key);

	if (sub)
		v = json_object_get(v, sub);
	return json_string_value(v) ?: "(none)";
}

START_TEST(base_saves_its_state_once_ready)
{
	static const struct fake_beat beats[] = {BEAT_PRINT(10, "booting\nready\n"), {0}};
	const struct fake_script guest = {.beats = beats};
	char *state = util_strdup_printf("%s/saved.state", tmp_root);
	struct stat st;

	free(write_json("b.base.json", BASE_READY));
	json_t *rec = run_one("b.base.json", &guest, NULL, state, OUTCOME_PASS);
	ck_assert_msg(strncmp(jstr(rec, "reason", NULL), "ready after ", 12) == 0, "%s",
		      jstr(rec, "reason", NULL));
	ck_assert(has(jstr(rec, "reason", NULL), "state saved"));
	ck_assert_str_eq(jstr(rec, "base", "role"), "base");
	ck_assert_int_eq(
		json_integer_value(json_object_get(json_object_get(rec, "base"), "state_bytes")),
		11);
	/* Paused first, then saved; never ended by its own exit. */
	ck_assert(has(fake_backend_trace(), "cont stop migrate query-migrate "));
	ck_assert_int_eq(stat(state, &st), 0);
	json_decref(rec);
	free(state);
}
END_TEST

START_TEST(base_whose_save_fails_is_a_harness_error)
{
	static const struct fake_beat beats[] = {BEAT_PRINT(10, "ready\n"), {0}};
	static const struct fake_reply replies[] = {
		{.command = "query-migrate",
		 .ret = "{\"status\": \"failed\", \"error-desc\": \"disk full\"}"},
		{0}};
	const struct fake_script guest = {.beats = beats, .replies = replies};
	char *state = util_strdup_printf("%s/saved.state", tmp_root);

	free(write_json("b.base.json", BASE_READY));
	json_t *rec = run_one("b.base.json", &guest, NULL, state, OUTCOME_HARNESS_ERROR);
	ck_assert_str_eq(jstr(rec, "reason", NULL),
			 "ready, but saving its state failed: migration failed: disk full");
	ck_assert_int_eq(access(state, F_OK), -1);
	json_decref(rec);
	free(state);
}
END_TEST

/* The case text (a case of b.base.json, whose base was saved to
 * <tmp>/saved.state), run through a guest that plays beats and answers
 * replies; case.json (new). */
static json_t *run_restored_case(const char *text, const struct fake_beat *beats,
				 const struct fake_reply *replies, enum outcome want)
{
	const struct fake_script guest = {.beats = beats, .replies = replies};
	char *state = util_strdup_printf("%s/saved.state", tmp_root);
	struct case_base base = {.name = "area/b.base",
				 .dir = "area/b.base",
				 .state = state,
				 .outcome = OUTCOME_PASS};

	ck_assert_int_eq(util_write_file_atomic(state, "x", 1), 0);
	free(write_json("b.base.json", BASE_READY));
	free(write_json("case.json", text));
	json_t *rec = run_one("case.json", &guest, &base, NULL, want);
	free(state);
	return rec;
}

/* CASE_OK through a guest that prints "ok" at once. */
static json_t *run_restored(const struct fake_reply *replies, enum outcome want)
{
	static const struct fake_beat beats[] = {BEAT_PRINT(10, "ok\n"), {0}};

	return run_restored_case(CASE_OK, beats, replies, want);
}

/* A case that must say something within 0.3 s; its restore takes 0.25 s. */
#define CASE_QUICK                                                                     \
	"{'base': 'b.base.json', 'timeout_s': 4, 'silent_timeout_s': 0.3, 'steps': [{" \
	"'expect': 'ok'}], 'exit': {'running': true}}"
static const struct fake_reply slow_restore[] = {
	{.command = "query-migrate", .ret = "{\"status\": \"completed\"}", .delay_ms = 250},
	{0}};

START_TEST(silence_deadline_counts_from_the_end_of_the_restore)
{
	/* 0.25 s of restore and 0.15 s to the first byte: 0.4 s from QEMU's
	 * start, but 0.15 s of silence from the restored guest. */
	static const struct fake_beat beats[] = {BEAT_PRINT(150, "ok\n"), {0}};
	json_t *rec = run_restored_case(CASE_QUICK, beats, slow_restore, OUTCOME_PASS);

	ck_assert_int_ge(
		json_integer_value(json_object_get(json_object_get(rec, "base"), "restore_ms")),
		250);
	json_decref(rec);
}
END_TEST

START_TEST(restored_guest_that_says_nothing_is_silent)
{
	static const struct fake_beat beats[] = {{0}};
	json_t *rec = run_restored_case(CASE_QUICK, beats, slow_restore, OUTCOME_GUEST_SILENT);

	ck_assert_str_eq(jstr(rec, "reason", NULL), "no console output in 0.3 s");
	json_decref(rec);
}
END_TEST

START_TEST(case_restores_the_state_before_it_resumes)
{
	json_t *rec = run_restored(NULL, OUTCOME_PASS);
	ck_assert_msg(strncmp(fake_backend_trace(),
			      "start query-kvm migrate-incoming "
			      "query-migrate cont ",
			      strlen("start query-kvm migrate-incoming query-migrate cont ")) == 0,
		      "%s", fake_backend_trace());
	ck_assert_str_eq(jstr(rec, "base", "role"), "restored");
	ck_assert_str_eq(jstr(rec, "base", "name"), "area/b.base");
	ck_assert(json_is_integer(json_object_get(json_object_get(rec, "base"), "restore_ms")));
	json_decref(rec);
}
END_TEST

START_TEST(failed_restore_is_a_harness_error_before_cont)
{
	static const struct fake_reply replies[] = {
		{.command = "migrate-incoming", .error_class = "GenericError"}, {0}};
	json_t *rec = run_restored(replies, OUTCOME_HARNESS_ERROR);
	ck_assert_str_eq(jstr(rec, "reason", NULL),
			 "restoring base area/b.base: migrate-incoming: GenericError: fake: "
			 "scripted error");
	ck_assert(!has(fake_backend_trace(), "cont"));
	json_decref(rec);
}
END_TEST

START_TEST(case_of_a_failed_base_ends_at_once_with_its_class)
{
	const struct fake_script guest = {.beats = NULL};
	struct case_base base = {.name = "area/b.base",
				 .dir = "area/b.base",
				 .state = NULL,
				 .outcome = OUTCOME_TIMEOUT,
				 .reason = "waited 4.0 s for step 2: expect 'ready'",
				 .last_marker = "booting"};

	free(write_json("b.base.json", BASE_READY));
	free(write_json("case.json", CASE_OK));
	json_t *rec = run_one("case.json", &guest, &base, NULL, OUTCOME_TIMEOUT);
	ck_assert_str_eq(jstr(rec, "reason", NULL),
			 "base area/b.base never got ready (area/b.base): waited 4.0 s for step "
			 "2: expect 'ready'");
	ck_assert_str_eq(jstr(rec, "last_marker", NULL), "booting");
	ck_assert_str_eq(jstr(rec, "base", "role"), "not_restored");
	ck_assert_str_eq(fake_backend_trace(), ""); /* nothing booted */
	json_decref(rec);
}
END_TEST

/* `kiln run -j 2 --reports <tmp>/reports <tmp>/area` through the fake,
 * stdout to <tmp>/stdout. Returns the exit code. */
static int run_kiln_area(void)
{
	char *reports = util_strdup_printf("%s/reports", tmp_root);
	char *area = util_strdup_printf("%s/area", tmp_root);
	char *out = util_strdup_printf("%s/stdout", tmp_root);
	char *argv[] = {"run", "-j", "2", "--reports", reports, area, NULL};
	int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644), saved, code;

	ck_assert_int_ge(fd, 0);
	saved = dup(STDOUT_FILENO);
	dup2(fd, STDOUT_FILENO);
	code = runner_main_with_ops(6, argv, &fake_backend_ops);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	close(fd);
	ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1);
	free(reports);
	free(area);
	free(out);
	return code;
}

/* The journal's "start" lines: how many, and whether the first is the
 * base's (its case directory ends in the base's name). */
static int journal_starts(bool *base_first)
{
	char *text = util_read_file(journal, NULL), *save = NULL;
	int n = 0;

	*base_first = false;
	for (char *l = text ? strtok_r(text, "\n", &save) : NULL; l;
	     l = strtok_r(NULL, "\n", &save)) {
		if (strncmp(l, "start ", 6) != 0)
			continue;
		if (n++ == 0)
			*base_first = has(l, "/area/b.base");
	}
	free(text);
	return n;
}

static json_t *latest_report(void)
{
	char *path = util_strdup_printf("%s/reports/latest/report.json", tmp_root);
	json_t *r = json_load_file(path, 0, NULL);

	ck_assert_ptr_nonnull(r);
	free(path);
	return r;
}

START_TEST(runner_boots_the_base_once_before_its_cases)
{
	static const struct fake_beat beats[] = {BEAT_PRINT(10, "ready\nok\n"), {0}};
	const struct fake_script guest = {.beats = beats};
	bool base_first;
	size_t i;
	json_t *c;

	free(write_json("b.base.json", BASE_READY));
	free(write_json("one.json", CASE_OK));
	free(write_json("two.json", CASE_OK));
	free(write_json("three.json", CASE_OK));
	fake_backend_play(&guest, 1);
	ck_assert_int_eq(run_kiln_area(), 0);
	ck_assert_int_eq(journal_starts(&base_first), 4);
	ck_assert(base_first);
	json_t *report = latest_report();
	json_t *cases = json_object_get(report, "cases");
	ck_assert_int_eq(json_array_size(cases), 3); /* the base is not a case */
	json_array_foreach (cases, i, c)
		ck_assert_str_eq(json_string_value(json_object_get(c, "outcome")), "pass");
	json_decref(report);
	char *out = util_strdup_printf("%s/stdout", tmp_root);
	char *text = util_read_file(out, NULL);
	ck_assert(has(text, "PASS area/b.base ("));
	ck_assert(has(text, "[base, booted once for its cases]"));
	free(text);
	free(out);
	/* The saved state lived in a private directory, gone after the run. */
	DIR *d = opendir(tmp_root);
	struct dirent *e;
	while ((e = readdir(d)))
		ck_assert_msg(strncmp(e->d_name, "kiln-base-", 10) != 0, "%s left", e->d_name);
	closedir(d);
}
END_TEST

START_TEST(base_that_never_gets_ready_fails_each_case_once)
{
	static const struct fake_beat beats[] = {BEAT_PRINT(10, "booting\n"), {0}};
	const struct fake_script guest = {.beats = beats};
	bool base_first;
	size_t i;
	json_t *c;

	free(write_json("b.base.json", "{'guest': {'kernel': 'k.mb'}, 'timeout_s': 0.3, "
				       "'steps': [{'expect': 'booting'}, {'expect': 'ready'}], "
				       "'exit': {'running': true}}"));
	free(write_json("one.json", CASE_OK));
	free(write_json("two.json", CASE_OK));
	fake_backend_play(&guest, 1);
	ck_assert_int_eq(run_kiln_area(), outcome_exit_code(OUTCOME_TIMEOUT));
	ck_assert_int_eq(journal_starts(&base_first), 1); /* the base, once */
	ck_assert(base_first);
	json_t *report = latest_report();
	json_t *cases = json_object_get(report, "cases");
	ck_assert_int_eq(json_array_size(cases), 2);
	json_array_foreach (cases, i, c) {
		ck_assert_str_eq(json_string_value(json_object_get(c, "outcome")),
				 outcome_name(OUTCOME_TIMEOUT));
		ck_assert_msg(has(json_string_value(json_object_get(c, "reason")),
				  "base area/b.base never got ready (area/b.base): waited 0."),
			      "%s", json_string_value(json_object_get(c, "reason")));
	}
	json_decref(report);
}
END_TEST

static Suite *group_suite(void)
{
	Suite *s = suite_create("base_group");
	TCase *load = tcase_create("fixture");
	TCase *engine = tcase_create("engine");
	TCase *runner = tcase_create("runner");

	tcase_add_checked_fixture(load, group_setup, group_teardown);
	tcase_add_checked_fixture(engine, group_setup, group_teardown);
	tcase_add_checked_fixture(runner, group_setup, group_teardown);
	tcase_set_timeout(runner, 30);
	suite_add_tcase(s, load);
	suite_add_tcase(s, engine);
	suite_add_tcase(s, runner);
	tcase_add_test(load, case_takes_the_guest_and_machine_of_its_base);
	tcase_add_test(load, bad_bases_are_load_errors);
	tcase_add_test(load, directory_scans_skip_bases);
	tcase_add_test(engine, base_saves_its_state_once_ready);
	tcase_add_test(engine, base_whose_save_fails_is_a_harness_error);
	tcase_add_test(engine, case_restores_the_state_before_it_resumes);
	tcase_add_test(engine, failed_restore_is_a_harness_error_before_cont);
	tcase_add_test(engine, case_of_a_failed_base_ends_at_once_with_its_class);
	tcase_add_test(engine, silence_deadline_counts_from_the_end_of_the_restore);
	tcase_add_test(engine, restored_guest_that_says_nothing_is_silent);
	tcase_add_test(runner, runner_boots_the_base_once_before_its_cases);
	tcase_add_test(runner, base_that_never_gets_ready_fails_each_case_once);
	return s;
}

int main(void)
{
	return check_main_run(group_suite());
}
