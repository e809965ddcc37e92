/* test_report_shard.c: the split of `kiln run --shard K/N`
 * (harness/src/runner/shard.h): parsing, round-robin over sorted names
 * without durations, longest first to the least loaded shard with them, and
 * the same answer whatever order the names come in.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "runner/shard.h"

#include "check_main.h"

START_TEST(test_parse)
{
	struct shard s;

	ck_assert_int_eq(shard_parse("2/3", &s), 0);
	ck_assert_int_eq(s.k, 2);
	ck_assert_int_eq(s.n, 3);
	ck_assert_int_eq(shard_parse("3/3", &s), 0);
	static const char *const bad[] = {"0/3", "4/3", "3", "a/b", "1/0", "/3", "1/", "1/3x", ""};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(shard_parse(bad[i], &s) < 0, "'%s' accepted", bad[i]);
}
END_TEST

START_TEST(test_round_robin_by_name)
{
	/* given out of order: the deal follows the sorted names a, b, c, d, e */
	const char *names[] = {"d", "b", "e", "a", "c"};
	int to[5];

	shard_assign(names, 5, 2, NULL, to);
	ck_assert_int_eq(to[3], 0); /* a */
	ck_assert_int_eq(to[1], 1); /* b */
	ck_assert_int_eq(to[4], 0); /* c */
	ck_assert_int_eq(to[0], 1); /* d */
	ck_assert_int_eq(to[2], 0); /* e */
}
END_TEST

static json_t *report_with(const char *const *names, const int *ms, size_t n)
{
	json_t *cases = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(cases, json_pack("{s:s, s:[{s:i}, {s:i}]}", "name", names[i],
						       "attempts", "duration_ms", ms[i] - 10,
						       "duration_ms", ms[i] + 10));
	return json_pack("{s:o}", "cases", cases);
}

START_TEST(test_longest_first_balances)
{
	/* 8, 7, 6, 5, 4 s on 2 shards: LPT gives {8, 5, 4} = 17 and {7, 6} = 13;
	 * round-robin by name would give {a, c, e} = 18 and {b, d} = 12. */
	const char *names[] = {"a", "b", "c", "d", "e"};
	const int ms[] = {8000, 7000, 6000, 5000, 4000};
	json_t *prev = report_with(names, ms, 5);
	int to[5];

	shard_assign(names, 5, 2, prev, to);
	ck_assert_int_eq(to[0], 0);
	ck_assert_int_eq(to[1], 1);
	ck_assert_int_eq(to[2], 1);
	ck_assert_int_eq(to[3], 0);
	ck_assert_int_eq(to[4], 0);
	json_decref(prev);
}
END_TEST

START_TEST(test_unknown_case_weighs_the_mean)
{
	/* known: a 9 s, b 1 s (mean 5 s); new "c" weighs 5 s and goes after
	 * a to the shard that has only b. */
	const char *known[] = {"a", "b"};
	const int ms[] = {9000, 1000};
	json_t *prev = report_with(known, ms, 2);
	const char *names[] = {"a", "b", "c"};
	int to[3];

	shard_assign(names, 3, 2, prev, to);
	ck_assert_int_eq(to[0], 0);
	ck_assert_int_eq(to[2], 1);
	ck_assert_int_eq(to[1], 1);
	json_decref(prev);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("report_shard");
	TCase *tc = tcase_create("shard");

	tcase_add_test(tc, test_parse);
	tcase_add_test(tc, test_round_robin_by_name);
	tcase_add_test(tc, test_longest_first_balances);
	tcase_add_test(tc, test_unknown_case_weighs_the_mean);
	suite_add_tcase(s, tc);
	return check_main_run(s);
}
