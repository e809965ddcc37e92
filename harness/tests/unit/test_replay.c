/* test_replay.c: the parts of replay that need no QEMU and no gdb: sha256,
 * the recipe and its check against changed inputs, the record/replay
 * arguments and refusals, the gdbinit, finding gdb, and the console
 * comparison (kiln/replay*.h).
 *
 * Files live in a fresh temporary directory per test. Expected hashes are
 * the FIPS 180-2 test vectors, not values read back from the code.
 */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kiln/backend/qemu/qemu_argv.h"
#include "kiln/engine/replay_recipe.h"
#include "kiln/replay/replay.h"
#include "kiln/replay/replay_record.h"
#include "replay/replay_gdb.h"

#include "check_main.h"

static char tmp_root[256];

static void tmp_setup(void)
{
	snprintf(tmp_root, sizeof(tmp_root), "%s/kiln-test-replay-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tmp_root));
}

static void tmp_teardown(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp_root);
	ck_assert_int_eq(system(cmd), 0);
}

/* Write text to <tmp>/<name>; returns the path (a new string). */
static char *write_file(const char *name, const char *text)
{
	char *path = NULL;
	FILE *f;

	ck_assert_int_ge(asprintf(&path, "%s/%s", tmp_root, name), 0);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fputs(text, f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
	return path;
}

START_TEST(sha256_known_vectors)
{
	char hex[65];
	char *abc = write_file("abc", "abc"), *empty = write_file("empty", "");

	ck_assert_int_eq(replay_sha256_file(abc, hex), 0);
	ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	ck_assert_int_eq(replay_sha256_file(empty, hex), 0);
	ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	ck_assert_int_eq(replay_sha256_file("/nonexistent/kiln-test", hex), -1);
	free(abc);
	free(empty);
}
END_TEST

/* A fixture in <tmp> whose kernel and symbols are files in <tmp>. */
static struct fixture *load_guest_fixture(const char *extra_machine)
{
	char text[1024], err[512];
	char *path;
	struct fixture *f;

	free(write_file("kernel.mb", "kernel bytes"));
	free(write_file("kernel.elf", "symbol bytes"));
	snprintf(text, sizeof(text),
		 "{\"guest\": {\"kernel\": \"kernel.mb\", \"symbols\": \"kernel.elf\","
		 " \"panic_symbol\": \"panic\"},"
		 " \"machine\": {\"type\": \"pc\", \"accel\": \"tcg\"%s},"
		 " \"steps\": [{\"expect\": \"x\"}], \"exit\": {\"debug_exit\": 1}}",
		 extra_machine);
	path = write_file("case.json.fixture", text);
	f = fixture_load(path, err, sizeof(err));
	ck_assert_msg(f != NULL, "%s", err);
	free(path);
	return f;
}

static const json_t *find_input(const json_t *recipe, const char *role)
{
	size_t i;
	json_t *in;

	json_array_foreach (json_object_get(recipe, "inputs"), i, in)
		if (!strcmp(json_string_value(json_object_get(in, "role")), role))
			return in;
	return NULL;
}

START_TEST(recipe_names_every_input_with_its_hash)
{
	struct fixture *f = load_guest_fixture("");
	json_t *r = replay_recipe_build(f, NULL, tmp_root, "tcg");
	char hex[65], *copy = NULL;
	struct stat st;

	ck_assert_str_eq(json_string_value(json_object_get(r, "schema")), REPLAY_RECIPE_SCHEMA);
	replay_sha256_file(f->guest.kernel, hex);
	ck_assert_str_eq(json_string_value(json_object_get(find_input(r, "kernel"), "sha256")),
			 hex);
	ck_assert_str_eq(json_string_value(json_object_get(find_input(r, "symbols"), "path")),
			 f->guest.symbols);
	ck_assert_str_eq(json_string_value(json_object_get(r, "panic_symbol")), "panic");
	/* QEMU never started: no argv, but the machine part is there. */
	ck_assert(json_is_null(json_object_get(r, "argv")));
	ck_assert(json_is_null(json_object_get(r, "record")));
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(r, "machine_argv"), 0)),
			 qemu_binary());
	/* The fixture's text is copied beside case.json. */
	ck_assert_int_ge(asprintf(&copy, "%s/%s", tmp_root, REPLAY_FIXTURE_COPY), 0);
	ck_assert_int_eq(stat(copy, &st), 0);
	ck_assert_int_gt(st.st_size, 0);
	free(copy);
	json_decref(r);
	fixture_free(f);
}
END_TEST

START_TEST(recipe_check_sees_changed_and_missing_inputs)
{
	struct fixture *f = load_guest_fixture("");
	json_t *r = replay_recipe_build(f, NULL, tmp_root, "tcg");
	json_t *changes = replay_recipe_check(r, tmp_root);

	ck_assert_uint_eq(json_array_size(changes), 0);
	json_decref(changes);

	free(write_file("kernel.mb", "kernel bytes, rebuilt"));
	changes = replay_recipe_check(r, tmp_root);
	ck_assert_uint_eq(json_array_size(changes), 1);
	ck_assert_ptr_nonnull(strstr(json_string_value(json_array_get(changes, 0)), "kernel "));
	ck_assert_ptr_nonnull(strstr(json_string_value(json_array_get(changes, 0)), "sha256 was"));
	json_decref(changes);

	ck_assert_int_eq(unlink(f->guest.symbols), 0);
	changes = replay_recipe_check(r, tmp_root);
	ck_assert_uint_eq(json_array_size(changes), 2);
	ck_assert_ptr_nonnull(
		strstr(json_string_value(json_array_get(changes, 1)), "No such file or directory"));
	json_decref(changes);
	json_decref(r);
	fixture_free(f);
}
END_TEST

START_TEST(record_args_both_sides_match)
{
	char **rec = replay_record_args(REPLAY_RR_RECORD, "/r,1/rr-log.bin", "/r,1/s.qcow2");
	char **rep = replay_record_args(REPLAY_RR_REPLAY, "/r,1/rr-log.bin", "/r,1/s.qcow2");

	ck_assert_str_eq(rec[0], "-icount");
	/* Commas in paths are doubled, or QEMU would split the option there. */
	ck_assert_str_eq(rec[1], "shift=auto,rr=record,rrfile=/r,,1/rr-log.bin,rrsnapshot=init");
	ck_assert_str_eq(rep[1], "shift=auto,rr=replay,rrfile=/r,,1/rr-log.bin,rrsnapshot=init");
	ck_assert_str_eq(rec[3], "file=/r,,1/s.qcow2,format=qcow2,if=none,id=kiln-rr");
	for (size_t i = 2; rec[i]; i++)
		ck_assert_str_eq(rec[i], rep[i]);
	ck_assert_str_eq(rec[5], "apic-common.vapic=off");
	ck_assert_ptr_null(rec[6]);
	qemu_argv_free(rec);
	qemu_argv_free(rep);
}
END_TEST

START_TEST(record_refuses_kvm_and_disks_warns_microvm)
{
	struct fixture *f = load_guest_fixture("");
	const char *warning;

	ck_assert_ptr_null(replay_record_refusal(f, &warning));
	ck_assert_ptr_null(warning);
	free(f->machine.accel);
	f->machine.accel = strdup("kvm");
	ck_assert_ptr_nonnull(strstr(replay_record_refusal(f, &warning), "needs TCG"));
	free(f->machine.accel);
	f->machine.accel = strdup("auto");
	ck_assert_ptr_null(replay_record_refusal(f, &warning));
	free(f->machine.type);
	f->machine.type = strdup("microvm");
	ck_assert_ptr_null(replay_record_refusal(f, &warning));
	ck_assert_ptr_nonnull(strstr(warning, "supported on pc and q35 only"));
	fixture_free(f);

	f = load_guest_fixture("");
	f->guest.disks = calloc(1, sizeof(struct disk));
	f->guest.disks[0].file = strdup("/tmp/d.img");
	f->guest.disks[0].format = strdup("raw");
	f->guest.disks[0].interface = strdup("virtio");
	f->guest.n_disks = 1;
	ck_assert_ptr_nonnull(strstr(replay_record_refusal(f, &warning), "blkreplay"));
	fixture_free(f);
}
END_TEST

START_TEST(record_check_run_refuses_only_what_records)
{
	struct fixture *f = load_guest_fixture("");
	struct fixture_list l = {&f, 1};

	free(f->machine.accel);
	f->machine.accel = strdup("kvm");
	ck_assert_int_eq(replay_record_check_run(&l, 0), 0); /* nothing records */
	ck_assert_int_eq(replay_record_check_run(&l, REPLAY_RECORD_FAILURES), 0);
	ck_assert_int_eq(replay_record_check_run(&l, REPLAY_RECORD_ALL), -1);
	f->record = true;
	ck_assert_int_eq(replay_record_check_run(&l, 0), -1);
	fixture_free(f);
}
END_TEST

START_TEST(gdbinit_sets_arch_before_connecting)
{
	struct replay_gdbinit g = {"boot/panic",  replay_gdb_arch("/usr/bin/qemu-system-x86_64"),
				   "/b/rugo.elf", "/tmp/kiln-replay-x/gdb.sock",
				   "panic",	  true};
	char *t = replay_gdbinit_text(&g);
	char *arch = strstr(t, "\nset architecture i386:x86-64\n");
	char *target = strstr(t, "\ntarget remote /tmp/kiln-replay-x/gdb.sock\n");

	ck_assert_ptr_nonnull(arch);
	ck_assert_ptr_nonnull(target);
	ck_assert(arch < target);
	ck_assert_ptr_nonnull(strstr(t, "\nfile /b/rugo.elf\n"));
	ck_assert(strstr(t, "\nhbreak panic\n") > target);
	ck_assert_ptr_nonnull(strstr(t, "reverse-stepi"));
	free(t);

	g = (struct replay_gdbinit){"x", NULL, NULL, "/s", NULL, false};
	t = replay_gdbinit_text(&g);
	ck_assert_ptr_null(strstr(t, "set architecture"));
	ck_assert_ptr_null(strstr(t, "hbreak"));
	ck_assert_ptr_nonnull(strstr(t, "\ntarget remote /s\n"));
	free(t);
}
END_TEST

START_TEST(gdb_arch_by_qemu_binary)
{
	ck_assert_str_eq(replay_gdb_arch("qemu-system-x86_64"), "i386:x86-64");
	ck_assert_str_eq(replay_gdb_arch("/opt/q/bin/qemu-system-i386"), "i386");
	ck_assert_ptr_null(replay_gdb_arch("qemu-system-m68k"));
}
END_TEST

START_TEST(gdb_found_by_path_or_kiln_gdb)
{
	char *dir = NULL, *gdb = NULL, *found, *path = strdup(getenv("PATH") ?: "");

	ck_assert_int_ge(asprintf(&dir, "%s/bin", tmp_root), 0);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	gdb = write_file("bin/gdb", "#!/bin/sh\n");
	ck_assert_int_eq(chmod(gdb, 0755), 0);

	setenv("PATH", dir, 1);
	unsetenv("KILN_GDB");
	found = replay_gdb_find();
	ck_assert_str_eq(found, gdb);
	free(found);
	setenv("KILN_GDB", "/nonexistent/gdb", 1);
	ck_assert_ptr_null(replay_gdb_find());
	setenv("KILN_GDB", "gdb", 1);
	found = replay_gdb_find();
	ck_assert_str_eq(found, gdb);
	free(found);
	setenv("PATH", "/nonexistent", 1);
	unsetenv("KILN_GDB");
	ck_assert_ptr_null(replay_gdb_find());
	setenv("PATH", path, 1);
	free(path);
	free(gdb);
	free(dir);
}
END_TEST

/* compare() with a fresh state, as for one whole console. */
static int compare_once(const char *want, const char *got, size_t got_len,
			struct replay_console_cmp *c)
{
	*c = REPLAY_CONSOLE_CMP_INIT;
	return replay_console_compare(want, strlen(want), got, got_len, c);
}

START_TEST(console_compare_prefix_and_divergence)
{
	const char *run = "RUGO: boot ok\nMM: paging=on\nRUGO: panic\n";
	const char *more = "RUGO: boot ok\nMM: paging=on\nRUGO: panic\nmore\n";
	struct replay_console_cmp c;

	ck_assert_int_eq(compare_once(run, run, 5, &c), 0);
	ck_assert_int_eq(compare_once(run, run, strlen(run), &c), 1);
	ck_assert_uint_eq(c.offset, strlen(run));
	/* More than the run printed (it was stopped): still reproduced. */
	ck_assert_int_eq(compare_once(run, more, strlen(more), &c), 1);
	ck_assert_int_eq(compare_once(run, "RUGO: boot ok\nMM: paging=off", 28, &c), -1);
	ck_assert_uint_eq(c.offset, 26);
	ck_assert_uint_eq(c.line, 2);
	ck_assert_int_eq(compare_once("", "", 0, &c), 1);
}
END_TEST

/* Fed a piece at a time, the state carries over: the same answers. */
START_TEST(console_compare_incremental)
{
	const char *run = "a\nbb\nccc\n", *got = "a\nbb\ncXc\n";
	struct replay_console_cmp c = REPLAY_CONSOLE_CMP_INIT;

	ck_assert_int_eq(replay_console_compare(run, strlen(run), got, 2, &c), 0);
	ck_assert_uint_eq(c.offset, 2);
	ck_assert_uint_eq(c.line, 2);
	ck_assert_int_eq(replay_console_compare(run, strlen(run), got, 6, &c), 0);
	ck_assert_int_eq(replay_console_compare(run, strlen(run), got, strlen(got), &c), -1);
	ck_assert_uint_eq(c.offset, 6);
	ck_assert_uint_eq(c.line, 3);
}
END_TEST

static Suite *replay_suite(void)
{
	Suite *s = suite_create("replay");
	TCase *t = tcase_create("replay");

	tcase_add_checked_fixture(t, tmp_setup, tmp_teardown);
	tcase_add_test(t, sha256_known_vectors);
	tcase_add_test(t, recipe_names_every_input_with_its_hash);
	tcase_add_test(t, recipe_check_sees_changed_and_missing_inputs);
	tcase_add_test(t, record_args_both_sides_match);
	tcase_add_test(t, record_refuses_kvm_and_disks_warns_microvm);
	tcase_add_test(t, record_check_run_refuses_only_what_records);
	tcase_add_test(t, gdbinit_sets_arch_before_connecting);
	tcase_add_test(t, gdb_arch_by_qemu_binary);
	tcase_add_test(t, gdb_found_by_path_or_kiln_gdb);
	tcase_add_test(t, console_compare_prefix_and_divergence);
	tcase_add_test(t, console_compare_incremental);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return check_main_run(replay_suite());
}
