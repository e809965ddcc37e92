/* test_diag_template.c: the rule template language (kiln/diag_rule.h):
 * each hole, anchoring by DIAG_STRIP_PREFIX and _TAIL, quotes in ASCII and
 * UTF-8, the linker-name hole, and the no-backtracking cost guarantee.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diag/diag_rule.h"

#include "check_main.h"

static struct diag_capture caps[DIAG_CAPS_MAX];

static int match(const char *tpl, const char *line, unsigned strips)
{
	return diag_template_match(tpl, line, strlen(line), strips, caps);
}

static void assert_cap(int i, const char *want)
{
	ck_assert_uint_eq(caps[i].n, strlen(want));
	ck_assert(memcmp(caps[i].p, want, caps[i].n) == 0);
}

#define ANY (DIAG_STRIP_PREFIX | DIAG_STRIP_TAIL)

START_TEST(quoted_ascii_and_utf8)
{
	ck_assert_int_eq(match("undefined reference to {q}",
			       "x.c:(.text+0x5): undefined reference to `f'", ANY),
			 1);
	assert_cap(0, "f");
	ck_assert_int_eq(
		match("undefined reference to {q}", "error: undefined reference to 'g'", ANY), 1);
	assert_cap(0, "g");
	ck_assert_int_eq(match("cannot find {q}",
			       "collect2: fatal error: cannot find \xE2\x80\x98ld\xE2\x80\x99",
			       ANY),
			 1);
	assert_cap(0, "ld");
	/* no closing quote: no match */
	ck_assert_int_eq(match("reference to {q}", "reference to `f", ANY), -1);
	/* empty quotes: no subject, no match */
	ck_assert_int_eq(match("reference to {q}", "reference to `'", ANY), -1);
}
END_TEST

START_TEST(token_word_rest)
{
	ck_assert_int_eq(match("cannot find -l{t}", "ld: cannot find -lfoo: No such file", ANY), 1);
	assert_cap(0, "foo");
	ck_assert_int_eq(match("section {w} {_} overlaps section {w}",
			       "ld: section .rodata LMA [1,2] overlaps section .text LMA [3,4]",
			       ANY),
			 2);
	assert_cap(0, ".rodata");
	assert_cap(1, ".text");
	ck_assert_int_eq(match("undefined symbol: {r}",
			       "ld.lld: error: undefined symbol: ns::K::m(int)  \r",
			       DIAG_STRIP_PREFIX),
			 1);
	assert_cap(0, "ns::K::m(int)");
}
END_TEST

START_TEST(lazy_capture_stops_at_first_literal)
{
	ck_assert_int_eq(match("cannot open {*}: No such file",
			       "cannot open /a b/x.o: No such file", ANY),
			 1);
	assert_cap(0, "/a b/x.o");
	/* a lazy hole last in the template takes the rest */
	ck_assert_int_eq(match("panic: {*}", "panic: it broke  ", 0), 1);
	assert_cap(0, "it broke");
}
END_TEST

START_TEST(anchoring)
{
	/* without PREFIX the template must start the line */
	ck_assert_int_eq(match("panic: {r}", "panic: x", 0), 1);
	ck_assert_int_eq(match("panic: {r}", "Go panic: x", 0), -1);
	ck_assert_int_eq(match("panic: {r}", "Go panic: x", DIAG_STRIP_PREFIX), 1);
	/* without TAIL it must reach the end (trailing blanks allowed) */
	ck_assert_int_eq(match("Triple fault", "Triple fault \r", 0), 0);
	ck_assert_int_eq(match("Triple fault", "Triple fault now", 0), -1);
	ck_assert_int_eq(match("Triple fault", "Triple fault now", DIAG_STRIP_TAIL), 0);
}
END_TEST

START_TEST(later_start_is_tried)
{
	/* the first ": " is followed by a non-linker token; the second is not */
	ck_assert_int_eq(match(": {L}: not found", "sh: 1: ld.lld: not found", DIAG_STRIP_PREFIX),
			 0);
	ck_assert_int_eq(match(": {L}: not found", "sh: 1: gcc: not found", DIAG_STRIP_PREFIX), -1);
	ck_assert_int_eq(match(": {t}: invalid option", "qemu-system-x86_64: -foo: invalid option",
			       DIAG_STRIP_PREFIX),
			 1);
	assert_cap(0, "-foo");
}
END_TEST

START_TEST(linker_names)
{
	const char *yes[] = {
		"ld",  "ld.bfd", "ld.gold",	"ld.lld",	 "ld64.lld",
		"lld", "mold",	 "/usr/bin/ld", "x86_64-elf-ld", "x86_64-linux-gnu-ld.bfd"};
	const char *no[] = {"gcc",   "ldd", "old",  "ld-linux.so",
			    "build", "sh",  "make", "x86_64-elf-gcc"};

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		ck_assert_msg(diag_is_linker_name(yes[i], strlen(yes[i])), "%s", yes[i]);
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		ck_assert_msg(!diag_is_linker_name(no[i], strlen(no[i])), "%s", no[i]);
}
END_TEST

START_TEST(bad_templates_never_match)
{
	/* an unanchored template must start with text */
	ck_assert_int_eq(match("{w}: x", "a: x", DIAG_STRIP_PREFIX), -1);
	/* an unknown hole */
	ck_assert_int_eq(match("a{z}", "ab", 0), -1);
	/* more captures than DIAG_CAPS_MAX */
	ck_assert_int_eq(match("{t} {t} {t} {t}", "a b c d", 0), -1);
}
END_TEST

/* A line made of the template's first text, over and over, with the text
 * after a lazy hole nowhere: each start position fails, and the cached
 * search keeps the whole match linear. 64 KiB must take well under a second
 * even under ASan. */
START_TEST(hostile_line_is_linear)
{
	size_t n = 1 << 16;
	char *line = malloc(n);
	clock_t t0 = clock();

	for (size_t i = 0; i < n; i++)
		line[i] = "a:"[i % 2];
	ck_assert_int_eq(diag_template_match("a:{_}a:{_}ZZZ", line, n, DIAG_STRIP_PREFIX, caps),
			 -1);
	ck_assert_int_eq(diag_template_match("a:{*}:{t}Z", line, n, DIAG_STRIP_PREFIX, caps), -1);
	ck_assert(clock() - t0 < CLOCKS_PER_SEC);
	free(line);
}
END_TEST

static Suite *template_suite(void)
{
	Suite *s = suite_create("diag_template");
	TCase *tc = tcase_create("holes");

	tcase_add_test(tc, quoted_ascii_and_utf8);
	tcase_add_test(tc, token_word_rest);
	tcase_add_test(tc, lazy_capture_stops_at_first_literal);
	tcase_add_test(tc, anchoring);
	tcase_add_test(tc, later_start_is_tried);
	tcase_add_test(tc, linker_names);
	tcase_add_test(tc, bad_templates_never_match);
	tcase_add_test(tc, hostile_line_is_linear);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_main_run(template_suite());
}
