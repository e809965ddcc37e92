/* test_engine.c: the case engine (kiln/engine/case_run.h) against a scripted
 * guest, the fake backend (fake_backend.h), with no QEMU.
 *
 * Each test writes a fixture into a fresh temporary directory, plays a
 * script through case_run() and checks the verdict it returns and the
 * case.json it wrote: the class, the reason, the steps and markers, the exit
 * and the capsule, and what the engine asked of the guest (the fake's
 * trace). Every run also checks that case_run() left no fd open and no run
 * directory behind. Times in the scripts are small (tens of milliseconds)
 * and every deadline a test relies on has a margin of 150 ms or more, so a
 * loaded machine slows the tests down without changing their verdicts.
 */
#include <check.h>
#include <dirent.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "engine/case_ctx.h"
#include "fake_backend.h"
#include "kiln/engine/case_run.h"
#include "kiln/fixture/fixture.h"
#include "kiln/lib/outcome.h"
#include "kiln/lib/util.h"

#include "check_main.h"

/* A fixture in JSON with ' for ", so that the texts below stay readable:
 * top-level keys (each with its comma), the steps, the exit. */
#define FIXTURE(top, steps, exit) \
	"{'guest': {'kernel': 'k.mb'}, " top " 'steps': [" steps "], 'exit': " exit "}"
#define BOOT_HALT "{'expect': 'RUGO: boot ok'}, {'expect': 'RUGO: halt ok'}"
#define DEBUG_EXIT_16 "{'debug_exit': 16}"
#define WAITING_FOR_HALT "while waiting for step 2: expect 'RUGO: halt ok'"

static char tmp_root[PATH_MAX];
static char case_dir[PATH_MAX + 16];

static void engine_setup(void)
{
	const char *tmp = getenv("TMPDIR");
	char area[PATH_MAX + 16];

	snprintf(tmp_root, sizeof(tmp_root), "%s/kiln-test-engine-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tmp_root));
	snprintf(case_dir, sizeof(case_dir), "%s/case", tmp_root);
	snprintf(area, sizeof(area), "%s/area", tmp_root);
	ck_assert_int_eq(mkdir(case_dir, 0755), 0);
	ck_assert_int_eq(mkdir(area, 0755), 0);
}

static void engine_teardown(void)
{
	util_rm_rf(tmp_root);
}

static int open_fd_count(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* Entries of tmp_root other than the test's own: case_run()'s private run
 * directory must be gone. */
static int stray_entries(void)
{
	DIR *d = opendir(tmp_root);
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.' && strcmp(e->d_name, "area") && strcmp(e->d_name, "case");
	closedir(d);
	return n;
}

/* Play the fixture text (FIXTURE(...)) against script through case_run(),
 * with stop_fd as its stop fd (0: a pipe nobody writes to) and run_root as
 * the parent of its run directory (NULL: the test's directory). Its verdict
 * must be want, and case.json must say so and be the record case_run() gave
 * back. Returns case.json as read from the disk (new reference). */
static json_t *run_case_with(const char *fixture, const struct fake_script *script, int stop_fd,
			     const char *run_root, enum outcome want)
{
	char path[PATH_MAX + 32], err[1024];
	char *text = util_strdup(fixture);
	int quiet[2], fds_before;
	json_t *given = NULL, *rec;
	struct fixture *f;
	FILE *out;

	for (char *p = text; *p; p++)
		*p = *p == '\'' ? '"' : *p;
	snprintf(path, sizeof(path), "%s/area/case.json", tmp_root);
	out = fopen(path, "w");
	ck_assert_ptr_nonnull(out);
	fputs(text, out);
	ck_assert_int_eq(fclose(out), 0);
	free(text);
	f = fixture_load(path, err, sizeof(err));
	ck_assert_msg(f != NULL, "fixture: %s", err);
	ck_assert_int_eq(pipe(quiet), 0);
	fake_backend_play(script, 1);
	fds_before = open_fd_count();
	struct case_opts opts = {.ops = &fake_backend_ops,
				 .accel = "tcg",
				 .stop_fd = stop_fd ? stop_fd : quiet[0],
				 .run_root = run_root ? run_root : tmp_root,
				 .attempt = 1};
	enum outcome o = case_run(f, case_dir, &opts, &given);
	ck_assert_int_eq(open_fd_count(), fds_before);
	ck_assert_int_eq(stray_entries(), 0);
	snprintf(path, sizeof(path), "%s/case.json", case_dir);
	rec = json_load_file(path, 0, NULL);
	ck_assert_ptr_nonnull(rec);
	ck_assert_msg(o == want, "outcome %s, want %s; reason: %s", outcome_name(o),
		      outcome_name(want), json_string_value(json_object_get(rec, "reason")));
	ck_assert_str_eq(json_string_value(json_object_get(rec, "outcome")), outcome_name(want));
	ck_assert_msg(json_equal(rec, given), "case.json is not the record case_run() gave");
	json_decref(given);
	close(quiet[0]);
	close(quiet[1]);
	fixture_free(f);
	return rec;
}

static json_t *run_case(const char *fixture, const struct fake_script *script, enum outcome want)
{
	return run_case_with(fixture, script, 0, NULL, want);
}

/* The value at a dotted path ("capsule.status.status", "markers.1.text"). */
static const json_t *jget(const json_t *v, const char *path)
{
	char key[64];

	while (v && *path) {
		size_t n = strcspn(path, ".");
		snprintf(key, sizeof(key), "%.*s", (int)n, path);
		v = json_is_array(v) ? json_array_get(v, strtoul(key, NULL, 10))
				     : json_object_get(v, key);
		path += n + (path[n] == '.');
	}
	return v;
}

static const char *jstr(const json_t *v, const char *path)
{
	const char *s = json_string_value(jget(v, path));

	return s ? s : "(no such string)";
}

static long long jint(const json_t *v, const char *path)
{
	const json_t *n = jget(v, path);

	ck_assert_msg(json_is_integer(n), "%s is not an integer", path);
	return json_integer_value(n);
}

static void assert_prefix(const char *s, const char *prefix)
{
	ck_assert_msg(strncmp(s, prefix, strlen(prefix)) == 0, "'%s' does not start with '%s'", s,
		      prefix);
}

static void assert_has(const char *s, const char *part)
{
	ck_assert_msg(strstr(s, part) != NULL, "'%s' does not contain '%s'", s, part);
}

static char *case_file(const char *name)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", case_dir, name);
	return util_read_file(path, NULL);
}

/* run_case() of a guest that only plays beats. */
static json_t *play(const char *fixture, const struct fake_beat *beats, enum outcome want)
{
	const struct fake_script guest = {.beats = beats};

	return run_case(fixture, &guest, want);
}

/* play(), whose verdict must give exactly reason. */
static void assert_verdict(const char *fixture, const struct fake_beat *beats, enum outcome want,
			   const char *reason)
{
	json_t *rec = play(fixture, beats, want);

	ck_assert_str_eq(jstr(rec, "reason"), reason);
	json_decref(rec);
}

/* Rugo's good run: both markers, then isa-debug-exit 16 (status 33). */
static const struct fake_beat rugo_good[] = {BEAT_PRINT(10, "RUGO: boot ok\n"),
					     BEAT_PRINT(30, "RUGO: halt ok\n"),
					     BEAT_EXIT(50, 33),
					     {0}};

/* ---- pass and fail ---------------------------------------------------- */

START_TEST(pass_records_markers_steps_and_exit)
{
	json_t *rec =
		play(FIXTURE("'timeout_s': 4,", BOOT_HALT, DEBUG_EXIT_16), rugo_good, OUTCOME_PASS);
	char *log = case_file("console.log");

	ck_assert_str_eq(jstr(rec, "class"), "pass");
	ck_assert_str_eq(jstr(rec, "reason"), "QEMU exited with status 33 (debug_exit 16)");
	ck_assert_int_eq(jint(rec, "exit.status"), 33);
	ck_assert_int_eq(jint(rec, "exit.debug_exit"), 16);
	ck_assert_int_eq(json_array_size(jget(rec, "markers")), 2);
	ck_assert_int_eq(jint(rec, "markers.0.step"), 0);
	ck_assert_str_eq(jstr(rec, "markers.0.text"), "RUGO: boot ok");
	ck_assert_int_eq(jint(rec, "markers.1.step"), 1);
	ck_assert_str_eq(jstr(rec, "markers.1.pattern"), "RUGO: halt ok");
	ck_assert_int_ge(jint(rec, "markers.1.t_ms"), jint(rec, "markers.0.t_ms"));
	ck_assert_str_eq(jstr(rec, "steps.0.status"), "pass");
	ck_assert_str_eq(jstr(rec, "steps.1.status"), "pass");
	ck_assert_str_eq(jstr(rec, "last_marker"), "RUGO: halt ok");
	ck_assert_int_eq(jint(rec, "console_bytes"), 28);
	ck_assert_str_eq(log, "RUGO: boot ok\nRUGO: halt ok\n");
	ck_assert_str_eq(jstr(rec, "backend"), "fake");
	ck_assert_str_eq(jstr(rec, "accel"), "tcg");
	ck_assert_ptr_null(jget(rec, "capsule"));
	/* accel asked before the guest runs; no capsule for a pass. */
	ck_assert_str_eq(fake_backend_trace(), "start query-kvm cont free ");
	free(log);
	json_decref(rec);
}
END_TEST

START_TEST(wrong_exit_status_fails_after_all_markers)
{
	/* Rugo's panic exit: isa-debug-exit 17, status 35. */
	static const struct fake_beat beats[] = {
		BEAT_PRINT(10, "RUGO: boot ok\nRUGO: halt ok\n"), BEAT_EXIT(30, 35), {0}};
	json_t *rec =
		play(FIXTURE("'timeout_s': 4,", BOOT_HALT, DEBUG_EXIT_16), beats, OUTCOME_FAIL);

	ck_assert_str_eq(jstr(rec, "reason"), "expected debug_exit 16 (status 33), but QEMU exited "
					      "with status 35 (debug_exit 17)");
	ck_assert_int_eq(jint(rec, "exit.debug_exit"), 17);
	ck_assert_str_eq(jstr(rec, "capsule.status.status"), "exited");
	ck_assert_str_eq(jstr(rec, "capsule.console_tail"), "RUGO: boot ok\nRUGO: halt ok\n");
	json_decref(rec);
}
END_TEST

START_TEST(early_exit_before_all_markers_fails_at_once)
{
	static const struct fake_beat beats[] = {
		BEAT_PRINT(10, "RUGO: boot ok\n"), BEAT_EXIT(20, 33), {0}};
	json_t *rec =
		play(FIXTURE("'timeout_s': 4,", BOOT_HALT, DEBUG_EXIT_16), beats, OUTCOME_FAIL);

	ck_assert_str_eq(jstr(rec, "reason"),
			 "QEMU exited with status 33 (debug_exit 16) " WAITING_FOR_HALT);
	ck_assert_str_eq(jstr(rec, "steps.0.status"), "pass");
	ck_assert_str_eq(jstr(rec, "steps.1.status"), "pending");
	ck_assert_int_lt(jint(rec, "duration_ms"), 4000); /* not the case timeout */
	json_decref(rec);
}
END_TEST

START_TEST(crash_by_signal_fails_with_the_signal)
{
	static const struct fake_beat beats[] = {
		BEAT_PRINT(10, "RUGO: boot ok\n"), BEAT_CRASH(20, SIGSEGV), {0}};
	json_t *rec =
		play(FIXTURE("'timeout_s': 4,", BOOT_HALT, DEBUG_EXIT_16), beats, OUTCOME_FAIL);
	char want[128];

	snprintf(want, sizeof(want), "QEMU was killed by signal %d " WAITING_FOR_HALT, SIGSEGV);
	ck_assert_str_eq(jstr(rec, "reason"), want);
	ck_assert_int_eq(jint(rec, "exit.signal"), SIGSEGV);
	ck_assert_ptr_null(jget(rec, "exit.status"));
	json_decref(rec);
}
END_TEST

/* ---- deadlines -------------------------------------------------------- */

START_TEST(silent_guest_ends_at_the_silence_deadline_with_a_capsule)
{
	json_t *rec =
		play(FIXTURE("'timeout_s': 4, 'silent_timeout_s': 0.2,", BOOT_HALT, DEBUG_EXIT_16),
		     NULL, OUTCOME_GUEST_SILENT);
	char *regs = case_file("registers.txt");

	ck_assert_str_eq(jstr(rec, "class"), "guest_silent");
	ck_assert_str_eq(jstr(rec, "reason"), "no console output in 0.2 s");
	ck_assert_int_eq(jint(rec, "console_bytes"), 0);
	ck_assert_int_lt(jint(rec, "duration_ms"), 4000);
	/* The capsule is taken from the live guest, before it is killed. */
	ck_assert_str_eq(jstr(rec, "capsule.status.status"), "paused");
	ck_assert_str_eq(jstr(rec, "capsule.registers"), "registers.txt");
	ck_assert_ptr_nonnull(regs);
	assert_has(regs, "RAX=");
	assert_has(fake_backend_trace(), "cont stop query-status human-monitor-command kill free");
	free(regs);
	json_decref(rec);
}
END_TEST

START_TEST(silence_deadline_ends_with_the_first_byte)
{
	/* One byte early, the marker after the silence deadline. */
	static const struct fake_beat beats[] = {
		BEAT_PRINT(10, "."), BEAT_PRINT(350, "RUGO: boot ok\n"), BEAT_EXIT(360, 33), {0}};
	json_t *rec = play(FIXTURE("'timeout_s': 4, 'silent_timeout_s': 0.2,",
				   "{'expect': 'RUGO: boot ok'}", DEBUG_EXIT_16),
			   beats, OUTCOME_PASS);

	ck_assert_int_ge(jint(rec, "markers.0.t_ms"), 350);
	json_decref(rec);
}
END_TEST

START_TEST(step_deadline_gives_timeout_after_the_last_marker)
{
	static const struct fake_beat beats[] = {BEAT_PRINT(10, "RUGO: boot ok\n"), {0}};
	json_t *rec = play(FIXTURE("'timeout_s': 4,",
				   "{'expect': 'RUGO: boot ok'}, "
				   "{'expect': 'RUGO: halt ok', 'timeout_s': 0.2}",
				   DEBUG_EXIT_16),
			   beats, OUTCOME_TIMEOUT);

	ck_assert_str_eq(jstr(rec, "class"), "timeout_after:RUGO: boot ok");
	assert_prefix(jstr(rec, "reason"), "waited 0.");
	assert_has(jstr(rec, "reason"), " s for step 2: expect 'RUGO: halt ok'");
	ck_assert_int_lt(jint(rec, "duration_ms"), 4000); /* the step's, not the case's */
	ck_assert_str_eq(jstr(rec, "capsule.last_marker"), "RUGO: boot ok");
	ck_assert_str_eq(jstr(rec, "capsule.status.status"), "paused");
	json_decref(rec);
}
END_TEST

START_TEST(timeout_class_escapes_a_marker_with_newlines)
{
	static const struct fake_beat beats[] = {BEAT_PRINT(10, "wc says\r\n0\r\n"), {0}};
	json_t *rec = play(FIXTURE("'timeout_s': 4,",
				   "{'expect': '\\r\\n0\\r\\n'}, "
				   "{'expect': 'never', 'timeout_s': 0.2}",
				   DEBUG_EXIT_16),
			   beats, OUTCOME_TIMEOUT);

	/* One line: the pattern's CR and LF written as escapes. */
	ck_assert_str_eq(jstr(rec, "class"), "timeout_after:\\r\\n0\\r\\n");
	json_decref(rec);
}
END_TEST

START_TEST(case_deadline_cuts_a_longer_step_deadline)
{
	static const struct fake_beat beats[] = {BEAT_PRINT(10, "booting\n"), {0}};
	json_t *rec = play(FIXTURE("'timeout_s': 0.25,",
				   "{'expect': 'RUGO: boot ok', 'timeout_s': 3}", DEBUG_EXIT_16),
			   beats, OUTCOME_TIMEOUT);

	ck_assert_str_eq(jstr(rec, "class"), "timeout_after:none");
	assert_has(jstr(rec, "reason"), " s for step 1: expect 'RUGO: boot ok'");
	ck_assert_int_lt(jint(rec, "duration_ms"), 2500); /* the case's, not the step's */
	ck_assert(json_is_null(jget(rec, "capsule.last_marker_ms")));
	json_decref(rec);
}
END_TEST

START_TEST(step_deadline_counts_from_the_start_of_its_step)
{
	/* Step 2 has 0.2 s from boot ok (300 ms); halt ok comes 50 ms after
	 * boot ok, but 350 ms after the start: 150 ms of margin either way. */
	static const struct fake_beat beats[] = {BEAT_PRINT(300, "RUGO: boot ok\n"),
						 BEAT_PRINT(350, "RUGO: halt ok\n"),
						 BEAT_EXIT(360, 33),
						 {0}};
	json_t *rec = play(FIXTURE("'timeout_s': 4,",
				   "{'expect': 'RUGO: boot ok'}, "
				   "{'expect': 'RUGO: halt ok', 'timeout_s': 0.2}",
				   DEBUG_EXIT_16),
			   beats, OUTCOME_PASS);

	json_decref(rec);
}
END_TEST

/* ---- fail patterns ---------------------------------------------------- */

START_TEST(fail_pattern_panics_with_the_whole_line_and_the_exit)
{
	/* The panic line comes in two writes, the second during the grace
	 * read; Rugo then exits with debug_exit 17. The marker policy would
	 * call the panic line unexpected: the fail pattern comes first. */
	static const struct fake_beat beats[] = {BEAT_PRINT(10, "RUGO: boot ok\n"),
						 BEAT_PRINT(20, "RUGO: panic code=0x1"),
						 BEAT_PRINT(80, " in kalloc\n"),
						 BEAT_EXIT(100, 35),
						 {0}};
	json_t *rec = play(FIXTURE("'timeout_s': 4, 'marker_prefix': 'RUGO:', "
				   "'fail_patterns': ['RUGO: panic'],",
				   BOOT_HALT, DEBUG_EXIT_16),
			   beats, OUTCOME_GUEST_PANICKED);

	ck_assert_str_eq(jstr(rec, "class"), "guest_panicked");
	assert_prefix(jstr(rec, "reason"),
		      "'RUGO: panic code=0x1 in kalloc' (fail pattern 'RUGO: panic') at ");
	ck_assert_int_eq(jint(rec, "exit.status"), 35);
	ck_assert_int_lt(jint(rec, "duration_ms"), 4000);
	ck_assert_str_eq(jstr(rec, "steps.1.status"), "pending");
	json_decref(rec);
}
END_TEST

START_TEST(panic_and_exit_together_is_a_panic_not_an_exit)
{
	/* A whole panic line in one read, which the marker policy would also
	 * call unexpected: the fail pattern is judged first. */
	static const struct fake_beat beats[] = {
		BEAT_PRINT(10, "RUGO: panic code=0x2\n"), BEAT_EXIT(10, 35), {0}};
	json_t *rec = play(FIXTURE("'timeout_s': 4, 'marker_prefix': 'RUGO:', "
				   "'fail_patterns': ['RUGO: panic'],",
				   BOOT_HALT, DEBUG_EXIT_16),
			   beats, OUTCOME_GUEST_PANICKED);

	assert_prefix(jstr(rec, "reason"), "'RUGO: panic code=0x2' (fail pattern 'RUGO: panic')");
	ck_assert_str_eq(jstr(rec, "capsule.status.status"), "exited");
	json_decref(rec);
}
END_TEST

#define LATE_OOPS                                                                       \
	FIXTURE("'timeout_s': 4, 'fail_patterns': [{'literal': 'Oops', "                \
		"'from_step': 'userland'}, {'regex': '^Kernel panic - not syncing'}],", \
		"{'expect': 'Run /init as init process'}, "                             \
		"{'id': 'userland', 'expect': '~ # '}",                                 \
		DEBUG_EXIT_16)

START_TEST(marker_before_a_failure_in_the_same_read_still_passes_its_step)
{
	/* One read holds the marker and, after it, the panic: the verdict and
	 * the marker list are what two reads would give. */
	static const struct fake_beat beats[] = {
		BEAT_PRINT(10, "RUGO: boot ok\nRUGO: panic code=0x2 in vm_walk\n"),
		BEAT_EXIT(40, 35),
		{0}};
	json_t *rec = play(FIXTURE("'timeout_s': 4, 'fail_patterns': ['RUGO: panic'],", BOOT_HALT,
				   DEBUG_EXIT_16),
			   beats, OUTCOME_GUEST_PANICKED);

	ck_assert_str_eq(jstr(rec, "steps.0.status"), "pass");
	ck_assert_str_eq(jstr(rec, "markers.0.text"), "RUGO: boot ok");
	ck_assert_str_eq(jstr(rec, "steps.1.status"), "pending");
	assert_prefix(jstr(rec, "reason"), "'RUGO: panic code=0x2 in vm_walk' (fail pattern");
	/* The same, for programs: no need to parse the reason. */
	ck_assert_str_eq(jstr(rec, "fail_match.pattern"), "RUGO: panic");
	ck_assert_str_eq(jstr(rec, "fail_match.line"), "RUGO: panic code=0x2 in vm_walk");
	ck_assert_int_eq(jint(rec, "fail_match.offset"), 14); /* after "RUGO: boot ok\n" */
	ck_assert_int_ge(jint(rec, "fail_match.t_ms"), 0);
	json_decref(rec);
}
END_TEST

START_TEST(earliest_fail_pattern_in_the_stream_wins_not_the_first_listed)
{
	static const struct fake_beat beats[] = {
		BEAT_PRINT(10, "BUG: first thing\nOops: second thing\n"), BEAT_EXIT(40, 35), {0}};
	json_t *rec = play(FIXTURE("'timeout_s': 4, 'fail_patterns': ['Oops:', 'BUG:'],", BOOT_HALT,
				   DEBUG_EXIT_16),
			   beats, OUTCOME_GUEST_PANICKED);

	assert_prefix(jstr(rec, "reason"), "'BUG: first thing' (fail pattern 'BUG:') at ");
	json_decref(rec);
}
END_TEST

START_TEST(fail_pattern_from_a_step_ignores_what_came_before)
{
	static const struct fake_beat beats[] = {
		BEAT_PRINT(10, "Oops: early, harmless\nRun /init as init process\n~ # "),
		BEAT_EXIT(30, 33),
		{0}};
	json_t *rec = play(LATE_OOPS, beats, OUTCOME_PASS);

	json_decref(rec);
}
END_TEST

START_TEST(fail_pattern_from_a_step_matches_once_armed)
{
	static const struct fake_beat beats[] = {BEAT_PRINT(10, "Run /init as init process\n"),
						 BEAT_PRINT(40, "Oops: 0002 [#1]\n"),
						 BEAT_EXIT(50, 35),
						 {0}};
	json_t *rec = play(LATE_OOPS, beats, OUTCOME_GUEST_PANICKED);

	assert_prefix(jstr(rec, "reason"), "'Oops: 0002 [#1]' (fail pattern 'Oops') at ");
	json_decref(rec);
}
END_TEST

START_TEST(fail_pattern_regex_is_armed_from_boot)
{
	static const struct fake_beat beats[] = {
		BEAT_PRINT(10, "Kernel panic - not syncing: VFS: Unable to mount root fs\n"),
		BEAT_EXIT(20, 35),
		{0}};
	json_t *rec = play(LATE_OOPS, beats, OUTCOME_GUEST_PANICKED);

	assert_prefix(jstr(rec, "reason"), "'Kernel panic - not syncing: VFS: Unable to mount "
					   "root fs' (fail pattern '^Kernel panic - not syncing')");
	json_decref(rec);
}
END_TEST

/* ---- console bytes split any way -------------------------------------- */

START_TEST(markers_split_byte_by_byte_still_match)
{
	/* Every byte its own read, 1 ms apart, the marker policy on. */
	static const struct fake_beat beats[] = {BEAT_PRINT_SPLIT(10, "noise RUGO: boot ok\n", 1),
						 BEAT_PRINT_SPLIT(60, "RUGO: halt ok\n", 1),
						 BEAT_EXIT(100, 33),
						 {0}};
	json_t *rec = play(FIXTURE("'timeout_s': 4, 'marker_prefix': 'RUGO:',",
				   "{'expect': 'RUGO: boot ok'}, "
				   "{'expect_re': '^RUGO: halt ok$'}",
				   DEBUG_EXIT_16),
			   beats, OUTCOME_PASS);

	ck_assert_str_eq(jstr(rec, "markers.0.text"), "RUGO: boot ok");
	ck_assert_str_eq(jstr(rec, "markers.1.text"), "RUGO: halt ok");
	ck_assert_int_eq(jint(rec, "console_bytes"), 34);
	json_decref(rec);
}
END_TEST

START_TEST(marker_split_across_two_reads_matches)
{
	/* Split past the first 13 bytes, so the search must look back. */
	static const struct fake_beat beats[] = {BEAT_PRINT(10, "early noise line\nRUGO: bo"),
						 BEAT_PRINT(60, "ot ok\nRUGO: ha"),
						 BEAT_PRINT(110, "lt ok\n"),
						 BEAT_EXIT(120, 33),
						 {0}};
	json_t *rec =
		play(FIXTURE("'timeout_s': 4,", BOOT_HALT, DEBUG_EXIT_16), beats, OUTCOME_PASS);

	/* Each marker is timed by its last byte. */
	ck_assert_int_ge(jint(rec, "markers.0.t_ms"), 60);
	ck_assert_int_ge(jint(rec, "markers.1.t_ms"), 110);
	json_decref(rec);
}
END_TEST

START_TEST(regex_end_of_line_is_not_fooled_by_a_split)
{
	/* "TICK: 10" then "0\n": the line is TICK: 100, never TICK: 10. */
	static const struct fake_beat beats[] = {
		BEAT_PRINT(10, "TICK: 10"), BEAT_PRINT(60, "0\n"), {0}};
	json_t *rec = play(FIXTURE("'timeout_s': 4,",
				   "{'expect_re': '^TICK: 10$', 'timeout_s': 0.2}", DEBUG_EXIT_16),
			   beats, OUTCOME_TIMEOUT);

	ck_assert_str_eq(jstr(rec, "class"), "timeout_after:none");
	ck_assert_int_eq(json_array_size(jget(rec, "markers")), 0);
	json_decref(rec);
}
END_TEST

/* ---- the strict marker policy ----------------------------------------- */

START_TEST(marker_policy_fails_an_unexpected_marker_line)
{
	static const struct fake_beat beats[] = {
		BEAT_PRINT(10, "RUGO: boot ok\nRUGO: surprise\nRUGO: halt ok\n"),
		BEAT_EXIT(30, 33),
		{0}};
	assert_verdict(FIXTURE("'timeout_s': 4, 'marker_prefix': 'RUGO:',", BOOT_HALT,
			       DEBUG_EXIT_16),
		       beats, OUTCOME_FAIL, "unexpected marker line 'RUGO: surprise'");
}
END_TEST

START_TEST(marker_policy_fails_a_repeated_marker_line)
{
	static const struct fake_beat beats[] = {
		BEAT_PRINT(10, "RUGO: boot ok\r\nRUGO: boot ok\r\nRUGO: halt ok\r\n"),
		BEAT_EXIT(30, 33),
		{0}};
	assert_verdict(FIXTURE("'timeout_s': 4, 'marker_prefix': 'RUGO:',", BOOT_HALT,
			       DEBUG_EXIT_16),
		       beats, OUTCOME_FAIL, "marker line repeated: 'RUGO: boot ok'");
}
END_TEST

START_TEST(marker_policy_is_off_without_a_prefix_and_ignores_other_lines)
{
	/* The same surprise passes without marker_prefix; with it, lines
	 * that only contain the prefix are not markers. */
	static const struct fake_beat beats[] = {
		BEAT_PRINT(10, "RUGO: boot ok\nsaid RUGO: surprise\nRUGO: halt ok\n"),
		BEAT_EXIT(30, 33),
		{0}};
	static const struct fake_beat beats_off[] = {
		BEAT_PRINT(10, "RUGO: boot ok\nRUGO: surprise\nRUGO: boot ok\nRUGO: halt ok\n"),
		BEAT_EXIT(30, 33),
		{0}};

	json_decref(
		play(FIXTURE("'timeout_s': 4, 'marker_prefix': 'RUGO:',", BOOT_HALT, DEBUG_EXIT_16),
		     beats, OUTCOME_PASS));
	json_decref(play(FIXTURE("'timeout_s': 4,", BOOT_HALT, DEBUG_EXIT_16), beats_off,
			 OUTCOME_PASS));
}
END_TEST

/* ---- start failures and harness errors -------------------------------- */

START_TEST(qemu_start_failed_gives_qemu_reason_and_no_guest)
{
	static const struct fake_script guest = {
		.start = VM_START_QEMU_FAILED,
		.reason = "could not load kernel '/nope': No such file or directory"};
	json_t *rec = run_case(FIXTURE("'timeout_s': 4,", BOOT_HALT, DEBUG_EXIT_16), &guest,
			       OUTCOME_QEMU_START_FAILED);

	ck_assert_str_eq(jstr(rec, "class"), "qemu_start_failed");
	ck_assert_str_eq(jstr(rec, "reason"),
			 "could not load kernel '/nope': No such file or directory");
	ck_assert_str_eq(jstr(rec, "capsule.status.status"), "not started");
	ck_assert(json_is_null(jget(rec, "exit")));
	ck_assert(json_is_null(jget(rec, "accel")));
	ck_assert_str_eq(jstr(rec, "steps.0.status"), "pending");
	ck_assert_ptr_null(jget(rec, "host_failed"));
	ck_assert_str_eq(fake_backend_trace(), "start ");
	json_decref(rec);
}
END_TEST

/* A forwarded port taken between kiln's pick and QEMU's bind: QEMU fails
 * with "Could not set up host forwarding rule", and the engine picks other
 * ports and starts again, up to 3 times in all. */
#define HOSTFWD_TAKEN                                                               \
	"qemu-system-x86_64: -netdev user,id=kiln-net,hostfwd=udp:127.0.0.1:1-:7: " \
	"Could not set up host forwarding rule 'udp:127.0.0.1:1-:7'"
#define NET_TOP "'machine': {'network': {'udp': [7]}}, 'timeout_s': 4,"

START_TEST(taken_forward_port_is_picked_again)
{
	static const struct fake_beat beats[] = {
		BEAT_PRINT(10, "RUGO: boot ok\nRUGO: halt ok\n"), BEAT_EXIT(20, 33), {0}};
	static const struct fake_script guest = {.start = VM_START_QEMU_FAILED,
						 .start_failures = 2,
						 .reason = HOSTFWD_TAKEN,
						 .beats = beats};
	json_t *rec = run_case(FIXTURE(NET_TOP, BOOT_HALT, DEBUG_EXIT_16), &guest, OUTCOME_PASS);

	ck_assert(!strncmp(fake_backend_trace(), "start start start ", 18));
	ck_assert_str_eq(jstr(rec, "network.0.host"), "127.0.0.1");
	ck_assert_int_gt(jint(rec, "network.0.host_port"), 0);
	json_decref(rec);
}
END_TEST

START_TEST(taken_forward_port_three_times_is_qemu_start_failed)
{
	static const struct fake_script guest = {
		.start = VM_START_QEMU_FAILED, .start_failures = 3, .reason = HOSTFWD_TAKEN};
	json_t *rec = run_case(FIXTURE(NET_TOP, BOOT_HALT, DEBUG_EXIT_16), &guest,
			       OUTCOME_QEMU_START_FAILED);

	ck_assert_str_eq(fake_backend_trace(), "start start start ");
	ck_assert_str_eq(jstr(rec, "reason"), HOSTFWD_TAKEN);
	json_decref(rec);
}
END_TEST

/* Any other start failure of a network case is not tried again. */
START_TEST(other_start_failure_of_a_network_case_is_not_retried)
{
	static const struct fake_script guest = {.start = VM_START_QEMU_FAILED,
						 .reason = "could not load kernel 'k.mb'"};
	json_t *rec = run_case(FIXTURE(NET_TOP, BOOT_HALT, DEBUG_EXIT_16), &guest,
			       OUTCOME_QEMU_START_FAILED);

	ck_assert_str_eq(fake_backend_trace(), "start ");
	json_decref(rec);
}
END_TEST

START_TEST(harness_start_failure_is_a_harness_error)
{
	static const struct fake_script guest = {
		.start = VM_START_HARNESS, .reason = "cannot listen in /run: Permission denied"};
	json_t *rec = run_case(FIXTURE("'timeout_s': 4,", BOOT_HALT, DEBUG_EXIT_16), &guest,
			       OUTCOME_HARNESS_ERROR);

	ck_assert_str_eq(jstr(rec, "reason"), "cannot listen in /run: Permission denied");
	ck_assert_ptr_null(jget(rec, "host_failed"));
	json_decref(rec);
}
END_TEST

START_TEST(host_failed_at_start_says_so)
{
	static const struct fake_script guest = {.start = VM_START_HOST_FAILED,
						 .reason = "libvirt: connection refused"};
	json_t *rec = run_case(FIXTURE("'timeout_s': 4,", BOOT_HALT, DEBUG_EXIT_16), &guest,
			       OUTCOME_HARNESS_ERROR);

	ck_assert_str_eq(jstr(rec, "reason"), "libvirt: connection refused");
	ck_assert(json_is_true(jget(rec, "host_failed")));
	json_decref(rec);
}
END_TEST

START_TEST(host_lost_mid_case_says_so)
{
	static const struct fake_beat beats[] = {
		BEAT_PRINT(10, "RUGO: boot ok\n"), BEAT_HOST_LOST(30), {0}};
	json_t *rec = play(FIXTURE("'timeout_s': 4,", BOOT_HALT, DEBUG_EXIT_16), beats,
			   OUTCOME_HARNESS_ERROR);

	ck_assert_str_eq(jstr(rec, "reason"), "lost the guest: its host failed");
	ck_assert(json_is_true(jget(rec, "host_failed")));
	ck_assert_str_eq(jstr(rec, "last_marker"), "RUGO: boot ok");
	ck_assert_int_lt(jint(rec, "duration_ms"), 4000);
	json_decref(rec);
}
END_TEST

START_TEST(stop_fd_interrupts_a_running_case)
{
	static const struct fake_beat beats[] = {BEAT_PRINT(10, "RUGO: boot ok\n"), {0}};
	struct itimerspec in_150ms = {{0, 0}, {0, 150 * 1000000}};
	int stop = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);

	ck_assert_int_ge(stop, 0);
	ck_assert_int_eq(timerfd_settime(stop, 0, &in_150ms, NULL), 0);
	static const struct fake_script guest = {.beats = beats};
	json_t *rec = run_case_with(FIXTURE("'timeout_s': 4,", BOOT_HALT, DEBUG_EXIT_16), &guest,
				    stop, NULL, OUTCOME_HARNESS_ERROR);

	ck_assert_str_eq(jstr(rec, "reason"), "interrupted");
	ck_assert_str_eq(jstr(rec, "last_marker"), "RUGO: boot ok");
	ck_assert_str_eq(jstr(rec, "capsule.status.status"), "paused");
	ck_assert_int_lt(jint(rec, "duration_ms"), 4000);
	close(stop);
	json_decref(rec);
}
END_TEST

START_TEST(no_run_directory_is_a_harness_error_before_any_start)
{
	char missing[PATH_MAX + 32];

	snprintf(missing, sizeof(missing), "%s/no/such/dir", tmp_root);
	static const struct fake_script guest = {.beats = rugo_good};
	json_t *rec = run_case_with(FIXTURE("'timeout_s': 4,", BOOT_HALT, DEBUG_EXIT_16), &guest, 0,
				    missing, OUTCOME_HARNESS_ERROR);

	assert_prefix(jstr(rec, "reason"), "cannot make a socket directory in ");
	ck_assert_str_eq(fake_backend_trace(), "");
	json_decref(rec);
}
END_TEST

START_TEST(cont_without_a_reply_is_a_harness_error)
{
	static const struct fake_reply replies[] = {{.command = "cont", .status = QMP_ERR_TIMEOUT},
						    {0}};
	static const struct fake_script guest = {.beats = rugo_good, .replies = replies};
	json_t *rec = run_case(FIXTURE("'timeout_s': 4,", BOOT_HALT, DEBUG_EXIT_16), &guest,
			       OUTCOME_HARNESS_ERROR);

	assert_prefix(jstr(rec, "reason"), "cont: timeout: ");
	json_decref(rec);
}
END_TEST

START_TEST(guest_that_ends_before_cont_returns_is_judged)
{
	/* QEMU closes its monitor before it answers `cont`: the exit is the
	 * guest's, judged as any other. */
	static const struct fake_reply replies[] = {{.command = "cont", .status = QMP_ERR_CLOSED},
						    {0}};
	static const struct fake_beat beats[] = {BEAT_EXIT(0, 85), {0}};
	static const struct fake_script guest = {.beats = beats, .replies = replies};
	json_t *rec = run_case(FIXTURE("'timeout_s': 4,", "", "{'debug_exit': 42}"), &guest,
			       OUTCOME_PASS);

	ck_assert_int_eq(jint(rec, "exit.debug_exit"), 42);
	json_decref(rec);
}
END_TEST

/* ---- other ends, QMP and the console's input -------------------------- */

START_TEST(shutdown_exit_passes_on_a_guest_shutdown)
{
	static const struct fake_beat beats[] = {
		BEAT_PRINT(10, "RUGO: boot ok\n"),
		BEAT_EVENT(20, "{\"event\": \"SHUTDOWN\", \"data\": {\"guest\": true, "
			       "\"reason\": \"guest-shutdown\"}}"),
		{0}};
	assert_verdict(FIXTURE("'timeout_s': 4,", "{'expect': 'RUGO: boot ok'}",
			       "{'shutdown': true}"),
		       beats, OUTCOME_PASS, "guest shut down");
}
END_TEST

START_TEST(reset_while_waiting_fails_at_once)
{
	static const struct fake_beat beats[] = {
		BEAT_PRINT(10, "RUGO: boot ok\n"),
		BEAT_EVENT(20, "{\"event\": \"SHUTDOWN\", \"data\": {\"guest\": true, "
			       "\"reason\": \"guest-reset\"}}"),
		{0}};
	json_t *rec =
		play(FIXTURE("'timeout_s': 4,", BOOT_HALT, DEBUG_EXIT_16), beats, OUTCOME_FAIL);

	ck_assert_str_eq(jstr(rec, "reason"), "the guest reset itself (a triple fault, unless it "
					      "rebooted on purpose) " WAITING_FOR_HALT);
	ck_assert_int_lt(jint(rec, "duration_ms"), 4000);
	json_decref(rec);
}
END_TEST

START_TEST(running_exit_passes_and_kiln_ends_the_guest)
{
	static const struct fake_beat beats[] = {BEAT_PRINT(10, "RUGO: boot ok\n"), {0}};
	json_t *rec =
		play(FIXTURE("'timeout_s': 4,", "{'expect': 'RUGO: boot ok'}", "{'running': true}"),
		     beats, OUTCOME_PASS);

	ck_assert_str_eq(jstr(rec, "reason"), "still running after the last step");
	ck_assert_str_eq(fake_backend_trace(), "start query-kvm cont query-status kill free ");
	json_decref(rec);
}
END_TEST

START_TEST(running_exit_fails_when_the_guest_has_ended)
{
	static const struct fake_beat beats[] = {
		BEAT_PRINT(10, "RUGO: boot ok\n"), BEAT_EXIT(10, 33), {0}};
	assert_verdict(FIXTURE("'timeout_s': 4,", "{'expect': 'RUGO: boot ok'}",
			       "{'running': true}"),
		       beats, OUTCOME_FAIL,
		       "expected the guest still running, but QEMU exited "
		       "with status 33 (debug_exit 16)");
}
END_TEST

START_TEST(qmp_steps_returns_error_class_and_events)
{
	/* TICK: 100 is due 50 ms after cont; the guest is paused between
	 * stop and cont, and the step waits for its STOP event. */
	static const struct fake_beat beats[] = {
		BEAT_PRINT(10, "RUGO: boot ok\n"), BEAT_PRINT(50, "TICK: 100\n"), {0}};
	json_t *rec = play(FIXTURE("'timeout_s': 4,",
				   "{'expect': 'RUGO: boot ok'}, "
				   "{'qmp': 'query-status', 'returns': {'running': true}}, "
				   "{'qmp': 'kiln-no-such-command', 'error_class': "
				   "'CommandNotFound'}, "
				   "{'qmp': 'stop'}, {'wait_event': 'STOP', 'timeout_s': 1}, "
				   "{'qmp': 'query-status', 'returns': {'status': 'paused'}}, "
				   "{'qmp': 'cont'}, {'expect': 'TICK: 100'}",
				   "{'running': true}"),
			   beats, OUTCOME_PASS);

	ck_assert_str_eq(jstr(rec, "steps.7.status"), "pass");
	assert_has(fake_backend_trace(),
		   "query-status kiln-no-such-command stop query-status cont query-status kill");
	json_decref(rec);
}
END_TEST

START_TEST(qmp_returns_that_differ_fail_the_step)
{
	assert_verdict(FIXTURE("'timeout_s': 4,",
			       "{'qmp': 'query-status', 'returns': "
			       "{'status': 'paused'}}",
			       DEBUG_EXIT_16),
		       rugo_good, OUTCOME_FAIL,
		       "qmp 'query-status' returned {\"running\":true,\"status\":\"running\"}");
}
END_TEST

START_TEST(send_reaches_the_guest_and_a_prompt_matches_without_newline)
{
	static const struct fake_beat beats[] = {BEAT_PRINT(10, "TINY: ready\n"),
						 BEAT_AWAIT("ping 1\n"),
						 BEAT_PRINT(10, "pong 1\n~ # "),
						 {0}};
	json_t *rec = play(FIXTURE("'timeout_s': 4,",
				   "{'expect': 'TINY: ready\\n'}, "
				   "{'send': 'ping 1\\n'}, {'expect': 'pong 1'}, "
				   "{'expect_re': '^~ # '}",
				   "{'running': true}"),
			   beats, OUTCOME_PASS);

	ck_assert_str_eq(jstr(rec, "markers.2.text"), "~ # ");
	assert_has(fake_backend_trace(), "cont send query-status");
	json_decref(rec);
}
END_TEST

START_TEST(unordered_group_takes_any_order_and_continues_after_its_last)
{
	static const struct fake_beat beats[] = {
		BEAT_PRINT(10, "B 5\n"), BEAT_PRINT(20, "done early\nA 3\n"),
		BEAT_PRINT(30, "B 1\n"), BEAT_PRINT(40, "done\n"),
		BEAT_EXIT(50, 33),	 {0}};
	json_t *rec = play(FIXTURE("'timeout_s': 4,",
				   "{'unordered': [{'expect': 'B 1\\n'}, "
				   "{'expect_re': '^A [0-9]$'}, {'expect': 'B 5\\n'}]}, "
				   "{'expect': 'done\\n'}",
				   DEBUG_EXIT_16),
			   beats, OUTCOME_PASS);

	ck_assert_int_eq(json_array_size(jget(rec, "markers")), 4);
	ck_assert_str_eq(jstr(rec, "markers.3.text"), "done\n");
	ck_assert_int_ge(jint(rec, "markers.3.t_ms"), 40); /* not "done early" */
	json_decref(rec);
}
END_TEST

static Suite *engine_suite(void)
{
	Suite *s = suite_create("engine");
	TCase *verdict = tcase_create("verdicts");
	TCase *deadline = tcase_create("deadlines");
	TCase *console = tcase_create("console");
	TCase *start = tcase_create("start");
	TCase *qmp = tcase_create("qmp");
	TCase *all[] = {verdict, deadline, console, start, qmp};

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		tcase_add_checked_fixture(all[i], engine_setup, engine_teardown);
		/* Generous for a loaded machine; each test takes well under 1 s. */
		tcase_set_timeout(all[i], 30);
		suite_add_tcase(s, all[i]);
	}
	tcase_add_test(verdict, pass_records_markers_steps_and_exit);
	tcase_add_test(verdict, wrong_exit_status_fails_after_all_markers);
	tcase_add_test(verdict, early_exit_before_all_markers_fails_at_once);
	tcase_add_test(verdict, crash_by_signal_fails_with_the_signal);
	tcase_add_test(verdict, fail_pattern_panics_with_the_whole_line_and_the_exit);
	tcase_add_test(verdict, panic_and_exit_together_is_a_panic_not_an_exit);
	tcase_add_test(verdict, marker_before_a_failure_in_the_same_read_still_passes_its_step);
	tcase_add_test(verdict, earliest_fail_pattern_in_the_stream_wins_not_the_first_listed);
	tcase_add_test(verdict, fail_pattern_from_a_step_ignores_what_came_before);
	tcase_add_test(verdict, fail_pattern_from_a_step_matches_once_armed);
	tcase_add_test(verdict, fail_pattern_regex_is_armed_from_boot);
	tcase_add_test(deadline, silent_guest_ends_at_the_silence_deadline_with_a_capsule);
	tcase_add_test(deadline, silence_deadline_ends_with_the_first_byte);
	tcase_add_test(deadline, step_deadline_gives_timeout_after_the_last_marker);
	tcase_add_test(deadline, timeout_class_escapes_a_marker_with_newlines);
	tcase_add_test(deadline, case_deadline_cuts_a_longer_step_deadline);
	tcase_add_test(deadline, step_deadline_counts_from_the_start_of_its_step);
	tcase_add_test(console, markers_split_byte_by_byte_still_match);
	tcase_add_test(console, marker_split_across_two_reads_matches);
	tcase_add_test(console, regex_end_of_line_is_not_fooled_by_a_split);
	tcase_add_test(console, marker_policy_fails_an_unexpected_marker_line);
	tcase_add_test(console, marker_policy_fails_a_repeated_marker_line);
	tcase_add_test(console, marker_policy_is_off_without_a_prefix_and_ignores_other_lines);
	tcase_add_test(console, send_reaches_the_guest_and_a_prompt_matches_without_newline);
	tcase_add_test(console, unordered_group_takes_any_order_and_continues_after_its_last);
	tcase_add_test(start, qemu_start_failed_gives_qemu_reason_and_no_guest);
	tcase_add_test(start, taken_forward_port_is_picked_again);
	tcase_add_test(start, taken_forward_port_three_times_is_qemu_start_failed);
	tcase_add_test(start, other_start_failure_of_a_network_case_is_not_retried);
	tcase_add_test(start, harness_start_failure_is_a_harness_error);
	tcase_add_test(start, host_failed_at_start_says_so);
	tcase_add_test(start, host_lost_mid_case_says_so);
	tcase_add_test(start, stop_fd_interrupts_a_running_case);
	tcase_add_test(start, no_run_directory_is_a_harness_error_before_any_start);
	tcase_add_test(start, cont_without_a_reply_is_a_harness_error);
	tcase_add_test(start, guest_that_ends_before_cont_returns_is_judged);
	tcase_add_test(qmp, shutdown_exit_passes_on_a_guest_shutdown);
	tcase_add_test(qmp, reset_while_waiting_fails_at_once);
	tcase_add_test(qmp, running_exit_passes_and_kiln_ends_the_guest);
	tcase_add_test(qmp, running_exit_fails_when_the_guest_has_ended);
	tcase_add_test(qmp, qmp_steps_returns_error_class_and_events);
	tcase_add_test(qmp, qmp_returns_that_differ_fail_the_step);
	return s;
}

int main(void)
{
	return check_main_run(engine_suite());
}
