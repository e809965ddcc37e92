/* test_diag_rules.c: what every rule table row must satisfy, and that the
 * tables and the catalogue (docs/diagnostics.md) name the same codes.
 *
 * The trigger check matters most: the prefilter only lets through lines
 * that hold a row's trigger, so a trigger that is not part of the template's
 * own text could hide lines the template would match. Run from the top of
 * the repository (as `make unit` does), for the catalogue.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag/diag_prefilter.h"
#include "diag/diag_rule.h"
#include "kiln/lib/util.h"

#include "check_main.h"

static const struct diag_table *tables[] = {&diag_table_ld, &diag_table_qemu, &diag_table_console};
#define NTABLES (sizeof(tables) / sizeof(tables[0]))

/* Does the trigger lie inside one literal run of the template? */
static bool trigger_in_text(const char *tpl, const char *trigger)
{
	char run[512];

	while (*tpl) {
		size_t n = 0;

		if (tpl[0] == '{' && tpl[1] && tpl[2] == '}') {
			tpl += 3;
			continue;
		}
		while (*tpl && !(tpl[0] == '{' && tpl[1] && tpl[2] == '}') && n < sizeof(run) - 1)
			run[n++] = *tpl++;
		run[n] = '\0';
		if (strstr(run, trigger))
			return true;
	}
	return false;
}

static int count_captures(const char *tpl)
{
	int n = 0;

	for (const char *p = tpl; (p = strchr(p, '{')); p++)
		n += p[1] && strchr("qtw*r", p[1]) && p[2] == '}';
	return n;
}

START_TEST(rows_are_well_formed)
{
	for (size_t t = 0; t < NTABLES; t++) {
		for (size_t i = 0; i < tables[t]->count; i++) {
			const struct diag_rule *r = &tables[t]->rules[i];
			const char *what = r->code ? r->code : r->pattern;

			ck_assert_msg(strlen(r->trigger) >= DIAG_PREFILTER_MIN_LEN,
				      "%s: short trigger", what);
			ck_assert_msg(trigger_in_text(r->pattern, r->trigger),
				      "%s: trigger '%s' not in '%s'", what, r->trigger, r->pattern);
			if (r->strips & DIAG_STRIP_PREFIX)
				ck_assert_msg(r->pattern[0] != '{', "%s: starts with a hole", what);
			ck_assert_msg(count_captures(r->pattern) <= DIAG_CAPS_MAX, "%s: captures",
				      what);
			if (!r->code)
				continue;
			ck_assert_msg(r->severity == DIAG_WARN || r->severity == DIAG_ERR,
				      "%s: severity", what);
			if (r->flags & DIAG_RULE_REPORT)
				ck_assert_msg(r->subject && strstr(r->subject, "%F"),
					      "%s: report without %%F", what);
			ck_assert_msg((int)r->frame_capture <= count_captures(r->pattern),
				      "%s: frame", what);
			ck_assert_msg((r->amend == DIAG_AMEND_NONE) == (r->amends == NULL),
				      "%s: amend", what);
		}
	}
}
END_TEST

START_TEST(triggers_fit_one_prefilter)
{
	const char *lits[DIAG_PREFILTER_MAX];
	struct diag_prefilter *pf;
	size_t n = 0;

	for (size_t t = 0; t < NTABLES; t++) {
		for (size_t i = 0; i < tables[t]->count; i++) {
			size_t k;

			for (k = 0; k < n && strcmp(lits[k], tables[t]->rules[i].trigger); k++)
				;
			if (k == n) {
				ck_assert_uint_lt(n, DIAG_PREFILTER_MAX);
				lits[n++] = tables[t]->rules[i].trigger;
			}
		}
	}
	pf = diag_prefilter_new(lits, n);
	ck_assert_ptr_nonnull(pf);
	diag_prefilter_free(pf);
}
END_TEST

/* The codes of the catalogue: the first column of its tables, "| `code` |". */
static char *catalogue;

static bool in_catalogue(const char *code)
{
	char key[128];

	snprintf(key, sizeof(key), "\n| `%s` |", code);
	return strstr(catalogue, key) != NULL;
}

static bool in_tables(const char *code, size_t len)
{
	for (size_t t = 0; t < NTABLES; t++)
		for (size_t i = 0; i < tables[t]->count; i++)
			if (tables[t]->rules[i].code && strlen(tables[t]->rules[i].code) == len &&
			    !strncmp(tables[t]->rules[i].code, code, len))
				return true;
	for (size_t i = 0; i < diag_exit_code_count; i++)
		if (strlen(diag_exit_codes[i].code) == len &&
		    !strncmp(diag_exit_codes[i].code, code, len))
			return true;
	return false;
}

START_TEST(every_code_is_catalogued)
{
	catalogue = util_read_file("docs/diagnostics.md", NULL);
	ck_assert_msg(catalogue != NULL, "run from the top of the repository");
	for (size_t t = 0; t < NTABLES; t++)
		for (size_t i = 0; i < tables[t]->count; i++)
			if (tables[t]->rules[i].code)
				ck_assert_msg(in_catalogue(tables[t]->rules[i].code),
					      "%s is not in the catalogue",
					      tables[t]->rules[i].code);
	for (size_t i = 0; i < diag_exit_code_count; i++)
		ck_assert_msg(in_catalogue(diag_exit_codes[i].code), "%s", diag_exit_codes[i].code);
	free(catalogue);
}
END_TEST

START_TEST(every_catalogued_code_has_a_rule)
{
	size_t seen = 0;

	catalogue = util_read_file("docs/diagnostics.md", NULL);
	ck_assert_ptr_nonnull(catalogue);
	for (const char *p = catalogue; (p = strstr(p, "\n| `")); p++) {
		const char *code = p + 4, *end = strchr(code, '`');

		ck_assert_ptr_nonnull(end);
		ck_assert_msg(in_tables(code, (size_t)(end - code)), "%.*s has no rule",
			      (int)(end - code), code);
		seen++;
	}
	ck_assert_uint_ge(seen, 40);
	free(catalogue);
}
END_TEST

static Suite *rules_suite(void)
{
	Suite *s = suite_create("diag_rules");
	TCase *tc = tcase_create("tables");

	tcase_add_test(tc, rows_are_well_formed);
	tcase_add_test(tc, triggers_fit_one_prefilter);
	tcase_add_test(tc, every_code_is_catalogued);
	tcase_add_test(tc, every_catalogued_code_has_a_rule);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_main_run(rules_suite());
}
