/* report_html_results.c: a run's title, known issue, crash report and
 * KTAP subtests on report.html. See report_html_parts.h.
 *
 * Owner: report. Every string came from the guest or a file a person
 * wrote, so every one goes through html_text().
 */
#include <string.h>

#include "report_html_parts.h"
#include "report_json.h"

static void html_title(FILE *out, const json_t *rec)
{
	const json_t *known = json_object_get(rec, "known");

	if (!json_object_get(rec, "title"))
		return;
	fputs("<p class=\"title\">title <code>", out);
	html_text(out, report_str(rec, "title", ""));
	fputs("</code>", out);
	if (json_is_object(known)) {
		fputs(" &mdash; known issue <code>", out);
		html_text(out, report_str(known, "link", ""));
		fputs("</code>, until ", out);
		html_text(out, report_str(known, "expires", ""));
	}
	fputs("</p>\n", out);
}

/* The raw report: one row per frame, innermost first. */
static void html_crash(FILE *out, const json_t *rec)
{
	const json_t *crash = json_object_get(rec, "crash"), *fr;
	size_t i;

	if (!json_is_object(crash))
		return;
	fputs("<h4>crash report</h4>\n", out);
	if (json_object_get(crash, "error")) {
		fputs("<p class=\"reason\">", out);
		html_text(out, report_str(crash, "error", ""));
		fputs("</p>\n", out);
	}
	fputs("<table class=\"capsule\">\n<tr><th>address</th><th>function</th><th>source</th></tr>\n",
	      out);
	json_array_foreach (json_object_get(crash, "frames"), i, fr) {
		char line[32];
		snprintf(line, sizeof(line), ":%lld", report_int(fr, "line"));
		fputs("<tr><td><code>", out);
		html_text(out, report_str(fr, "addr", ""));
		fputs("</code></td><td><code>", out);
		html_text(out, report_str(fr, "function", ""));
		fputs(json_is_true(json_object_get(fr, "inlined")) ? "</code> (inlined)"
								   : "</code>",
		      out);
		fputs("</td><td><code>", out);
		html_text(out, report_str(fr, "file", "??"));
		html_text(out, line);
		fputs("</code></td></tr>\n", out);
	}
	fputs("</table>\n", out);
}

static void html_subtests(FILE *out, const json_t *rec)
{
	const json_t *sub = json_object_get(rec, "subtests"), *r;
	size_t i;

	if (!json_is_object(sub))
		return;
	fputs("<h4>subtests (", out);
	html_text(out, report_str(sub, "format", ""));
	fputs(")</h4>\n<table class=\"capsule\">\n<tr><th>subtest</th><th>result</th><th>ms</th>"
	      "<th>reason</th></tr>\n",
	      out);
	json_array_foreach (json_object_get(sub, "results"), i, r) {
		char ms[32];
		snprintf(ms, sizeof(ms), "%lld", report_int(r, "duration_ms"));
		fputs("<tr><td><code>", out);
		html_text(out, report_str(r, "name", ""));
		fputs("</code></td><td>", out);
		html_text(out, report_str(r, "status", ""));
		fputs("</td><td>", out);
		html_text(out, ms);
		fputs("</td><td>", out);
		html_text(out, report_str(r, "reason", ""));
		fputs("</td></tr>\n", out);
	}
	json_array_foreach (json_object_get(sub, "errors"), i, r) {
		char where[48];
		snprintf(where, sizeof(where), "console.log:%lld", report_int(r, "line"));
		fputs("<tr><td><code>", out);
		html_text(out, where);
		fputs("</code></td><td>malformed</td><td></td><td>", out);
		html_text(out, report_str(r, "reason", ""));
		fputs("</td></tr>\n", out);
	}
	fputs("</table>\n", out);
}

void html_results(FILE *out, const json_t *rec)
{
	html_title(out, rec);
	html_crash(out, rec);
	html_subtests(out, rec);
}
