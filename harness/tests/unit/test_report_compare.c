/* test_report_compare.c: kiln compare's judgement (kiln/report/compare.h):
 * the permutation test's p-values against ones counted by hand, the
 * "not judged" rule for too few runs, the thresholds, and the case classes
 * (new failure, fixed, still failing, flaky, only in one run).
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kiln/report/compare.h"

#include "check_main.h"

START_TEST(test_permutation_p_by_hand)
{
	/* 3 vs 3 fully apart: 1 split of C(6,3) = 20 is as extreme */
	double a[] = {1, 2, 3}, b[] = {4, 5, 6};
	ck_assert(fabs(compare_permutation_p(a, 3, b, 3) - 1.0 / 20) < 1e-12);
	/* the other way round every split is at least as large */
	ck_assert(fabs(compare_permutation_p(b, 3, a, 3) - 1.0) < 1e-12);
	/* {1,4} vs {2,3}: sums of b-sides over the 6 splits: 3,4,5,5,6,7;
	 * observed 5: 4 of 6 are >= 5 */
	double c[] = {1, 4}, d[] = {2, 3};
	ck_assert(fabs(compare_permutation_p(c, 2, d, 2) - 4.0 / 6) < 1e-12);
	/* one run each: p is 1/2 at best */
	double e[] = {100}, f[] = {900};
	ck_assert(fabs(compare_permutation_p(e, 1, f, 1) - 0.5) < 1e-12);
	/* more splits than counted exactly: sampled, still tiny when apart */
	double g[40], h[40];
	for (int i = 0; i < 40; i++) {
		g[i] = 100 + i % 7;
		h[i] = 300 + i % 5;
	}
	ck_assert(compare_permutation_p(g, 40, h, 40) < 1e-3);
	ck_assert(compare_permutation_p(h, 40, g, 40) > 0.99);
}
END_TEST

/* A run with one case of `runs` attempts, passing the first `passes`,
 * each matching marker "M" at ms[i]. */
static struct run_dir run_of(const char *name, int runs, int passes, const double *ms)
{
	struct run_dir rd = {.path = strdup("r"), .records = json_array()};
	json_t *attempts = json_array();

	for (int i = 0; i < runs; i++) {
		const char *o = i < passes ? "pass" : "fail";
		json_array_append_new(rd.records,
				      json_pack("{s:s, s:i, s:s, s:s, s:[{s:s, s:i}]}", "name",
						name, "attempt", i + 1, "outcome", o, "class", o,
						"markers", "pattern", "M", "t_ms", (int)ms[i]));
		json_array_append_new(attempts, json_pack("{s:s}", "outcome", o));
	}
	rd.report = json_pack("{s:[{s:s, s:s, s:s, s:i, s:i, s:o}]}", "cases", "name", name,
			      "outcome", passes == runs ? "pass" : "fail", "class",
			      passes == runs ? "pass" : "fail", "runs", runs, "passes", passes,
			      "attempts", attempts);
	return rd;
}

static const char *verdict_of(const json_t *cmp)
{
	return json_string_value(
		json_object_get(json_array_get(json_object_get(cmp, "timing"), 0), "verdict"));
}

START_TEST(test_timing_verdicts)
{
	const double base[] = {500, 510, 490, 505, 495}, slow[] = {800, 810, 790, 805, 795},
		     close[] = {520, 530, 510, 525, 515};
	struct compare_opts o = COMPARE_OPTS_DEFAULT;
	struct run_dir b = run_of("c", 5, 5, base), s = run_of("c", 5, 5, slow),
		       n = run_of("c", 5, 5, close), one_b = run_of("c", 1, 1, base),
		       one_s = run_of("c", 1, 1, slow);
	json_t *cmp;

	cmp = compare_runs(&b, &s, &o);
	ck_assert_str_eq(verdict_of(cmp), "slower");
	ck_assert_int_eq(json_integer_value(json_object_get(cmp, "regressions")), 1);
	json_decref(cmp);
	cmp = compare_runs(&s, &b, &o);
	ck_assert_str_eq(verdict_of(cmp), "faster");
	ck_assert_int_eq(json_integer_value(json_object_get(cmp, "regressions")), 0);
	json_decref(cmp);
	/* significant (p = 1/252) but +4%: under the 10% threshold */
	cmp = compare_runs(&b, &n, &o);
	ck_assert_str_eq(verdict_of(cmp), "same");
	json_decref(cmp);
	/* +60% from single runs: never judged */
	cmp = compare_runs(&one_b, &one_s, &o);
	ck_assert_str_eq(verdict_of(cmp), "not_judged");
	ck_assert_int_eq(json_integer_value(json_object_get(cmp, "regressions")), 0);
	json_decref(cmp);
	/* a higher threshold takes the slowdown away */
	o.threshold = 0.7;
	cmp = compare_runs(&b, &s, &o);
	ck_assert_str_eq(verdict_of(cmp), "same");
	json_decref(cmp);
	struct run_dir *all[] = {&b, &s, &n, &one_b, &one_s};
	for (size_t i = 0; i < 5; i++)
		run_dir_free(all[i]);
}
END_TEST

static size_t count(const json_t *cmp, const char *key)
{
	return json_array_size(json_object_get(cmp, key));
}

START_TEST(test_case_classes)
{
	const double ms[] = {100, 100, 100};
	struct compare_opts o = COMPARE_OPTS_DEFAULT;
	struct run_dir pass = run_of("c", 3, 3, ms), fail = run_of("c", 3, 0, ms),
		       flaky = run_of("c", 3, 1, ms), other = run_of("d", 3, 3, ms);
	json_t *cmp;

	cmp = compare_runs(&pass, &fail, &o);
	ck_assert_uint_eq(count(cmp, "new_failures"), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(cmp, "regressions")), 1);
	json_decref(cmp);
	cmp = compare_runs(&fail, &pass, &o);
	ck_assert_uint_eq(count(cmp, "fixed"), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(cmp, "regressions")), 0);
	json_decref(cmp);
	cmp = compare_runs(&fail, &fail, &o);
	ck_assert_uint_eq(count(cmp, "still_failing"), 1);
	json_decref(cmp);
	cmp = compare_runs(&pass, &flaky, &o);
	ck_assert_uint_eq(count(cmp, "flaky"), 1);
	ck_assert_uint_eq(count(cmp, "new_failures"), 0);
	json_decref(cmp);
	cmp = compare_runs(&pass, &other, &o);
	ck_assert_uint_eq(count(cmp, "only_base"), 1);
	ck_assert_uint_eq(count(cmp, "only_new"), 1);
	json_decref(cmp);
	struct run_dir *all[] = {&pass, &fail, &flaky, &other};
	for (size_t i = 0; i < 4; i++)
		run_dir_free(all[i]);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("report_compare");
	TCase *tc = tcase_create("compare");

	tcase_add_test(tc, test_permutation_p_by_hand);
	tcase_add_test(tc, test_timing_verdicts);
	tcase_add_test(tc, test_case_classes);
	suite_add_tcase(s, tc);
	return check_main_run(s);
}
