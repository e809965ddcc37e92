/* test_fixture.c: the strict fixture loader (kiln/fixture.h).
 *
 * Every fixture text is written to a file in a fresh temporary directory
 * (<tmp>/area/<name>.json), loaded, and either checked field by field or
 * checked for the one error message the loader must give: file:line:column
 * of the offending key or value, and the reason. Line and column are
 * written out by hand from the texts below.
 */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kiln/fixture/fixture.h"

#include "check_main.h"

static char tmp_root[256];
static char area_dir[300];

static void tmp_setup(void)
{
	snprintf(tmp_root, sizeof(tmp_root), "%s/kiln-test-fixture-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tmp_root));
	snprintf(area_dir, sizeof(area_dir), "%s/area", tmp_root);
	ck_assert_int_eq(mkdir(area_dir, 0755), 0);
}

static void tmp_teardown(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp_root);
	ck_assert_int_eq(system(cmd), 0);
}

/* Write text to <area>/<name>.json; returns the path (static storage). */
static const char *write_fixture(const char *name, const char *text)
{
	static char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.json", area_dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fputs(text, f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
	return path;
}

/* Load text, which must fail, with the message "<path>:<where>: <reason>"
 * (reason a prefix when it ends in '*'). */
static void assert_load_error(const char *text, const char *where, const char *reason)
{
	char err[1024] = "", want[PATH_MAX + 1024];
	const char *path = write_fixture("bad", text);
	struct fixture *f = fixture_load(path, err, sizeof(err));
	size_t n;

	ck_assert_msg(f == NULL, "loaded a bad fixture (expected %s: %s)", where, reason);
	snprintf(want, sizeof(want), "%s:%s: %s", path, where, reason);
	n = strlen(want);
	if (want[n - 1] == '*')
		ck_assert_msg(strncmp(err, want, n - 1) == 0, "got '%s', want '%s'", err, want);
	else
		ck_assert_msg(strcmp(err, want) == 0, "got '%s', want '%s'", err, want);
}

/* A minimal valid fixture, with one insertion point for the test's lines. */
#define MIN_FIXTURE(extra)                                                  \
	"{\n"                                                               \
	"  \"guest\": {\"kernel\": \"k.mb\"},\n" extra "  \"steps\": [],\n" \
	"  \"exit\": {\"debug_exit\": 16}\n"                                \
	"}\n"

static const char full_fixture[] =
	"{\n"
	"  \"description\": \"every key\",\n"
	"  \"guest\": {\n"
	"    \"kernel\": \"../img/rugo.mb\",\n"
	"    \"cmdline\": \"rugo.test=banner\",\n"
	"    \"symbols\": \"/abs/rugo.elf\",\n"
	"    \"panic_symbol\": \"panic\",\n"
	"    \"modules\": [\"m1.bin\", \"/abs/m2.bin\"],\n"
	"    \"disks\": [{\"file\": \"d.img\", \"snapshot\": true},\n"
	"              {\"file\": \"/abs/q.qcow2\", \"format\": \"qcow2\", \"interface\": \"ide\", \"readonly\": true}]\n"
	"  },\n"
	"  \"machine\": {\"type\": \"q35\", \"accel\": \"auto\", \"memory_mb\": 64, \"cpus\": 2,\n"
	"              \"devices\": [\"virtio-rng-pci\"], \"qemu_args\": [\"-no-reboot\"]},\n"
	"  \"timeout_s\": 12.5,\n"
	"  \"marker_prefix\": \"RUGO:\",\n"
	"  \"fail_patterns\": [\"RUGO: panic\",\n"
	"                    {\"regex\": \"PF: addr=0x[0-9a-f]+\", \"from_step\": \"halt\"},\n"
	"                    {\"literal\": \"oops\", \"from_step\": 1}],\n"
	"  \"steps\": [\n"
	"    {\"expect\": \"RUGO: boot ok\"},\n"
	"    {\"expect_re\": \"^MM: paging=(on|off)$\", \"timeout_s\": 3},\n"
	"    {\"unordered\": [{\"expect\": \"A\"}, {\"expect_re\": \"B[0-9]\"}]},\n"
	"    {\"send\": \"hello\\n\"},\n"
	"    {\"qmp\": \"query-status\", \"returns\": {\"running\": true}},\n"
	"    {\"qmp\": \"nope\", \"arguments\": {\"x\": 1}, \"error_class\": \"CommandNotFound\"},\n"
	"    {\"wait_event\": \"STOP\", \"data\": {\"reason\": \"x\"}},\n"
	"    {\"expect\": \"RUGO: halt ok\", \"id\": \"halt\"}\n"
	"  ],\n"
	"  \"exit\": {\"debug_exit\": 16}\n"
	"}\n";

START_TEST(valid_fixture_every_key)
{
	char err[1024] = "", want[PATH_MAX];
	const char *path = write_fixture("full", full_fixture);
	struct fixture *f = fixture_load(path, err, sizeof(err));

	ck_assert_msg(f != NULL, "%s", err);
	ck_assert_str_eq(f->name, "area/full");
	ck_assert_str_eq(f->description, "every key");
	snprintf(want, sizeof(want), "%s/../img/rugo.mb", area_dir);
	ck_assert_str_eq(f->guest.kernel, want);
	ck_assert_str_eq(f->guest.cmdline, "rugo.test=banner");
	ck_assert_str_eq(f->guest.symbols, "/abs/rugo.elf");
	ck_assert_str_eq(f->guest.panic_symbol, "panic");
	ck_assert_uint_eq(f->guest.n_modules, 2);
	snprintf(want, sizeof(want), "%s/m1.bin", area_dir);
	ck_assert_str_eq(f->guest.modules[0], want);
	ck_assert_str_eq(f->guest.modules[1], "/abs/m2.bin");
	ck_assert_uint_eq(f->guest.n_disks, 2);
	snprintf(want, sizeof(want), "%s/d.img", area_dir);
	ck_assert_str_eq(f->guest.disks[0].file, want);
	ck_assert_str_eq(f->guest.disks[0].format, "raw");
	ck_assert_str_eq(f->guest.disks[0].interface, "virtio");
	ck_assert(!f->guest.disks[0].readonly);
	ck_assert(f->guest.disks[0].snapshot);
	ck_assert(!f->guest.disks[1].snapshot);
	ck_assert_str_eq(f->guest.disks[1].format, "qcow2");
	ck_assert_str_eq(f->guest.disks[1].interface, "ide");
	ck_assert(f->guest.disks[1].readonly);

	ck_assert_str_eq(f->machine.type, "q35");
	ck_assert_str_eq(f->machine.accel, "auto");
	ck_assert_int_eq(f->machine.memory_mb, 64);
	ck_assert_int_eq(f->machine.cpus, 2);
	ck_assert_uint_eq(f->machine.n_devices, 1);
	ck_assert_str_eq(f->machine.devices[0], "virtio-rng-pci");
	ck_assert_uint_eq(f->machine.n_qemu_args, 1);
	ck_assert_str_eq(f->machine.qemu_args[0], "-no-reboot");

	ck_assert_double_eq(f->timeout_s, 12.5);
	ck_assert_double_eq(f->silent_timeout_s, 10);
	ck_assert_str_eq(f->marker_prefix, "RUGO:");
	ck_assert(!f->record);

	ck_assert_uint_eq(f->n_steps, 8);
	ck_assert_int_eq(f->steps[0].kind, STEP_EXPECT);
	ck_assert(!f->steps[0].pattern.is_regex);
	ck_assert_str_eq(f->steps[0].pattern.text, "RUGO: boot ok");
	ck_assert_int_eq(f->steps[0].line, 20);
	ck_assert_int_eq(f->steps[1].kind, STEP_EXPECT);
	ck_assert(f->steps[1].pattern.is_regex);
	ck_assert_int_eq(regexec(&f->steps[1].pattern.re, "MM: paging=on", 0, NULL, 0), 0);
	ck_assert_double_eq(f->steps[1].timeout_s, 3);
	ck_assert_int_eq(f->steps[1].line, 21);
	ck_assert_int_eq(f->steps[2].kind, STEP_UNORDERED);
	ck_assert_uint_eq(f->steps[2].n_children, 2);
	ck_assert(f->steps[2].children[1].pattern.is_regex);
	ck_assert_int_eq(f->steps[3].kind, STEP_SEND);
	ck_assert_uint_eq(f->steps[3].send_len, 6);
	ck_assert_str_eq(f->steps[3].send, "hello\n");
	ck_assert_int_eq(f->steps[4].kind, STEP_QMP);
	ck_assert_str_eq(f->steps[4].qmp_command, "query-status");
	ck_assert(json_is_true(json_object_get(f->steps[4].qmp_returns, "running")));
	ck_assert_ptr_null(f->steps[4].qmp_error_class);
	ck_assert_str_eq(f->steps[5].qmp_error_class, "CommandNotFound");
	ck_assert_int_eq(json_integer_value(json_object_get(f->steps[5].qmp_arguments, "x")), 1);
	ck_assert_int_eq(f->steps[6].kind, STEP_WAIT_EVENT);
	ck_assert_str_eq(f->steps[6].event, "STOP");
	ck_assert_str_eq(json_string_value(json_object_get(f->steps[6].event_data, "reason")), "x");
	ck_assert_str_eq(f->steps[7].id, "halt");

	ck_assert_uint_eq(f->n_fails, 3);
	ck_assert_str_eq(f->fails[0].pattern.text, "RUGO: panic");
	ck_assert(!f->fails[0].pattern.is_regex);
	ck_assert_uint_eq(f->fails[0].from_step, 0);
	ck_assert(f->fails[1].pattern.is_regex);
	ck_assert_uint_eq(f->fails[1].from_step, 7); /* by id: "halt" */
	ck_assert_uint_eq(f->fails[2].from_step, 1); /* by index */
	ck_assert_int_eq(f->exit.kind, EXIT_DEBUG);
	ck_assert_int_eq(f->exit.code, 16);
	fixture_free(f);
}
END_TEST

START_TEST(defaults_of_a_minimal_fixture)
{
	char err[1024] = "";
	struct fixture *f = fixture_load(write_fixture("min", MIN_FIXTURE("")), err, sizeof(err));

	ck_assert_msg(f != NULL, "%s", err);
	ck_assert_str_eq(f->name, "area/min");
	ck_assert_ptr_null(f->description);
	ck_assert_ptr_null(f->guest.cmdline);
	ck_assert_str_eq(f->machine.type, "pc");
	ck_assert_str_eq(f->machine.accel, "tcg");
	ck_assert_int_eq(f->machine.memory_mb, 128);
	ck_assert_int_eq(f->machine.cpus, 1);
	ck_assert_double_eq(f->timeout_s, 30);
	ck_assert_double_eq(f->silent_timeout_s, 10);
	ck_assert_ptr_null(f->marker_prefix);
	ck_assert_uint_eq(f->n_steps, 0);
	ck_assert_uint_eq(f->n_fails, 0);
	fixture_free(f);
}
END_TEST

START_TEST(name_and_short_timeout)
{
	char err[1024] = "";
	struct fixture *f = fixture_load(
		write_fixture("named", MIN_FIXTURE("  \"name\": \"my/case\", \"timeout_s\": 4,\n")),
		err, sizeof(err));

	ck_assert_msg(f != NULL, "%s", err);
	ck_assert_str_eq(f->name, "my/case");
	ck_assert_double_eq(f->silent_timeout_s, 4); /* never longer than the case */
	fixture_free(f);
}
END_TEST

START_TEST(relative_paths_resolve_against_fixture_dir)
{
	char err[1024] = "", want[PATH_MAX], cwd[PATH_MAX];
	const char *path = write_fixture(
		"paths", "{\n"
			 "  \"guest\": {\"kernel\": \"sub/k.mb\", \"initrd\": \"../i.img\"},\n"
			 "  \"machine\": {\"bios\": \"fw/bios.bin\"},\n"
			 "  \"steps\": [], \"exit\": {\"running\": true}\n"
			 "}\n");
	struct fixture *f;

	/* Loaded from another directory, through a relative path: the guest
	 * paths still point next to the fixture. */
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	ck_assert_int_eq(chdir(tmp_root), 0);
	f = fixture_load("area/paths.json", err, sizeof(err));
	ck_assert_int_eq(chdir(cwd), 0);
	ck_assert_msg(f != NULL, "%s", err);
	ck_assert_str_eq(f->guest.kernel, "area/sub/k.mb");
	ck_assert_str_eq(f->guest.initrd, "area/../i.img");
	ck_assert_str_eq(f->machine.bios, "area/fw/bios.bin");
	fixture_free(f);
	f = fixture_load(path, err, sizeof(err));
	ck_assert_msg(f != NULL, "%s", err);
	snprintf(want, sizeof(want), "%s/sub/k.mb", area_dir);
	ck_assert_str_eq(f->guest.kernel, want);
	fixture_free(f);
}
END_TEST

START_TEST(unknown_key_names_its_position_and_a_hint)
{
	assert_load_error("{\n"
			  "  \"guest\": {\"kernel\": \"k\"},\n"
			  "  \"steps\": [\n"
			  "    {\"expect\": \"x\", \"timeuot_s\": 3}\n"
			  "  ],\n"
			  "  \"exit\": {\"debug_exit\": 0}\n"
			  "}\n",
			  "4:21", "unknown key 'timeuot_s' in a step (did you mean 'timeout_s'?)");
	assert_load_error("{\n"
			  "  \"guest\": {\"kernel\": \"k\",\n"
			  "            \"kernal\": \"k2\"},\n"
			  "  \"steps\": [], \"exit\": {\"debug_exit\": 0}\n"
			  "}\n",
			  "3:13", "unknown key 'kernal' in guest (did you mean 'kernel'?)");
	assert_load_error(MIN_FIXTURE("  \"frobnicate\": 1,\n"), "3:3",
			  "unknown key 'frobnicate' in a fixture");
}
END_TEST

/* The hint is the closest key, not merely one that is close enough. */
START_TEST(unknown_key_hint_is_the_closest)
{
	assert_load_error("{\n"
			  "  \"guest\": {\"kernel\": \"k\"},\n"
			  "  \"steps\": [{\"qmd\": \"stop\"}],\n"
			  "  \"exit\": {\"debug_exit\": 0}\n"
			  "}\n",
			  "3:14", "unknown key 'qmd' in a step (did you mean 'qmp'?)");
}
END_TEST

/* Columns count characters, not bytes; and a key with '/' or '~' (which a
 * JSON pointer escapes) is still found. */
START_TEST(unknown_key_position_utf8_and_pointer_escapes)
{
	assert_load_error(
		MIN_FIXTURE("  \"description\": \"h\xc3\xa9llo \xe2\x82\xac\", \"bogus\": 1,\n"),
		"3:29", "unknown key 'bogus' in a fixture");
	assert_load_error(MIN_FIXTURE("\n  \"a/b~c\": 1,\n"), "4:3",
			  "unknown key 'a/b~c' in a fixture");
}
END_TEST

START_TEST(json_syntax_error_line_and_column)
{
	assert_load_error("{\n"
			  "  \"guest\": {\"kernel\": \"k\"},\n"
			  "  \"steps\": [\n"
			  "    {\"expect\": \"a\"}\n"
			  "    {\"expect\": \"b\"}\n"
			  "  ],\n"
			  "  \"exit\": {\"debug_exit\": 0}\n"
			  "}\n",
			  "5:5", "']' expected near '{'");
	assert_load_error("{\n  \"guest\": {\"kernel\": \"k\"},\n  \"steps\": ]\n}\n", "3:12",
			  "unexpected token near ']'");
	assert_load_error("{\n  \"guest\": {\"kernel\": \"k\"},\n  \"guest\": {}\n}\n", "3:9",
			  "duplicate object key near '\"guest\"'");
	assert_load_error("", "1:0", "'[' or '{' expected near end of file");
}
END_TEST

START_TEST(missing_file)
{
	char err[1024], path[PATH_MAX + 16];

	snprintf(path, sizeof(path), "%s/none.json", area_dir);
	ck_assert_ptr_null(fixture_load(path, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, path));
	ck_assert_ptr_nonnull(strstr(err, "No such file or directory"));
}
END_TEST

START_TEST(wrong_types)
{
	assert_load_error(MIN_FIXTURE("  \"timeout_s\": \"10\",\n"), "3:3",
			  "'timeout_s' must be a number");
	assert_load_error(MIN_FIXTURE("  \"record\": \"yes\",\n"), "3:3",
			  "'record' must be true or false");
	assert_load_error(MIN_FIXTURE("  \"machine\": {\"memory_mb\": 64.5},\n"), "3:15",
			  "'memory_mb' must be an integer");
	assert_load_error(MIN_FIXTURE("  \"fail_patterns\": [\"ok\", 42],\n"), "3:27",
			  "a fail pattern must be an object");
	assert_load_error(
		"{\n  \"guest\": \"k\",\n  \"steps\": [], \"exit\": {\"running\": true}\n}\n",
		"2:3", "'guest' must be an object");
	assert_load_error("{\n  \"guest\": {\"kernel\": \"k\", \"modules\": [\"a\", 7]},\n"
			  "  \"steps\": [], \"exit\": {\"running\": true}\n}\n",
			  "2:45", "must be a string");
	assert_load_error("{\n  \"guest\": {\"kernel\": \"k\"},\n"
			  "  \"steps\": [{\"qmp\": \"x\", \"arguments\": [1]}],\n"
			  "  \"exit\": {\"running\": true}\n}\n",
			  "3:26", "'arguments' must be an object");
	assert_load_error("{\n  \"guest\": {\"kernel\": \"k\"},\n  \"steps\": [\"expect\"],\n"
			  "  \"exit\": {\"running\": true}\n}\n",
			  "3:13", "a step must be an object");
	assert_load_error("[1, 2]\n", "1:1", "a fixture must be an object");
}
END_TEST

START_TEST(required_keys)
{
	assert_load_error("{\n  \"steps\": [], \"exit\": {\"running\": true}\n}\n", "1:1",
			  "a fixture needs the key 'guest'");
	assert_load_error(
		"{\n  \"guest\": {},\n  \"steps\": [], \"exit\": {\"running\": true}\n}\n", "2:3",
		"guest needs the key 'kernel'");
	assert_load_error("{\n  \"guest\": {\"kernel\": \"k\"},\n  \"steps\": []\n}\n", "1:1",
			  "a fixture needs the key 'exit'");
}
END_TEST

START_TEST(bad_values)
{
	assert_load_error(MIN_FIXTURE("  \"machine\": {\"type\": \"pc99\"},\n"), "3:15",
			  "machine type must be pc, q35 or microvm, not 'pc99'");
	assert_load_error(MIN_FIXTURE("  \"machine\": {\"accel\": \"fast\"},\n"), "3:15",
			  "accel must be auto, tcg or kvm, not 'fast'");
	assert_load_error(MIN_FIXTURE("  \"machine\": {\"memory_mb\": 1},\n"), "3:15",
			  "memory_mb must be between 2 and 65536");
	assert_load_error(MIN_FIXTURE("  \"machine\": {\"cpus\": 0},\n"), "3:15",
			  "cpus must be between 1 and 64");
	assert_load_error(MIN_FIXTURE("  \"timeout_s\": 0,\n"), "3:3",
			  "timeout_s must be more than 0 and at most 86400 seconds");
	assert_load_error(MIN_FIXTURE("  \"silent_timeout_s\": -1,\n"), "3:3",
			  "silent_timeout_s must be more than 0 and at most 86400 seconds");
	assert_load_error(MIN_FIXTURE("  \"marker_prefix\": \"\",\n"), "3:3",
			  "marker_prefix must not be empty");
	assert_load_error("{\n  \"guest\": {\"kernel\": \"k\", \"disks\": [{\"file\": \"d\", "
			  "\"interface\": \"scsi\"}]},\n"
			  "  \"steps\": [], \"exit\": {\"running\": true}\n}\n",
			  "2:38", "disk interface must be virtio or ide, not 'scsi'");
	assert_load_error("{\n  \"guest\": {\"kernel\": \"k\", \"disks\": [{\"file\": \"d\", "
			  "\"format\": \"qcow3\"}]},\n"
			  "  \"steps\": [], \"exit\": {\"running\": true}\n}\n",
			  "2:38", "disk format must be raw or qcow2, not 'qcow3'");
	assert_load_error("{\n  \"guest\": {\"kernel\": \"k\", \"disks\": [{\"file\": \"d\", "
			  "\"readonly\": true, \"snapshot\": true}]},\n"
			  "  \"steps\": [], \"exit\": {\"running\": true}\n}\n",
			  "2:38", "a disk is readonly or snapshot, not both");
	assert_load_error(
		"{\n  \"guest\": {\"kernel\": \"k\", \"initrd\": \"i\", \"modules\": [\"m\"]},\n"
		"  \"steps\": [], \"exit\": {\"running\": true}\n}\n",
		"2:43", "use either initrd or modules, not both*");
	assert_load_error(
		"{\n  \"guest\": {\"kernel\": \"k\"}, \"timeout_s\": 1,\n"
		"  \"silent_timeout_s\": 3, \"steps\": [], \"exit\": {\"running\": true}\n}\n",
		"3:3", "silent_timeout_s (3) must not be longer than timeout_s (1)");
}
END_TEST

START_TEST(bad_steps)
{
	assert_load_error(
		"{\n  \"guest\": {\"kernel\": \"k\"},\n"
		"  \"steps\": [{\"expect\": \"\"}],\n  \"exit\": {\"running\": true}\n}\n",
		"3:14", "a pattern must not be empty");
	assert_load_error(
		"{\n  \"guest\": {\"kernel\": \"k\"},\n"
		"  \"steps\": [{\"expect_re\": \"(unclosed\"}],\n  \"exit\": {\"running\": true}\n}\n",
		"3:14", "bad regular expression '(unclosed': *");
	assert_load_error(
		"{\n  \"guest\": {\"kernel\": \"k\"},\n"
		"  \"steps\": [{\"expect_re\": \"a++\"}],\n  \"exit\": {\"running\": true}\n}\n",
		"3:14", "regular expression 'a++' refused: two repetition operators in a row *");
	assert_load_error(
		"{\n  \"guest\": {\"kernel\": \"k\"},\n"
		"  \"steps\": [{\"expect\": \"a\", \"send\": \"b\"}],\n  \"exit\": {\"running\": true}\n}\n",
		"3:13", "a step has one action, but this one has 'expect' and 'send'");
	assert_load_error(
		"{\n  \"guest\": {\"kernel\": \"k\"},\n"
		"  \"steps\": [{\"timeout_s\": 1}],\n  \"exit\": {\"running\": true}\n}\n",
		"3:13", "a step needs one of *");
	assert_load_error(
		"{\n  \"guest\": {\"kernel\": \"k\"},\n"
		"  \"steps\": [{\"expect\": \"a\", \"returns\": {}}],\n  \"exit\": {\"running\": true}\n}\n",
		"3:29", "'returns' belongs to a 'qmp' step, not 'expect'");
	assert_load_error(
		"{\n  \"guest\": {\"kernel\": \"k\"},\n"
		"  \"steps\": [{\"unordered\": [{\"expect\": \"a\"}, {\"send\": \"b\"}]}],\n"
		"  \"exit\": {\"running\": true}\n}\n",
		"3:46", "an unordered group holds only expect and expect_re steps");
	assert_load_error(
		"{\n  \"guest\": {\"kernel\": \"k\"},\n"
		"  \"steps\": [{\"unordered\": []}],\n  \"exit\": {\"running\": true}\n}\n",
		"3:13", "an unordered group needs at least one step");
	assert_load_error(
		"{\n  \"guest\": {\"kernel\": \"k\"},\n"
		"  \"steps\": [{\"qmp\": \"x\", \"returns\": {}, \"error_class\": \"E\"}],\n"
		"  \"exit\": {\"running\": true}\n}\n",
		"3:13", "a qmp step expects either 'returns' or 'error_class', not both");
	assert_load_error("{\n  \"guest\": {\"kernel\": \"k\"},\n"
			  "  \"steps\": [{\"expect\": \"a\", \"id\": \"s\"},\n"
			  "            {\"expect\": \"b\", \"id\": \"s\"}],\n"
			  "  \"exit\": {\"running\": true}\n}\n",
			  "4:29", "step id 's' is used twice");
	assert_load_error(
		"{\n  \"guest\": {\"kernel\": \"k\"},\n"
		"  \"steps\": [{\"expect\": \"a\", \"timeout_s\": 0}],\n  \"exit\": {\"running\": true}\n}\n",
		"3:29", "timeout_s must be more than 0 and at most 86400 seconds");
}
END_TEST

#define FROM_STEP_FIXTURE(from)                                                          \
	"{\n"                                                                            \
	"  \"guest\": {\"kernel\": \"k\"},\n"                                            \
	"  \"steps\": [{\"expect\": \"a\"}, {\"expect\": \"b\", \"id\": \"second\"}],\n" \
	"  \"fail_patterns\": [{\"literal\": \"oops\", \"from_step\": " from "}],\n"     \
	"  \"exit\": {\"running\": true}\n"                                              \
	"}\n"

START_TEST(from_step_by_index_and_id)
{
	char err[1024] = "";
	struct fixture *f;

	f = fixture_load(write_fixture("idx", FROM_STEP_FIXTURE("1")), err, sizeof(err));
	ck_assert_msg(f != NULL, "%s", err);
	ck_assert_uint_eq(f->fails[0].from_step, 1);
	fixture_free(f);
	f = fixture_load(write_fixture("id", FROM_STEP_FIXTURE("\"second\"")), err, sizeof(err));
	ck_assert_msg(f != NULL, "%s", err);
	ck_assert_uint_eq(f->fails[0].from_step, 1);
	fixture_free(f);
	f = fixture_load(write_fixture("zero", FROM_STEP_FIXTURE("0")), err, sizeof(err));
	ck_assert_msg(f != NULL, "%s", err);
	ck_assert_uint_eq(f->fails[0].from_step, 0);
	fixture_free(f);
}
END_TEST

START_TEST(from_step_bad)
{
	assert_load_error(FROM_STEP_FIXTURE("2"), "4:41",
			  "from_step must be a step index (0 to 1) or a step id");
	assert_load_error(FROM_STEP_FIXTURE("-1"), "4:41",
			  "from_step must be a step index (0 to 1) or a step id");
	assert_load_error(FROM_STEP_FIXTURE("\"third\""), "4:41",
			  "from_step must be a step index (0 to 1) or a step id");
	assert_load_error(FROM_STEP_FIXTURE("true"), "4:41",
			  "from_step must be a step index (0 to 1) or a step id");
	assert_load_error(
		MIN_FIXTURE("  \"fail_patterns\": [{\"literal\": \"a\", \"regex\": \"b\"}],\n"),
		"3:21", "a fail pattern needs exactly one of 'literal' and 'regex'");
}
END_TEST

static struct fixture *load_exit(const char *exit_json, char *err, size_t errlen)
{
	char text[512];

	snprintf(text, sizeof(text),
		 "{\n  \"guest\": {\"kernel\": \"k\"},\n  \"steps\": [],\n  \"exit\": %s\n}\n",
		 exit_json);
	return fixture_load(write_fixture("exit", text), err, errlen);
}

START_TEST(exit_variants)
{
	static const struct {
		const char *json;
		enum exit_kind kind;
		int code;
	} ok[] = {{"{\"debug_exit\": 0}", EXIT_DEBUG, 0},
		  {"{\"debug_exit\": 127}", EXIT_DEBUG, 127},
		  {"{\"shutdown\": true}", EXIT_SHUTDOWN, 0},
		  {"{\"running\": true}", EXIT_RUNNING, 0}};
	static const char *const bad[] = {
		"{}",
		"{\"running\": false}",
		"{\"shutdown\": false}",
		"{\"shutdown\": true, \"running\": true}",
		"{\"debug_exit\": 1, \"shutdown\": false}",
	};
	char err[1024];

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct fixture *f = load_exit(ok[i].json, err, sizeof(err));
		ck_assert_msg(f != NULL, "%s: %s", ok[i].json, err);
		ck_assert_int_eq(f->exit.kind, ok[i].kind);
		if (ok[i].kind == EXIT_DEBUG)
			ck_assert_int_eq(f->exit.code, ok[i].code);
		fixture_free(f);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(load_exit(bad[i], err, sizeof(err)) == NULL, "%s loaded", bad[i]);
		ck_assert_msg(strstr(err, ":4:3: exit needs exactly one of") != NULL, "%s: %s",
			      bad[i], err);
	}
	ck_assert_ptr_null(load_exit("{\"debug_exit\": 128}", err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, ":4:12: debug_exit must be 0 to 127"));
	ck_assert_ptr_null(load_exit("{\"debug_exit\": -1}", err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, ":4:12: debug_exit must be 0 to 127"));
	ck_assert_ptr_null(load_exit("{\"debug_exit\": \"16\"}", err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, ":4:12: 'debug_exit' must be an integer"));
	ck_assert_ptr_null(load_exit("{\"halt\": true}", err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, ":4:12: unknown key 'halt' in exit"));
}
END_TEST

/* A loader error leaks nothing, wherever it stops (ASan checks). */
START_TEST(errors_free_everything)
{
	char err[1024];
	struct fixture *f = fixture_load(
		write_fixture(
			"late",
			"{\n  \"guest\": {\"kernel\": \"k\", \"modules\": [\"m\"]},\n"
			"  \"fail_patterns\": [{\"regex\": \"a+\"}],\n"
			"  \"steps\": [{\"expect_re\": \"x\"}, {\"qmp\": \"q\", \"returns\": {}},\n"
			"            {\"unordered\": [{\"expect\": \"u\"}]}],\n"
			"  \"exit\": {\"debug_exit\": 300}\n}\n"),
		err, sizeof(err));

	ck_assert_ptr_null(f);
	ck_assert_ptr_nonnull(strstr(err, "debug_exit must be 0 to 127"));
}
END_TEST

/* A fixture with machine.network (ports `ports`) and one step `step`. */
#define NET_FIXTURE(ports, step)                                \
	"{\n"                                                   \
	"  \"guest\": {\"kernel\": \"k.mb\"},\n"                \
	"  \"machine\": {\"network\": {\"udp\": " ports "}},\n" \
	"  \"steps\": [" step "],\n"                            \
	"  \"exit\": {\"running\": true}\n"                     \
	"}\n"

/* machine.network and udp_send: ports, payload repeated to size, replies. */
START_TEST(network_and_udp_steps)
{
	char err[1024] = "";
	struct fixture *f = fixture_load(
		write_fixture(
			"net",
			NET_FIXTURE("[7, 9]",
				    "{\"udp_send\": \"ab\", \"port\": 9, \"size\": 5},\n"
				    "{\"udp_send\": \"hi\", \"port\": 7, \"reply\": \"hi\"},\n"
				    "{\"udp_send\": \"x\", \"port\": 7, \"reply_re\": \"^x+$\"}")),
		err, sizeof(err));

	ck_assert_msg(f != NULL, "%s", err);
	ck_assert_uint_eq(f->machine.n_udp_ports, 2);
	ck_assert_int_eq(f->machine.udp_ports[0], 7);
	ck_assert_int_eq(f->machine.udp_ports[1], 9);
	ck_assert_int_eq(f->steps[0].kind, STEP_UDP);
	ck_assert_int_eq(f->steps[0].udp_port, 9);
	ck_assert_uint_eq(f->steps[0].udp_len, 5);
	ck_assert_str_eq(f->steps[0].udp_payload, "ababa");
	ck_assert(!f->steps[0].has_reply);
	ck_assert(f->steps[1].has_reply && !f->steps[1].reply.is_regex);
	ck_assert(f->steps[2].has_reply && f->steps[2].reply.is_regex);
	char *d = fixture_step_describe(&f->steps[1]);
	ck_assert_str_eq(d, "udp_send 2 bytes to guest port 7, expecting reply 'hi'");
	free(d);
	fixture_free(f);
}
END_TEST

START_TEST(network_bad)
{
	assert_load_error(NET_FIXTURE("[]", ""), "3:27", "network.udp lists 1 to 8 guest ports");
	assert_load_error(NET_FIXTURE("[0]", ""), "3:35",
			  "a guest UDP port is an integer from 1 to 65535");
	assert_load_error(NET_FIXTURE("[7, 7]", ""), "3:38", "guest UDP port 7 is listed twice");
	assert_load_error(NET_FIXTURE("[\"7\"]", ""), "3:35",
			  "a guest UDP port is an integer from 1 to 65535");
	assert_load_error("{\n  \"guest\": {\"kernel\": \"k\"},\n"
			  "  \"machine\": {\"network\": {\"tcp\": [23]}},\n"
			  "  \"steps\": [], \"exit\": {\"running\": true}\n}\n",
			  "3:27", "unknown key 'tcp' in machine.network*");
}
END_TEST

START_TEST(udp_step_bad)
{
	assert_load_error("{\n  \"guest\": {\"kernel\": \"k\"},\n"
			  "  \"steps\": [{\"udp_send\": \"x\"}],\n"
			  "  \"exit\": {\"running\": true}\n}\n",
			  "3:14", "a udp_send step needs machine.network with a udp port");
	assert_load_error(NET_FIXTURE("[7, 9]", "{\"udp_send\": \"x\"}"), "4:14",
			  "machine.network forwards 2 udp ports: say which with 'port'");
	assert_load_error(NET_FIXTURE("[7]", "{\"udp_send\": \"x\", \"port\": 8}"), "4:31",
			  "guest port 8 is not in machine.network.udp");
	assert_load_error(NET_FIXTURE("[7]", "{\"udp_send\": \"\"}"), "4:14",
			  "udp_send needs 1 to 65507 bytes");
	assert_load_error(NET_FIXTURE("[7]", "{\"udp_send\": \"x\", \"size\": 70000}"), "4:31",
			  "size must be from 1 to 65507 bytes");
	assert_load_error(
		NET_FIXTURE("[7]", "{\"udp_send\": \"x\", \"reply\": \"a\", \"reply_re\": \"b\"}"),
		"4:13", "a udp_send step expects 'reply' or 'reply_re', not both");
	assert_load_error(NET_FIXTURE("[7]", "{\"udp_send\": \"x\", \"reply_re\": \"(\"}"), "4:31",
			  "bad regular expression '(':*");
	assert_load_error(NET_FIXTURE("[7]", "{\"expect\": \"x\", \"reply\": \"a\"}"), "4:29",
			  "'reply' belongs to a 'udp_send' step, not 'expect'");
	assert_load_error("{\n  \"guest\": {\"kernel\": \"k\"}, \"record\": true,\n"
			  "  \"machine\": {\"network\": {\"udp\": [7]}},\n"
			  "  \"steps\": [], \"exit\": {\"running\": true}\n}\n",
			  "2:29", "a case with machine.network cannot be recorded");
}
END_TEST

static Suite *fixture_suite(void)
{
	Suite *s = suite_create("fixture");
	TCase *ok = tcase_create("valid");
	TCase *bad = tcase_create("errors");

	tcase_add_checked_fixture(ok, tmp_setup, tmp_teardown);
	tcase_add_checked_fixture(bad, tmp_setup, tmp_teardown);
	tcase_add_test(ok, valid_fixture_every_key);
	tcase_add_test(ok, defaults_of_a_minimal_fixture);
	tcase_add_test(ok, name_and_short_timeout);
	tcase_add_test(ok, relative_paths_resolve_against_fixture_dir);
	tcase_add_test(ok, from_step_by_index_and_id);
	tcase_add_test(ok, exit_variants);
	tcase_add_test(bad, unknown_key_names_its_position_and_a_hint);
	tcase_add_test(bad, unknown_key_hint_is_the_closest);
	tcase_add_test(bad, unknown_key_position_utf8_and_pointer_escapes);
	tcase_add_test(bad, json_syntax_error_line_and_column);
	tcase_add_test(bad, missing_file);
	tcase_add_test(bad, wrong_types);
	tcase_add_test(bad, required_keys);
	tcase_add_test(bad, bad_values);
	tcase_add_test(bad, bad_steps);
	tcase_add_test(bad, from_step_bad);
	tcase_add_test(bad, errors_free_everything);
	tcase_add_test(ok, network_and_udp_steps);
	tcase_add_test(bad, network_bad);
	tcase_add_test(bad, udp_step_bad);
	suite_add_tcase(s, ok);
	suite_add_tcase(s, bad);
	return s;
}

int main(void)
{
	return check_main_run(fixture_suite());
}
