/* run_report.c: report.json, junit.xml, TAP and report.html for a run. See
 * kiln/run_report.h. junit.xml is built from escaped text only: guest bytes
 * (control characters, invalid UTF-8) pass through text_xml_escape(), so the
 * file stays valid XML whatever the guest printed. */
#include "kiln/report/run_report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kiln/lib/outcome.h"
#include "kiln/lib/text.h"
#include "kiln/lib/util.h"
#include "kiln/report/case_line.h"
#include "kiln/report/report_html.h"
#include "kiln/report/run_verdict.h"
#include "report_formats.h"
#include "report_json.h"

/* An attempt's subtests in report.json: each result's name, status,
 * duration and reason, and the counts (case.json has the rest). */
static json_t *run_report_subtests(const json_t *subtests)
{
	json_t *results = json_array(), *r;
	size_t i;

	json_array_foreach (json_object_get(subtests, "results"), i, r) {
		json_t *o = json_pack("{s:O, s:O, s:O}", "name", json_object_get(r, "name"),
				      "status", json_object_get(r, "status"), "duration_ms",
				      json_object_get(r, "duration_ms"));
		if (json_object_get(r, "reason"))
			json_object_set(o, "reason", json_object_get(r, "reason"));
		json_array_append_new(results, o);
	}
	return json_pack("{s:O, s:o, s:O}", "counts", json_object_get(subtests, "counts"),
			 "results", results, "errors", json_object_get(subtests, "errors"));
}

/* Over every record: the subtests per status, and the failures matched to
 * a known issue (counted apart from the failed). */
static json_t *run_report_totals(json_t *records, size_t *known)
{
	json_t *totals = json_pack("{s:i, s:i, s:i, s:i, s:i}", "pass", 0, "fail", 0, "skip", 0,
				   "crashed", 0, "not_run", 0);
	json_t *rec;
	size_t i;

	*known = 0;
	json_array_foreach (records, i, rec) {
		const char *status;
		json_t *n;
		*known += run_verdict_is_known(rec);
		json_object_foreach (json_object_get(json_object_get(rec, "subtests"), "counts"),
				     status, n) {
			json_t *t = json_object_get(totals, status);
			if (t)
				json_object_set_new(totals, status,
						    json_integer(json_integer_value(t) +
								 json_integer_value(n)));
		}
	}
	return totals;
}

/* Group records of the same case (several under --repeat) into one entry
 * with its passes out of runs. */
static json_t *run_report_cases(json_t *records)
{
	json_t *cases = json_array(), *rec;
	size_t i;

	json_array_foreach (records, i, rec) {
		const char *name = report_str(rec, "name", "");
		json_t *entry = NULL, *e;
		size_t k;
		json_array_foreach (cases, k, e)
			if (!strcmp(report_str(e, "name", ""), name))
				entry = e;
		if (!entry) {
			/* class and reason: the first run's, until a worse one */
			entry = json_pack("{s:s, s:s, s:i, s:i, s:s, s:s, s:s, s:[]}", "name", name,
					  "fixture", report_str(rec, "fixture", ""), "runs", 0,
					  "passes", 0, "outcome", "pass", "class",
					  report_str(rec, "class", ""), "reason",
					  report_str(rec, "reason", ""), "attempts");
			json_array_append_new(cases, entry);
		}
		enum outcome o = outcome_from_name(report_str(rec, "outcome", ""));
		enum outcome worst = outcome_from_name(report_str(entry, "outcome", ""));
		json_object_set_new(
			entry, "runs",
			json_integer(json_integer_value(json_object_get(entry, "runs")) + 1));
		if (o == OUTCOME_PASS)
			json_object_set_new(
				entry, "passes",
				json_integer(json_integer_value(json_object_get(entry, "passes")) +
					     1));
		if (o == OUTCOME_COUNT)
			o = OUTCOME_HARNESS_ERROR;
		if (outcome_worst(o, worst) != worst) {
			json_object_set_new(entry, "outcome", json_string(outcome_name(o)));
			json_object_set_new(entry, "class",
					    json_string(report_str(rec, "class", "")));
			json_object_set_new(entry, "reason",
					    json_string(report_str(rec, "reason", "")));
		}
		json_t *diags = json_object_get(rec, "diagnostics");
		/* s:o takes the reference: a borrowed one is increfed first. */
		json_t *attempt = json_pack("{s:s, s:s, s:s, s:O, s:o}", "dir",
					    report_str(rec, "dir", ""), "outcome",
					    report_str(rec, "outcome", ""), "class",
					    report_str(rec, "class", ""), "duration_ms",
					    json_object_get(rec, "duration_ms"), "diagnostics",
					    diags ? json_incref(diags) : json_array());
		/* --record-failures: whether the failure reproduced under record. */
		json_t *rf = json_object_get(rec, "record_failures");
		if (rf)
			json_object_set(attempt, "record_failures", rf);
		/* the failure's title, a known issue it matched, KTAP results */
		if (json_object_get(rec, "title"))
			json_object_set(attempt, "title", json_object_get(rec, "title"));
		if (json_object_get(rec, "known"))
			json_object_set(attempt, "known", json_object_get(rec, "known"));
		if (json_object_get(rec, "subtests"))
			json_object_set_new(attempt, "subtests",
					    run_report_subtests(json_object_get(rec, "subtests")));
		/* kiln merge: the run, shard and host the attempt came from */
		if (json_object_get(rec, "source"))
			json_object_set(attempt, "source", json_object_get(rec, "source"));
		json_array_append_new(json_object_get(entry, "attempts"), attempt);
	}
	json_array_foreach (cases, i, rec) {
		long long runs = json_integer_value(json_object_get(rec, "runs"));
		long long passes = json_integer_value(json_object_get(rec, "passes"));
		json_object_set_new(rec, "flaky", json_boolean(passes > 0 && passes < runs));
	}
	return cases;
}

json_t *run_report_build(const struct run_facts *facts, json_t *records, size_t not_run)
{
	json_t *r = json_object(), *counts = json_object(), *rec;
	size_t i, passed = 0;

	for (int o = 0; o < OUTCOME_COUNT; o++)
		json_object_set_new(counts, outcome_name((enum outcome)o), json_integer(0));
	json_array_foreach (records, i, rec) {
		const char *o = report_str(rec, "outcome", "");
		json_t *c = json_object_get(counts, o);
		if (c)
			json_object_set_new(counts, o, json_integer(json_integer_value(c) + 1));
		passed += !strcmp(o, "pass");
	}
	json_object_set_new(r, "schema", json_string("kiln.report/1"));
	json_object_set_new(r, "run_id", json_string(facts->run_id));
	json_object_set_new(r, "backend", json_string(facts->backend));
	json_object_set_new(r, "accel_probe",
			    facts->accel_note ? json_string(facts->accel_note) : json_null());
	json_object_set_new(r, "argv", json_incref(facts->argv));
	json_object_set_new(r, "duration_ms", json_integer(facts->duration_ms));
	json_object_set_new(r, "interrupted", json_boolean(facts->interrupted));
	json_object_set_new(r, "exit_code", json_integer(facts->exit_code));
	size_t known;
	json_t *subtests = run_report_totals(records, &known);
	json_object_set_new(r, "summary",
			    json_pack("{s:i, s:i, s:i, s:i, s:i, s:o, s:o}", "runs",
				      (int)json_array_size(records), "passed", (int)passed,
				      "failed", (int)(json_array_size(records) - passed - known),
				      "known", (int)known, "not_run", (int)not_run, "outcomes",
				      counts, "subtests", subtests));
	json_object_set_new(r, "cases", run_report_cases(records));
	return r;
}

static int write_text(const char *dir, const char *name, const char *text)
{
	char *path = util_strdup_printf("%s/%s", dir, name);
	int rc = util_write_file_atomic(path, text, strlen(text));

	if (rc < 0)
		util_err("cannot write %s: %s", path, strerror(errno));
	free(path);
	return rc;
}

int run_report_render(const char *run_dir, const json_t *report, json_t *records, bool tap,
		      const json_t *comparison)
{
	char *text = run_report_junit(records,
				      json_integer_value(json_object_get(report, "duration_ms")));
	int rc = write_text(run_dir, "junit.xml", text);

	free(text);
	if (tap) {
		text = run_report_tap(records);
		rc |= write_text(run_dir, "report.tap", text);
		free(text);
	}
	text = report_html_page(report, records, run_dir, comparison);
	rc |= write_text(run_dir, "report.html", text);
	free(text);
	return rc ? -1 : 0;
}

int run_report_write(const struct run_facts *facts, json_t *report, json_t *records, bool tap)
{
	/* kept in report.json, so that `kiln report` draws the same page */
	if (facts->comparison)
		json_object_set(report, "baseline", (json_t *)facts->comparison);
	char *text = json_dumps(report, JSON_INDENT(2));
	int rc = text ? write_text(facts->run_dir, "report.json", text) : -1;

	free(text);
	rc |= run_report_render(facts->run_dir, report, records, tap, facts->comparison);
	return rc ? -1 : 0;
}

void run_report_link_latest(const char *reports_root, const char *run_id)
{
	char *tmp = util_strdup_printf("%s/.latest.%d", reports_root, (int)getpid());
	char *latest = util_strdup_printf("%s/latest", reports_root);

	unlink(tmp);
	if (symlink(run_id, tmp) < 0 || rename(tmp, latest) < 0) {
		util_err("cannot point %s at %s: %s", latest, run_id, strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	free(latest);
}
