/* test_diag_prefilter.c: the multi-literal search (kiln/diag_prefilter.h)
 * against a plain memmem() search, on hand-made edge cases and on random
 * text over a small alphabet, where hits and near-misses are frequent.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "diag/diag_prefilter.h"

#include "check_main.h"

/* The leftmost start of any literal at or after from, by brute force. */
static size_t naive_find(const char *const *lits, size_t n, const char *buf, size_t len,
			 size_t from)
{
	size_t best = SIZE_MAX;

	for (size_t i = 0; i < n; i++) {
		size_t k = strlen(lits[i]);

		for (size_t p = from; p + k <= len && p < best; p++)
			if (!memcmp(buf + p, lits[i], k))
				best = p;
	}
	return best;
}

START_TEST(edges)
{
	const char *lits[] = {"undefined reference to ", "BUG: KASAN: ", "panic: ", "Triple fault"};
	struct diag_prefilter *pf = diag_prefilter_new(lits, 4);
	const char *text = "panic: at start\nmid BUG: KASAN: x\nends with Triple fault";
	size_t len = strlen(text);
	uint64_t seen[DIAG_PREFILTER_MAX / 64] = {0};

	ck_assert_ptr_nonnull(pf);
	ck_assert_uint_eq(diag_prefilter_find(pf, text, len, 0), 0);
	ck_assert_uint_eq(diag_prefilter_find(pf, text, len, 1), 20);
	ck_assert_uint_eq(diag_prefilter_find(pf, text, len, 21), len - 12);
	ck_assert_uint_eq(diag_prefilter_find(pf, text, len, len - 11), SIZE_MAX);
	/* a literal cut by the end of the buffer is no hit */
	ck_assert_uint_eq(diag_prefilter_find(pf, text, len - 1, 21), SIZE_MAX);
	ck_assert_uint_eq(diag_prefilter_find(pf, "", 0, 0), SIZE_MAX);
	diag_prefilter_collect(pf, text, len, seen);
	ck_assert_uint_eq(seen[0], 0xe); /* literals 1, 2, 3 */
	diag_prefilter_free(pf);
}
END_TEST

START_TEST(rejects_what_it_cannot_do)
{
	const char *short_lit[] = {"abcd", "abc"};

	ck_assert_ptr_null(diag_prefilter_new(short_lit, 2));
	ck_assert_ptr_null(diag_prefilter_new(short_lit, 0));
	diag_prefilter_free(NULL);
}
END_TEST

/* Random literals and text over "ab\n:" agree with the naive search. */
START_TEST(random_agrees_with_naive)
{
	static const char alphabet[] = "ab\n:";
	unsigned seed = 12345;

	for (int round = 0; round < 300; round++) {
		char store[8][12], text[600];
		const char *lits[8];
		size_t nlit = 1 + (size_t)(rand_r(&seed) % 8),
		       len = (size_t)(rand_r(&seed) % sizeof(text));
		struct diag_prefilter *pf;
		uint64_t seen[DIAG_PREFILTER_MAX / 64] = {0};

		for (size_t i = 0; i < nlit; i++) {
			size_t k = 4 + (size_t)(rand_r(&seed) % 7);

			for (size_t j = 0; j < k; j++)
				store[i][j] = alphabet[rand_r(&seed) % 4];
			store[i][k] = '\0';
			lits[i] = store[i];
		}
		for (size_t j = 0; j < len; j++)
			text[j] = alphabet[rand_r(&seed) % 4];
		pf = diag_prefilter_new(lits, nlit);
		ck_assert_ptr_nonnull(pf);
		for (size_t from = 0; from <= len; from += 1 + (size_t)(rand_r(&seed) % 50))
			ck_assert_uint_eq(diag_prefilter_find(pf, text, len, from),
					  naive_find(lits, nlit, text, len, from));
		diag_prefilter_collect(pf, text, len, seen);
		for (size_t i = 0; i < nlit; i++)
			ck_assert_int_eq(!!(seen[0] & (1ull << i)),
					 memmem(text, len, lits[i], strlen(lits[i])) != NULL);
		diag_prefilter_free(pf);
	}
}
END_TEST

static Suite *prefilter_suite(void)
{
	Suite *s = suite_create("diag_prefilter");
	TCase *tc = tcase_create("search");

	tcase_add_test(tc, edges);
	tcase_add_test(tc, rejects_what_it_cannot_do);
	tcase_add_test(tc, random_agrees_with_naive);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_main_run(prefilter_suite());
}
