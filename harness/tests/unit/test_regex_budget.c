/* test_regex_budget.c: which regexes the fixture loader refuses before
 * regcomp (kiln/fixture/regex_budget.h).
 *
 * Owner: the unit tests. Every pattern the repo's fixtures use must pass;
 * each refused one is a pattern that, given to glibc's regcomp or regexec,
 * takes gigabytes or exponential time (the first was found by
 * harness/fuzz/fuzz_console.c: 2.3 GB in regcomp for a run of '+').
 */
#include <check.h>
#include <regex.h>
#include <string.h>

#include "check_main.h"
#include "kiln/fixture/regex_budget.h"

static void assert_refused(const char *re, const char *why)
{
	const char *got = regex_budget_check(re);

	ck_assert_msg(got != NULL, "'%s' was accepted", re);
	ck_assert_msg(strstr(got, why) != NULL, "'%s': '%s' does not say '%s'", re, got, why);
}

START_TEST(everyday_patterns_pass)
{
	static const char *const ok[] = {
		"^TICK: [0-9]+$",   "PF: addr=0x[0-9a-f]+",
		"^TINY: p[a-z]+$",  "guard.*cr2=0x[0-9a-f]{1,16}",
		"[]a-z]{2}|[^]x]?", "[[:digit:][:space:]]+ ok",
		"(a|b)*c{3,}",	    "\\(literal\\)\\{2\\}",
		"((ab){10}){10}",
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		regex_t re;

		ck_assert_msg(regex_budget_check(ok[i]) == NULL, "'%s': %s", ok[i],
			      regex_budget_check(ok[i]));
		ck_assert_int_eq(regcomp(&re, ok[i], REG_EXTENDED | REG_NEWLINE), 0);
		regfree(&re);
	}
}
END_TEST

START_TEST(blowups_are_refused)
{
	assert_refused("a++", "two repetition operators in a row");
	assert_refused("a*{2}", "two repetition operators in a row");
	assert_refused("\xff+++++++++++++++++++++++++++", "two repetition operators");
	assert_refused("a{256}", "above 255");
	assert_refused("((a{200}){200}){200}", "too many states");
	assert_refused("(a*)*\\1", "back-references");
	char deep[200];
	memset(deep, '(', 100);
	deep[100] = '\0';
	assert_refused(deep, "nested too deeply");
}
END_TEST

START_TEST(syntax_errors_are_left_to_regcomp)
{
	/* regcomp says what is wrong better than a budget would */
	ck_assert_ptr_null(regex_budget_check("(unclosed"));
	ck_assert_ptr_null(regex_budget_check("[unclosed"));
	ck_assert_ptr_null(regex_budget_check("[[:alpha"));
	ck_assert_ptr_null(regex_budget_check("trailing\\"));
	ck_assert_ptr_null(regex_budget_check("x{"));
}
END_TEST

static Suite *regex_budget_suite(void)
{
	Suite *s = suite_create("regex_budget");
	TCase *tc = tcase_create("check");

	tcase_add_test(tc, everyday_patterns_pass);
	tcase_add_test(tc, blowups_are_refused);
	tcase_add_test(tc, syntax_errors_are_left_to_regcomp);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_main_run(regex_budget_suite());
}
