/* tap.c: report.tap and `kiln run --tap`, TAP version 14. See
 * kiln/report/run_report.h.
 *
 * One test point per case run, its description the case line. In the
 * description '\' and '#' are escaped as TAP 14 says ("\\", "\#"), so a
 * reason can never start a directive, and line breaks are spaces. A failing
 * run is followed by a YAML diagnostic block (indented 2, between "---"
 * and "...") with its name, attempt, outcome, class, reason, duration_ms,
 * dir and SMOKES_* lines; the strings are written as JSON strings with
 * non-ASCII escaped, which are valid YAML double-quoted scalars.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiln/lib/text.h"
#include "kiln/lib/util.h"
#include "kiln/report/case_line.h"
#include "kiln/report/run_report.h"
#include "report_json.h"

static void tap_description(FILE *out, const json_t *rec)
{
	char *line = case_line_from_record(rec);
	char *clean = text_utf8_clean(line, strlen(line));

	for (const char *p = clean; *p; p++) {
		if (*p == '\\' || *p == '#')
			fputc('\\', out);
		fputc(*p == '\n' || *p == '\r' ? ' ' : *p, out);
	}
	free(line);
	free(clean);
}

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

char *run_report_tap(json_t *records)
{
	char *buf = NULL;
	size_t len = 0, i;
	FILE *out = util_memstream(&buf, &len);
	json_t *rec;

	fprintf(out, "TAP version 14\n1..%zu\n", json_array_size(records));
	json_array_foreach (records, i, rec) {
		bool ok = !strcmp(report_str(rec, "outcome", ""), "pass");
		fprintf(out, "%sok %zu - ", ok ? "" : "not ", i + 1);
		tap_description(out, rec);
		fputc('\n', out);
		if (!ok)
			tap_yaml(out, rec);
	}
	fclose(out);
	return buf;
}
