/* test_diag_text.c: stripping the volatile parts of a subject
 * (kiln/diag_text.h): each DIAG_STRIP_* bit alone, the generic-frame list,
 * and the length and byte hygiene every subject gets.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "diag/diag_rule.h"
#include "diag/diag_text.h"

#include "check_main.h"

static char out[DIAG_SUBJECT_MAX + 1];

static const char *norm(const char *in, unsigned strips)
{
	diag_text_subject(out, in, strlen(in), strips);
	return out;
}

START_TEST(dir_keeps_basename)
{
	ck_assert_str_eq(norm("/tmp/kiln-x1/nosuch/gone.o", DIAG_STRIP_DIR), "gone.o");
	ck_assert_str_eq(norm("gone.o", DIAG_STRIP_DIR), "gone.o");
	/* a trailing slash leaves nothing to keep: the path stays */
	ck_assert_str_eq(norm("/tmp/dir/", DIAG_STRIP_DIR), "/tmp/dir/");
	ck_assert_str_eq(norm("/a/b.o", 0), "/a/b.o");
}
END_TEST

START_TEST(numbers_and_addresses)
{
	unsigned both = DIAG_STRIP_ADDR | DIAG_STRIP_NUM;

	ck_assert_str_eq(norm("Attempted to kill init! exitcode=0x00000100", both),
			 "Attempted to kill init! exitcode=ADDR");
	ck_assert_str_eq(norm("unknown-block(0,0)", both), "unknown-block(NUM,NUM)");
	ck_assert_str_eq(norm("at ffff888003c2e000 here", both), "at ADDR here");
	/* digits inside identifiers are names, not numbers */
	ck_assert_str_eq(norm("sda1 ext4_fill_super x86_64", both), "sda1 ext4_fill_super x86_64");
	/* eight letters without a digit are a word */
	ck_assert_str_eq(norm("deadbeef facade", DIAG_STRIP_ADDR), "deadbeef facade");
	/* a hex word that runs into an identifier is left alone */
	ck_assert_str_eq(norm("0x12zz", both), "0x12zz");
	ck_assert_str_eq(norm("stuck for 22s!", DIAG_STRIP_NUM), "stuck for NUMs!");
	ck_assert_str_eq(norm("code 42", 0), "code 42");
}
END_TEST

START_TEST(frames)
{
	ck_assert_str_eq(norm("kiln_crash_null+0xc/0x20 [kiln_crash]", DIAG_STRIP_FRAME),
			 "kiln_crash_null");
	ck_assert_str_eq(norm("ext4_find_entry.isra.0+0x1/0x2", DIAG_STRIP_FRAME),
			 "ext4_find_entry");
	ck_assert_str_eq(norm("do_thing.constprop.0", DIAG_STRIP_FRAME), "do_thing");
	ck_assert_str_eq(norm("f.cold+0x5/0x9", DIAG_STRIP_FRAME), "f");
	/* a dotted symbol of a linker rule is not a frame */
	ck_assert_str_eq(norm("env.gc.stats", DIAG_STRIP_DIR), "env.gc.stats");
}
END_TEST

START_TEST(dashes_words_signals)
{
	ck_assert_str_eq(norm("--kiln-nosuch", DIAG_STRIP_DASH), "kiln-nosuch");
	ck_assert_str_eq(norm("-kiln-nosuch", DIAG_STRIP_DASH), "kiln-nosuch");
	ck_assert_str_eq(norm("-", DIAG_STRIP_DASH), "-");
	ck_assert_str_eq(norm("Permission denied", DIAG_FOLD_WORDS), "permission_denied");
	ck_assert_str_eq(norm("15", DIAG_FOLD_SIGNAL), "SIGTERM");
	ck_assert_str_eq(norm("9", DIAG_FOLD_SIGNAL), "SIGKILL");
	ck_assert_str_eq(norm("TERM", DIAG_FOLD_SIGNAL), "TERM");
}
END_TEST

START_TEST(hygiene)
{
	char in[DIAG_SUBJECT_MAX * 2];
	size_t n;

	/* inner control bytes, tab included, cannot appear in a one-line subject */
	ck_assert_str_eq(norm("  a\tb\x01\x7f  ", 0), "a?b??");
	ck_assert_str_eq(norm("\t", 0), "");
	/* a long subject is cut on a UTF-8 boundary: é is two bytes */
	for (size_t i = 0; i + 1 < sizeof(in); i += 2)
		memcpy(in + i, "\xC3\xA9", 2);
	n = diag_text_subject(out, in, sizeof(in), 0);
	ck_assert_uint_le(n, DIAG_SUBJECT_MAX);
	ck_assert_uint_eq(n % 2, 0);
	ck_assert_uint_eq(strlen(out), n);
}
END_TEST

START_TEST(generic_frames)
{
	ck_assert(diag_frame_is_generic("dump_stack_lvl"));
	ck_assert(diag_frame_is_generic("__schedule"));
	ck_assert(diag_frame_is_generic("msleep"));
	ck_assert(diag_frame_is_generic("kasan_report"));
	ck_assert(!diag_frame_is_generic("kiln_crash_null"));
	ck_assert(!diag_frame_is_generic("do_one_initcall"));
	ck_assert(!diag_frame_is_generic("kasan_global_oob_right")); /* a KASAN test */
	ck_assert(diag_frame_is_generic("ksize"));
	ck_assert(!diag_frame_is_generic("scheduler_tick")); /* "schedule" is exact */
}
END_TEST

static Suite *text_suite(void)
{
	Suite *s = suite_create("diag_text");
	TCase *tc = tcase_create("strip");

	tcase_add_test(tc, dir_keeps_basename);
	tcase_add_test(tc, numbers_and_addresses);
	tcase_add_test(tc, frames);
	tcase_add_test(tc, dashes_words_signals);
	tcase_add_test(tc, hygiene);
	tcase_add_test(tc, generic_frames);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_main_run(text_suite());
}
