/* test_util.c: the shared helpers of kiln/util.h that take user input. */
#include <check.h>
#include <limits.h>

#include "kiln/lib/util.h"

#include "check_main.h"

START_TEST(parse_int_takes_whole_numbers_in_range)
{
	int v = -7;

	ck_assert_int_eq(util_parse_int("12", 1, 4096, &v), 0);
	ck_assert_int_eq(v, 12);
	ck_assert_int_eq(util_parse_int("4096", 1, 4096, &v), 0);
	ck_assert_int_eq(v, 4096);
	ck_assert_int_eq(util_parse_int("-3", -5, 5, &v), 0);
	ck_assert_int_eq(v, -3);
	ck_assert_int_eq(util_parse_int("0", 0, 255, &v), 0);
	ck_assert_int_eq(v, 0);
}
END_TEST

START_TEST(parse_int_rejects_the_rest_and_keeps_out)
{
	static const char *const bad[] = {"",	  " 5", "+5", "5x",  "two", "0x10",
					  "4097", "0",	"-",  "1.5", "5 ",  "99999999999999999999"};
	int v = 42;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(util_parse_int(bad[i], 1, 4096, &v) == -1, "accepted '%s'", bad[i]);
		ck_assert_int_eq(v, 42);
	}
	ck_assert_int_eq(util_parse_int(NULL, 1, 4096, &v), -1);
}
END_TEST

static Suite *util_suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("parse_int");

	tcase_add_test(tc, parse_int_takes_whole_numbers_in_range);
	tcase_add_test(tc, parse_int_rejects_the_rest_and_keeps_out);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_main_run(util_suite());
}
