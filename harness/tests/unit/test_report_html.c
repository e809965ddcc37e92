/* test_report_html.c: report.html and the timelines it draws
 * (kiln/report/report_html.h, kiln/report/timeline.h).
 *
 * The records are written here by hand, with the hostile bytes a guest may
 * print; the page must carry none of them as markup. The browser test
 * (harness/tests/e2e/report_html_browser.sh) checks the same page in
 * Chromium; these tests pin down the text itself.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kiln/report/report_html.h"
#include "kiln/report/timeline.h"

#include "check_main.h"

static const char hostile[] = "<script>alert(1)</script> \"><img src=x onerror=alert(2)> "
			      "\x1b[31mred\x1b[0m nul=\0 bad=\xff\xfe end";

static json_t *record(const char *name, int attempt, const char *outcome, const char *cls)
{
	json_t *r = json_pack("{s:s, s:s, s:i, s:s, s:s, s:s, s:i, s:s, s:[], s:[], s:[]}", "name",
			      name, "fixture", "f.json", "attempt", attempt, "outcome", outcome,
			      "class", cls, "reason", "why", "duration_ms", 900, "dir", name,
			      "markers", "steps", "diagnostics");
	return r;
}

static void add_marker(json_t *rec, int step, const char *pattern, int t_ms)
{
	json_array_append_new(json_object_get(rec, "markers"),
			      json_pack("{s:i, s:s, s:s, s:i}", "step", step, "pattern", pattern,
					"text", pattern, "t_ms", t_ms));
	json_array_append_new(json_object_get(rec, "steps"),
			      json_pack("{s:s, s:s, s:i}", "step", pattern, "status", "pass",
					"t_ms", t_ms));
}

/* report.json's object for records, built as run_report_build() does. */
static json_t *report_of(json_t *records)
{
	json_t *cases = json_array(), *r;
	size_t i;

	json_array_foreach (records, i, r) {
		json_t *c = json_pack(
			"{s:O, s:O, s:O, s:O, s:i, s:i, s:b, s:[{s:O, s:O}]}", "name",
			json_object_get(r, "name"), "outcome", json_object_get(r, "outcome"),
			"class", json_object_get(r, "class"), "reason",
			json_object_get(r, "reason"), "runs", 1, "passes",
			!strcmp(json_string_value(json_object_get(r, "outcome")), "pass"), "flaky",
			0, "attempts", "dir", json_object_get(r, "dir"), "duration_ms",
			json_object_get(r, "duration_ms"));
		json_array_append_new(cases, c);
	}
	return json_pack("{s:s, s:s, s:s, s:i, s:i, s:b, s:[s], s:{s:i, s:i, s:i, s:i, s:{}}, s:o}",
			 "schema", "kiln.report/1", "run_id", "20260101-000000", "backend", "qemu",
			 "duration_ms", 1234, "exit_code", 1, "interrupted", 0, "argv", "run",
			 "summary", "runs", 2, "passed", 1, "failed", 1, "not_run", 0, "outcomes",
			 "cases", cases);
}

START_TEST(test_hostile_text_is_never_markup)
{
	json_t *records = json_array();
	json_t *bad = record("a/hostile", 1, "fail", "fail");
	/* as case.json has it: valid UTF-8, NUL and bad bytes replaced */
	char clean[sizeof(hostile)];
	memcpy(clean, hostile, sizeof(hostile));
	for (size_t i = 0; i < sizeof(hostile) - 1; i++)
		if (clean[i] == '\0' || (unsigned char)clean[i] >= 0x80)
			clean[i] = '?';
	json_object_set_new(bad, "capsule",
			    json_pack("{s:s, s:{s:s}, s:n}", "console_tail", clean, "status",
				      "status", "exited", "last_marker"));
	json_object_set_new(bad, "reason", json_string(clean));
	add_marker(bad, 0, "<script>alert(3)</script>", 40);
	json_array_append_new(records, record("a/good", 1, "pass", "pass"));
	json_array_append_new(records, bad);
	json_t *report = report_of(records);
	char *page = report_html_page(report, records, "reports/x", NULL);

	ck_assert_ptr_nonnull(strstr(page, "<meta http-equiv=\"Content-Security-Policy\""));
	ck_assert_ptr_nonnull(strstr(page, "script-src 'none'"));
	ck_assert_ptr_nonnull(strstr(page, "style-src 'sha256-"));
	ck_assert_ptr_null(strcasestr(page, "<script"));
	ck_assert_ptr_null(strcasestr(page, "<img"));
	ck_assert_ptr_null(strchr(page, '\x1b'));
	ck_assert_ptr_nonnull(strstr(page, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	ck_assert_ptr_nonnull(strstr(page, "&lt;script&gt;alert(3)&lt;/script&gt;"));
	ck_assert_ptr_nonnull(strstr(page, "\\x1b</span>[31mred")); /* console tail */
	ck_assert_ptr_nonnull(strstr(page, "\\x1b[31mred"));	    /* reason */
	/* the failing case comes first in the table */
	char *table = strstr(page, "<table id=\"cases\">");
	ck_assert_ptr_nonnull(table);
	ck_assert(strstr(table, "a/hostile") < strstr(table, "a/good"));
	ck_assert_ptr_nonnull(strstr(page, "kiln replay reports/x/a/hostile"));
	free(page);
	json_decref(report);
	json_decref(records);
}
END_TEST

START_TEST(test_replay_command_is_quoted)
{
	json_t *records = json_array();
	json_array_append_new(records, record("a/b", 1, "fail", "fail"));
	json_t *report = report_of(records);
	char *page = report_html_page(report, records, "my reports/it's", NULL);

	ck_assert_ptr_nonnull(
		strstr(page, "kiln replay &#39;my reports/it&#39;\\&#39;&#39;s/a/b&#39;"));
	free(page);
	json_decref(report);
	json_decref(records);
}
END_TEST

START_TEST(test_timeline_order_and_kinds)
{
	json_t *rec = record("a/p", 1, "guest_panicked", "guest_panicked");
	add_marker(rec, 0, "RUGO: boot ok", 130);
	json_array_append_new(json_object_get(rec, "steps"),
			      json_pack("{s:s, s:s}", "step", "expect 'RUGO: halt ok'", "status",
					"pending"));
	json_array_append_new(json_object_get(rec, "steps"),
			      json_pack("{s:s, s:s, s:i}", "step", "qmp 'stop'", "status", "pass",
					"t_ms", 20));
	json_object_set_new(
		rec, "reason",
		json_string("'RUGO: panic code=0x1' (fail pattern 'RUGO: panic') at 585 ms"));
	json_t *ev = timeline_events(rec);
	static const char *const kinds[] = {"start", "step", "marker", "fail", "end", "pending"};
	static const long long times[] = {0, 20, 130, 585, 900, -1};

	ck_assert_uint_eq(json_array_size(ev), 6);
	for (size_t i = 0; i < 6; i++) {
		json_t *e = json_array_get(ev, i);
		ck_assert_str_eq(json_string_value(json_object_get(e, "kind")), kinds[i]);
		if (times[i] < 0)
			ck_assert(json_is_null(json_object_get(e, "t_ms")));
		else
			ck_assert_int_eq(json_integer_value(json_object_get(e, "t_ms")), times[i]);
	}
	json_decref(ev);
	json_decref(rec);
}
END_TEST

START_TEST(test_divergence_names_the_first_difference)
{
	json_t *runs = json_array(), *a = record("c", 1, "pass", "pass"),
	       *b = record("c", 2, "timeout", "timeout_after:A");
	add_marker(a, 0, "A", 100);
	add_marker(a, 1, "B", 200);
	add_marker(b, 0, "A", 110);
	json_array_append_new(runs, a);
	json_array_append_new(runs, b);
	char *d = timeline_divergence(runs);

	ck_assert_str_eq(d, "runs part at marker 2: run 1 'B' at 200 ms, run 2 none");
	free(d);
	json_array_remove(runs, 1);
	ck_assert_ptr_null(timeline_divergence(runs));
	b = record("c", 2, "timeout", "timeout_after:B");
	add_marker(b, 0, "A", 100);
	add_marker(b, 1, "B", 200);
	json_array_append_new(runs, b);
	d = timeline_divergence(runs);
	ck_assert_str_eq(d, "runs part at the end: run 1 pass, run 2 timeout_after:B");
	free(d);
	json_decref(runs);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("report_html");
	TCase *tc = tcase_create("page");

	tcase_add_test(tc, test_hostile_text_is_never_markup);
	tcase_add_test(tc, test_replay_command_is_quoted);
	tcase_add_test(tc, test_timeline_order_and_kinds);
	tcase_add_test(tc, test_divergence_names_the_first_difference);
	suite_add_tcase(s, tc);
	return check_main_run(s);
}
