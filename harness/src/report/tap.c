/* tap.c: report.tap and `kiln run --tap`, TAP version 14. See
 * kiln/report/run_report.h.
 *
 * One test point per case run, its description the case line. In the
 * description '\' and '#' are escaped as TAP 14 says ("\\", "\#"), so a
 * reason can never start a directive, and line breaks are spaces. A failing
 * run is followed by a YAML diagnostic block (indented 2, between "---"
 * and "...") with its name, attempt, outcome, class, reason, duration_ms,
 * dir and SMOKES_* lines; the strings are written as JSON strings with
 * non-ASCII escaped, which are valid YAML double-quoted scalars. A known
 * failure is "ok ... # SKIP known issue <link>"; a case's KTAP results are
 * a TAP 14 subtest before its point, which fails when one of them did.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiln/lib/text.h"
#include "kiln/lib/util.h"
#include "kiln/report/case_line.h"
#include "kiln/report/run_report.h"
#include "kiln/report/run_verdict.h"
#include "report_json.h"

/* One YAML line: lead (indent and "key: " or "- "), then value as a
 * double-quoted scalar. */
static void tap_yaml_string(FILE *out, const char *lead, const char *value)
{
	json_t *s = json_string(value);
	char *text = s ? json_dumps(s, JSON_ENCODE_ANY | JSON_ENSURE_ASCII) : NULL;

	fprintf(out, "%s%s\n", lead, text ? text : "\"\"");
	free(text);
	json_decref(s);
}

static void tap_yaml(FILE *out, const json_t *rec)
{
	const json_t *d;
	size_t i;

	fputs("  ---\n", out);
	tap_yaml_string(out, "  name: ", report_str(rec, "name", ""));
	fprintf(out, "  attempt: %lld\n", report_int(rec, "attempt"));
	tap_yaml_string(out, "  outcome: ", report_str(rec, "outcome", ""));
	tap_yaml_string(out, "  class: ", report_str(rec, "class", ""));
	tap_yaml_string(out, "  reason: ", report_str(rec, "reason", ""));
	fprintf(out, "  duration_ms: %lld\n", report_int(rec, "duration_ms"));
	tap_yaml_string(out, "  dir: ", report_str(rec, "dir", ""));
	if (json_array_size(json_object_get(rec, "diagnostics"))) {
		fputs("  diagnostics:\n", out);
		json_array_foreach (json_object_get(rec, "diagnostics"), i, d)
			tap_yaml_string(out, "    - ", report_str(d, "line", ""));
	}
	fputs("  ...\n", out);
}

/* TAP 14 escaping of a description: '\' and '#', line breaks as spaces. */
static void tap_escaped(FILE *out, const char *s)
{
	char *clean = text_utf8_clean(s, strlen(s));

	for (const char *p = clean; *p; p++) {
		if (*p == '\\' || *p == '#')
			fputc('\\', out);
		fputc(*p == '\n' || *p == '\r' ? ' ' : *p, out);
	}
	free(clean);
}

/* A case's KTAP results as a TAP 14 subtest, before the case's own point:
 * a skipped or unrun subtest is "ok ... # SKIP", a failed or crashed one
 * "not ok". */
static void tap_subtests(FILE *out, const json_t *rec)
{
	const json_t *results = json_object_get(json_object_get(rec, "subtests"), "results"), *r;
	size_t i;

	if (!json_is_array(results))
		return;
	fputs("    # Subtest: ", out);
	tap_escaped(out, report_str(rec, "name", ""));
	fprintf(out, "\n    1..%zu\n", json_array_size(results));
	json_array_foreach (results, i, r) {
		const char *status = report_str(r, "status", "");
		bool bad = !strcmp(status, "fail") || !strcmp(status, "crashed");
		bool skip = !strcmp(status, "skip") || !strcmp(status, "not_run");
		fprintf(out, "    %sok %zu - ", bad ? "not " : "", i + 1);
		tap_escaped(out, report_str(r, "name", ""));
		if (skip || !strcmp(status, "crashed")) {
			fputs(skip ? " # SKIP " : " \\# ", out);
			tap_escaped(out, status);
			if (*report_str(r, "reason", "")) {
				fputs(": ", out);
				tap_escaped(out, report_str(r, "reason", ""));
			}
		}
		fputc('\n', out);
	}
}

static void tap_description(FILE *out, const json_t *rec)
{
	char *line = case_line_from_record(rec);

	tap_escaped(out, line);
	free(line);
}

char *run_report_tap(json_t *records)
{
	char *buf = NULL;
	size_t len = 0, i;
	FILE *out = util_memstream(&buf, &len);
	json_t *rec;

	fprintf(out, "TAP version 14\n1..%zu\n", json_array_size(records));
	json_array_foreach (records, i, rec) {
		bool known = run_verdict_is_known(rec);
		bool ok = known || (!strcmp(report_str(rec, "outcome", ""), "pass") &&
				    run_verdict_failed_subtests(rec) == 0);
		tap_subtests(out, rec);
		fprintf(out, "%sok %zu - ", ok ? "" : "not ", i + 1);
		tap_description(out, rec);
		if (known) {
			fputs(" # SKIP known issue ", out);
			tap_escaped(out, report_str(json_object_get(rec, "known"), "link", ""));
		}
		fputc('\n', out);
		if (!ok)
			tap_yaml(out, rec);
	}
	fclose(out);
	return buf;
}
