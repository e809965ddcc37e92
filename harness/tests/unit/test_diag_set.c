/* test_diag_set.c: the library API of kiln/diag.h as the runner uses it:
 * dedup and first-appearance order, fallbacks, amendments, exit facts,
 * strictness, lines and JSON, and scanning that does not depend on how the
 * input is cut into chunks.
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kiln/diag/diag.h"

#include "check_main.h"

static char *scan(enum diag_source from, const char *text)
{
	struct diag_set *set = diag_set_new();
	char *out;

	diag_scan_buffer(set, from, text, strlen(text));
	out = diag_set_text(set, false);
	diag_set_free(set);
	return out;
}

#define ck_scan(from, text, want)              \
	do {                                   \
		char *got_ = scan(from, text); \
		ck_assert_str_eq(got_, want);  \
		free(got_);                    \
	} while (0)

START_TEST(dedup_keeps_first_appearance_order)
{
	ck_scan(DIAG_FROM_LD,
		"a.c:(.text+0x5): undefined reference to `zeta'\n"
		"ld.lld: error: undefined symbol: alpha\n"
		"b.c:(.text+0x9): undefined reference to `zeta'\n"
		"ld.gold: error: x.o: multiple definition of 'alpha'\n",
		"SMOKES_ERR: symbol_missing:zeta\nSMOKES_ERR: symbol_missing:alpha\n"
		"SMOKES_ERR: symbol_duplicate:alpha\n");
}
END_TEST

START_TEST(fallback_only_without_a_specific_error)
{
	ck_scan(DIAG_FROM_LD, "collect2: error: ld returned 1 exit status\n",
		"SMOKES_ERR: ld_failed:1\n");
	ck_scan(DIAG_FROM_LD,
		"collect2: error: ld returned 1 exit status\n"
		"ld.lld: error: undefined symbol: f\n",
		"SMOKES_ERR: symbol_missing:f\n");
	/* a warning explains no failure: the fallback stays */
	ck_scan(DIAG_FROM_LD,
		"ld: warning: a.out has a LOAD segment with RWX permissions\n"
		"collect2: error: ld returned 1 exit status\n",
		"SMOKES_WARN: rwx_segment\nSMOKES_ERR: ld_failed:1\n");
}
END_TEST

START_TEST(amendments)
{
	/* gold: a missing script is "cannot open", then "unable to parse" */
	ck_scan(DIAG_FROM_LD,
		"ld.gold: error: cannot open /x/k.ld: No such file or directory\n"
		"ld.gold: fatal error: unable to parse script file /x/k.ld\n",
		"SMOKES_ERR: script_missing:k.ld\n");
	/* a script that exists but does not parse is not "missing" */
	ck_scan(DIAG_FROM_LD, "ld.gold: fatal error: unable to parse script file k.ld\n", "");
	/* a KVM error QEMU recovers from is a warning */
	ck_scan(DIAG_FROM_QEMU,
		"qemu-system-x86_64: -accel kvm: failed to initialize kvm: Permission denied\n"
		"qemu-system-x86_64: falling back to tcg\n",
		"SMOKES_WARN: kvm_unavailable:permission_denied\nSMOKES_WARN: accel_fallback:tcg\n");
	ck_scan(DIAG_FROM_QEMU,
		"qemu-system-x86_64: -accel kvm: failed to initialize kvm: Permission denied\n",
		"SMOKES_ERR: kvm_unavailable:permission_denied\n");
	/* Rugo's marker restates the panic line before it */
	ck_scan(DIAG_FROM_CONSOLE,
		"panic: walk: bad level (caller=0x1023a0)\nRUGO: panic code=0x6\n",
		"SMOKES_ERR: panic:walk: bad level\n");
	ck_scan(DIAG_FROM_CONSOLE, "RUGO: panic code=0x6\n", "SMOKES_ERR: panic:code=0x6\n");
}
END_TEST

/* Lines of other tools that share a rule's words stay silent. */
START_TEST(lookalikes_from_other_tools)
{
	ck_scan(DIAG_FROM_AUTO,
		"debconf: falling back to frontend: Readline\n"
		"sh: 1: gcc: not found\n"
		"configure: cannot find python3\n"
		"make: gcc: No such file or directory\n",
		"");
}
END_TEST

START_TEST(severity_is_the_strongest_seen)
{
	ck_scan(DIAG_FROM_LD,
		"ld: x.o: warning: relocation against `t' in read-only section `.text'\n"
		"ld: read-only segment has dynamic relocations\n",
		"SMOKES_ERR: textrel\n");
}
END_TEST

START_TEST(sources_select_tables)
{
	const char *text =
		"ld.lld: error: undefined symbol: f\nqemu-system-x86_64: unsupported machine type\n";

	ck_scan(DIAG_FROM_LD, text, "SMOKES_ERR: symbol_missing:f\n");
	ck_scan(DIAG_FROM_QEMU, text, "SMOKES_ERR: machine_unknown\n");
	ck_scan(DIAG_FROM_CONSOLE, text, "");
	ck_scan(DIAG_FROM_AUTO, text,
		"SMOKES_ERR: symbol_missing:f\nSMOKES_ERR: machine_unknown\n");
}
END_TEST

/* Chunk boundaries never change the result: every split of the input into
 * two pieces, and a byte at a time, give what one buffer gives. */
START_TEST(chunking_does_not_matter)
{
	const char *text =
		"noise\r\nld.lld: error: undefined symbol: f\nb.c: undefined reference to `g'\n"
		"[    1.0] BUG: kernel NULL pointer dereference, address: 0\n"
		"[    1.1] RIP: 0010:bad_func+0x1/0x2 [m]\n"
		"[    1.2] ---[ end trace 0000000000000000 ]---\n"
		"collect2: error: ld returned 1 exit status";
	size_t len = strlen(text);
	char *whole = scan(DIAG_FROM_AUTO, text);

	ck_assert_str_eq(whole, "SMOKES_ERR: symbol_missing:f\nSMOKES_ERR: symbol_missing:g\n"
				"SMOKES_ERR: null_deref:bad_func\n");
	for (size_t cut = 0; cut <= len; cut++) {
		struct diag_set *set = diag_set_new();
		struct diag_scan *sc = diag_scan_new(set, DIAG_FROM_AUTO);
		char *got;

		diag_scan_feed(sc, text, cut);
		diag_scan_feed(sc, text + cut, len - cut);
		diag_scan_end(sc);
		got = diag_set_text(set, false);
		ck_assert_msg(!strcmp(got, whole), "cut at %zu: %s", cut, got);
		free(got);
		diag_set_free(set);
	}
	{
		struct diag_set *set = diag_set_new();
		struct diag_scan *sc = diag_scan_new(set, DIAG_FROM_AUTO);
		char *got;

		for (size_t i = 0; i < len; i++)
			diag_scan_feed(sc, text + i, 1);
		diag_scan_end(sc);
		got = diag_set_text(set, false);
		ck_assert_str_eq(got, whole);
		free(got);
		diag_set_free(set);
	}
	free(whole);
}
END_TEST

/* A line longer than DIAG_LINE_MAX is judged on its start, fed whole or
 * in pieces. */
START_TEST(long_lines)
{
	size_t pad = DIAG_LINE_MAX * 2;
	char *text = malloc(pad + 200), want[27 + DIAG_SUBJECT_MAX + 64];
	const char *tail =
		" undefined reference to `late'\nld.lld: error: undefined symbol: next\n";

	memset(text, 'x', pad);
	strcpy(text + pad, tail);
	ck_scan(DIAG_FROM_LD, text, "SMOKES_ERR: symbol_missing:next\n");
	memcpy(text, "ld.lld: error: undefined symbol: early ", 39);
	{
		struct diag_set *set = diag_set_new();
		struct diag_scan *sc = diag_scan_new(set, DIAG_FROM_LD);
		char *got;

		for (size_t i = 0; i < strlen(text); i += 1000)
			diag_scan_feed(sc, text + i,
				       strlen(text + i) < 1000 ? strlen(text + i) : 1000);
		diag_scan_end(sc);
		got = diag_set_text(set, false);
		/* the subject is the start of the line, cut at DIAG_SUBJECT_MAX */
		memset(want, 'x', sizeof(want));
		memcpy(want, "SMOKES_ERR: symbol_missing:early ", 33);
		strcpy(want + 27 + DIAG_SUBJECT_MAX, "\nSMOKES_ERR: symbol_missing:next\n");
		ck_assert_str_eq(got, want);
		free(got);
		diag_set_free(set);
	}
	free(text);
}
END_TEST

START_TEST(exit_facts)
{
	struct diag_set *set = diag_set_new();
	char *got;

	diag_note_exit(set, W_EXITCODE(85, 0), false);
	diag_note_exit(set, W_EXITCODE(0, SIGKILL), false);
	diag_note_exit(set, 0, true);
	diag_note_exit(set, W_EXITCODE(0, 0), false); /* clean */
	diag_note_exit(set, W_EXITCODE(2, 0), false); /* even: not isa-debug-exit */
	got = diag_set_text(set, false);
	ck_assert_str_eq(got, "SMOKES_ERR: guest_exit:42\nSMOKES_ERR: qemu_killed:SIGKILL\n"
			      "SMOKES_ERR: triple_fault\n");
	free(got);
	diag_set_free(set);

	/* status 1 after a QEMU error is QEMU's failure, not the guest's 0 */
	set = diag_set_new();
	diag_scan_buffer(set, DIAG_FROM_QEMU, "qemu-system-x86_64: unsupported machine type\n", 45);
	diag_note_exit(set, W_EXITCODE(1, 0), false);
	got = diag_set_text(set, false);
	ck_assert_str_eq(got, "SMOKES_ERR: machine_unknown\n");
	free(got);
	diag_set_free(set);
	set = diag_set_new();
	diag_note_exit(set, W_EXITCODE(1, 0), false);
	got = diag_set_text(set, false);
	ck_assert_str_eq(got, "SMOKES_ERR: guest_exit:0\n");
	free(got);
	diag_set_free(set);
}
END_TEST

START_TEST(strict_and_failed)
{
	struct diag_set *set = diag_set_new();
	const char *warn = "ld: warning: a.out has a LOAD segment with RWX permissions\n";
	char *got;

	ck_assert(!diag_set_failed(set, true));
	got = diag_set_text(set, true);
	ck_assert_str_eq(got, "");
	free(got);
	diag_scan_buffer(set, DIAG_FROM_LD, warn, strlen(warn));
	ck_assert(!diag_set_failed(set, false));
	ck_assert(diag_set_failed(set, true));
	got = diag_set_text(set, true);
	ck_assert_str_eq(got, "SMOKES_ERR: rwx_segment\n");
	free(got);
	ck_assert_int_eq(diag_finding_severity(diag_set_first(set), false), DIAG_WARN);
	ck_assert_int_eq(diag_finding_severity(diag_set_first(set), true), DIAG_ERR);
	ck_assert_uint_eq(diag_set_count(set), 1);
	diag_set_free(set);
	diag_set_free(NULL);
}
END_TEST

START_TEST(strict_from_env)
{
	unsetenv("CI_STRICT");
	ck_assert(!diag_strict_from_env());
	setenv("CI_STRICT", "0", 1);
	ck_assert(!diag_strict_from_env());
	setenv("CI_STRICT", "1", 1);
	ck_assert(diag_strict_from_env());
	unsetenv("CI_STRICT");
}
END_TEST

START_TEST(json_objects)
{
	struct diag_set *set = diag_set_new();
	/* invalid UTF-8 in the raw line becomes U+FFFD, a control byte is
	 * kept (Jansson escapes it): the dump must succeed */
	const char *text =
		"x\xff\x01: undefined reference to `f'\nqemu-system-x86_64: unsupported machine type\n";
	json_t *arr;
	char *dump;

	diag_scan_buffer(set, DIAG_FROM_AUTO, text, strlen(text));
	arr = diag_set_to_json(set, false);
	ck_assert_uint_eq(json_array_size(arr), 2);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(arr, 0), "severity")),
			 "error");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(arr, 0), "code")),
			 "symbol_missing");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(arr, 0), "subject")),
			 "f");
	ck_assert_str_eq(
		json_string_value(json_object_get(json_array_get(arr, 0), "first_raw_line")),
		"x\xEF\xBF\xBD\x01: undefined reference to `f'");
	ck_assert(json_is_null(json_object_get(json_array_get(arr, 1), "subject")));
	ck_assert_uint_eq(json_object_size(json_array_get(arr, 1)), 4);
	dump = json_dumps(arr, 0);
	ck_assert_ptr_nonnull(dump);
	free(dump);
	json_decref(arr);
	diag_set_free(set);
}
END_TEST

START_TEST(scan_file_reports_errors)
{
	struct diag_set *set = diag_set_new();
	char path[] = "/tmp/test_diag_set.XXXXXX";
	int fd = mkstemp(path);
	const char *text = "ld.lld: error: undefined symbol: from_file";
	char *got;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	ck_assert_int_eq(diag_scan_file(set, DIAG_FROM_LD, path), 0);
	unlink(path);
	ck_assert_int_eq(diag_scan_file(set, DIAG_FROM_LD, path), -1);
	got = diag_set_text(set, false);
	ck_assert_str_eq(got, "SMOKES_ERR: symbol_missing:from_file\n");
	free(got);
	diag_set_free(set);
}
END_TEST

START_TEST(source_names)
{
	enum diag_source s;

	ck_assert_int_eq(diag_source_parse("ld", &s), 0);
	ck_assert_int_eq(s, DIAG_FROM_LD);
	ck_assert_int_eq(diag_source_parse("auto", &s), 0);
	ck_assert_int_eq(s, DIAG_FROM_AUTO);
	ck_assert_int_eq(diag_source_parse("gold", &s), -1);
}
END_TEST

static Suite *set_suite(void)
{
	Suite *s = suite_create("diag_set");
	TCase *tc = tcase_create("set");

	tcase_add_test(tc, dedup_keeps_first_appearance_order);
	tcase_add_test(tc, fallback_only_without_a_specific_error);
	tcase_add_test(tc, amendments);
	tcase_add_test(tc, lookalikes_from_other_tools);
	tcase_add_test(tc, severity_is_the_strongest_seen);
	tcase_add_test(tc, sources_select_tables);
	tcase_add_test(tc, chunking_does_not_matter);
	tcase_add_test(tc, long_lines);
	tcase_add_test(tc, exit_facts);
	tcase_add_test(tc, strict_and_failed);
	tcase_add_test(tc, strict_from_env);
	tcase_add_test(tc, json_objects);
	tcase_add_test(tc, scan_file_reports_errors);
	tcase_add_test(tc, source_names);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_main_run(set_suite());
}
