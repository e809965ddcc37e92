/* report_html.c: report.html. See kiln/report/report_html.h.
 *
 * Static HTML and inline SVG only. The stylesheet is one constant whose
 * SHA-256 goes into the Content-Security-Policy, so the browser applies it
 * and nothing else; script-src is 'none'. Escaping is done in two places:
 * html_text() for every string, html_guest() for guest bytes (console
 * tail), which also shows control bytes as \xNN instead of passing ANSI
 * escapes through.
 */
#include "kiln/report/report_html.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiln/lib/outcome.h"
#include "kiln/lib/text.h"
#include "kiln/lib/util.h"
#include "kiln/report/timeline.h"
#include "report_html_parts.h"
#include "report_json.h"

static const char html_css[] =
	"body{font:14px/1.4 system-ui,sans-serif;margin:1em 2em;color:#222;background:#fff}"
	"h1{font-size:1.5em}h2{margin-top:1.5em;border-bottom:1px solid #ccc}"
	"table{border-collapse:collapse}td,th{padding:2px 8px;text-align:left;"
	"border-bottom:1px solid #eee;vertical-align:top}"
	"code,pre,.class{font-family:ui-monospace,monospace}"
	"pre{background:#f6f6f6;padding:6px;white-space:pre-wrap;word-break:break-all;"
	"max-height:30em;overflow:auto}"
	".o-pass .class{color:#070}.o-bad .class{color:#b00;font-weight:bold}"
	".flaky{color:#a60;font-weight:bold}.ctl{color:#a0a;background:#fde}"
	"section.case{border-left:4px solid #ccc;padding-left:1em;margin:1.5em 0}"
	"section.o-bad{border-left-color:#b00}section.o-pass{border-left-color:#070}"
	"svg.timeline{width:100%;max-width:1000px;display:block;background:#fafafa}"
	"svg .axis{stroke:#999;stroke-width:1}svg .run{stroke:#bbb;stroke-width:2}"
	"svg .ev-start{fill:#555}svg .ev-marker{fill:#27c}svg .ev-step{fill:#7a4}"
	"svg .ev-fail{fill:#d00}svg .ev-end{fill:#222}svg text{font:11px monospace;fill:#444}"
	"ol.events li.ev-fail,ol.events li.ev-pending{color:#b00}"
	".t{display:inline-block;min-width:6em;text-align:right;margin-right:1em;"
	"font-family:monospace}"
	".regressed{color:#b00;font-weight:bold}.improved{color:#070}"
	".legend span{margin-right:1.5em}.legend .ev-start{color:#555}.legend .ev-marker{color:#27c}"
	".legend .ev-step{color:#7a4}.legend .ev-fail{color:#d00}.legend .ev-end{color:#222}";

/* See report_html_parts.h. */
void html_text(FILE *out, const char *s)
{
	char *shown = text_escape_controls(s, strlen(s));

	for (const char *p = shown; *p; p++) {
		switch (*p) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		default: fputc(*p, out);
		}
	}
	free(shown);
}

/* Guest bytes for a <pre>: lines kept, every other control byte (ESC of an
 * ANSI sequence, NUL, DEL) shown as a marked \xNN, invalid UTF-8 as U+FFFD. */
static void html_guest(FILE *out, const char *s, size_t len)
{
	const char *end = s + len;

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
		char *clean = text_utf8_clean(s, n);
		for (const char *p = clean; *p; p++) {
			unsigned char ch = (unsigned char)*p;
			if (ch == '\t')
				fputc('\t', out);
			else if (ch < 0x20 || ch == 0x7f)
				fprintf(out, "<span class=\"ctl\">\\x%02x</span>", ch);
			else if (ch == '&' || ch == '<' || ch == '>' || ch == '"' || ch == '\'')
				fprintf(out, "&#%d;", ch);
			else
				fputc(*p, out);
		}
		free(clean);
		if (nl)
			fputc('\n', out);
		s += n + (nl ? 1 : 0);
	}
}

static char *html_css_hash(void)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	char b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];

	if (!EVP_Digest(html_css, strlen(html_css), md, &md_len, EVP_sha256(), NULL))
		abort(); /* SHA-256 of a constant cannot fail but for lack of memory */
	EVP_EncodeBlock((unsigned char *)b64, md, (int)md_len);
	return util_strdup(b64);
}

static bool html_is_pass(const json_t *o)
{
	return !strcmp(report_str(o, "outcome", ""), "pass");
}

static void html_head(FILE *out, const json_t *report)
{
	const json_t *sum = json_object_get(report, "summary");
	char *hash = html_css_hash();

	fprintf(out,
		"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		"script-src 'none'; style-src 'sha256-%s'; img-src 'none'; base-uri 'none'; "
		"form-action 'none'\">\n"
		"<meta name=\"viewport\" content=\"width=device-width\">\n<title>kiln run ",
		hash);
	html_text(out, report_str(report, "run_id", "?"));
	fprintf(out, ": %lld passed, %lld failed</title>\n<style>%s</style>\n</head>\n<body>\n",
		report_int(sum, "passed"), report_int(sum, "failed"), html_css);
	free(hash);
}

static void html_fact(FILE *out, const char *name, const char *value)
{
	fprintf(out, "<tr><th>%s</th><td>", name);
	html_text(out, value);
	fputs("</td></tr>\n", out);
}

static void html_summary(FILE *out, const json_t *report)
{
	const json_t *sum = json_object_get(report, "summary"), *argv, *v;
	const char *key;
	size_t i;
	char buf[64];

	fputs("<h1>kiln run <code>", out);
	html_text(out, report_str(report, "run_id", "?"));
	fprintf(out,
		"</code></h1>\n<p id=\"summary\">%lld runs: <b>%lld passed</b>, "
		"<b>%lld failed</b>, %lld not run</p>\n<table id=\"facts\">\n",
		report_int(sum, "runs"), report_int(sum, "passed"), report_int(sum, "failed"),
		report_int(sum, "not_run"));
	html_fact(out, "backend", report_str(report, "backend", "?"));
	snprintf(buf, sizeof(buf), "%.2f s", (double)report_int(report, "duration_ms") / 1000.0);
	html_fact(out, "duration", buf);
	snprintf(buf, sizeof(buf), "%lld%s", report_int(report, "exit_code"),
		 json_is_true(json_object_get(report, "interrupted")) ? " (interrupted)" : "");
	html_fact(out, "exit code", buf);
	if (json_object_get(report, "host"))
		html_fact(out, "host", report_str(report, "host", ""));
	if (json_object_get(report, "shard"))
		html_fact(out, "shard", report_str(report, "shard", ""));
	if ((argv = json_object_get(report, "merged_from"))) {
		fputs("<tr><th>merged from</th><td>", out);
		json_array_foreach (argv, i, v) {
			html_text(out, report_str(v, "run_id", "?"));
			if (json_object_get(v, "shard")) {
				fputs(" (shard ", out);
				html_text(out, report_str(v, "shard", ""));
				fputs(")", out);
			}
			fputs(i + 1 < json_array_size(argv) ? ", " : "", out);
		}
		fputs("</td></tr>\n", out);
	}
	fputs("<tr><th>command</th><td><code>kiln", out);
	json_array_foreach (json_object_get(report, "argv"), i, v) {
		fputc(' ', out);
		html_text(out, json_string_value(v) ? json_string_value(v) : "");
	}
	fputs("</code></td></tr>\n</table>\n<table id=\"outcomes\"><tr>", out);
	json_object_foreach ((json_t *)json_object_get(sum, "outcomes"), key, v)
		if (json_integer_value(v))
			fprintf(out, "<td class=\"class\">%s</td><td>%lld</td>", key,
				(long long)json_integer_value(v));
	fputs("</tr></table>\n", out);
}

/* The cases of report.json, worst outcome first, then by name. */
static int html_by_severity(const void *a, const void *b)
{
	const json_t *ca = *(json_t *const *)a, *cb = *(json_t *const *)b;
	int sa = (int)outcome_from_name(report_str(ca, "outcome", ""));
	int sb = (int)outcome_from_name(report_str(cb, "outcome", ""));

	if (sa != sb)
		return sb - sa;
	return strcmp(report_str(ca, "name", ""), report_str(cb, "name", ""));
}

static json_t **html_sorted_cases(const json_t *report, size_t *n)
{
	const json_t *cases = json_object_get(report, "cases");
	json_t **v;

	*n = json_array_size(cases);
	v = util_calloc(*n ? *n : 1, sizeof(*v));
	for (size_t i = 0; i < *n; i++)
		v[i] = json_array_get(cases, i);
	qsort(v, *n, sizeof(*v), html_by_severity);
	return v;
}

static void html_case_rows(FILE *out, json_t **cases, size_t n)
{
	fputs("<h2>Cases</h2>\n<table id=\"cases\">\n<tr><th>class</th><th>case</th>"
	      "<th>reason</th><th>duration</th><th>runs</th></tr>\n",
	      out);
	for (size_t i = 0; i < n; i++) {
		const json_t *c = cases[i], *a;
		long long ms = 0;
		size_t k;
		json_array_foreach (json_object_get(c, "attempts"), k, a)
			ms += report_int(a, "duration_ms");
		fprintf(out, "<tr class=\"%s\"><td class=\"class\">",
			html_is_pass(c) ? "o-pass" : "o-bad");
		html_text(out, report_str(c, "class", ""));
		fprintf(out, "</td><td><a href=\"#case-%zu\">", i + 1);
		html_text(out, report_str(c, "name", ""));
		fputs("</a></td><td>", out);
		html_text(out, report_str(c, "reason", ""));
		fprintf(out, "</td><td>%.2f s</td><td>%lld/%lld passed%s</td></tr>\n",
			(double)ms / 1000.0, report_int(c, "passes"), report_int(c, "runs"),
			json_is_true(json_object_get(c, "flaky"))
				? " <span class=\"flaky\">flaky</span>"
				: "");
	}
	fputs("</table>\n", out);
}

/* The case's records (borrowed) in attempt order, as a new array. */
static json_t *html_case_records(const json_t *records, const char *name)
{
	json_t *out = json_array(), *r;
	size_t i;

	json_array_foreach (records, i, r)
		if (!strcmp(report_str(r, "name", ""), name))
			json_array_append(out, r);
	/* attempts are few: insertion sort by attempt number */
	for (i = 1; i < json_array_size(out); i++)
		for (size_t k = i; k > 0 && report_int(json_array_get(out, k - 1), "attempt") >
						    report_int(json_array_get(out, k), "attempt");
		     k--) {
			json_t *x = json_incref(json_array_get(out, k));
			json_array_set(out, k, json_array_get(out, k - 1));
			json_array_set_new(out, k - 1, x);
		}
	return out;
}

/* One SVG, one line per run, a dot per event; the x axis is shared. */
static void html_timeline_svg(FILE *out, const json_t *runs, json_t *const *events)
{
	size_t n = json_array_size(runs), i, k;
	long long span = 1;
	json_t *e;

	for (i = 0; i < n; i++)
		json_array_foreach (events[i], k, e)
			if (json_integer_value(json_object_get(e, "t_ms")) > span)
				span = json_integer_value(json_object_get(e, "t_ms"));
	fprintf(out,
		"<svg class=\"timeline\" viewBox=\"0 0 1000 %zu\" role=\"img\" "
		"aria-label=\"timeline, 0 to %lld ms\">\n",
		30 + 24 * n, span);
	fprintf(out,
		"<line class=\"axis\" x1=\"60\" y1=\"%zu\" x2=\"990\" y2=\"%zu\"/>"
		"<text x=\"60\" y=\"%zu\">0 ms</text><text x=\"930\" y=\"%zu\">%lld ms</text>\n",
		14 + 24 * n, 14 + 24 * n, 28 + 24 * n, 28 + 24 * n, span);
	for (i = 0; i < n; i++) {
		size_t y = 12 + 24 * i;
		fprintf(out,
			"<text x=\"0\" y=\"%zu\">run %lld</text><line class=\"run\" x1=\"60\" "
			"y1=\"%zu\" x2=\"990\" y2=\"%zu\"/>\n",
			y + 4, report_int(json_array_get(runs, i), "attempt"), y, y);
		json_array_foreach (events[i], k, e) {
			json_t *t = json_object_get(e, "t_ms");
			if (json_is_null(t))
				continue;
			double x = 60.0 + 930.0 * (double)json_integer_value(t) / (double)span;
			fprintf(out,
				"<circle class=\"ev-%s\" cx=\"%.1f\" cy=\"%zu\" r=\"5\"><title>",
				report_str(e, "kind", ""), x, y);
			fprintf(out, "%lld ms ", (long long)json_integer_value(t));
			html_text(out, report_str(e, "label", ""));
			fputs("</title></circle>\n", out);
		}
	}
	fputs("</svg>\n<p class=\"legend\"><span class=\"ev-start\">&#9679; QEMU start</span>"
	      "<span class=\"ev-marker\">&#9679; marker</span><span class=\"ev-step\">&#9679; "
	      "step</span><span class=\"ev-fail\">&#9679; fail pattern</span><span "
	      "class=\"ev-end\">&#9679; end</span></p>\n",
	      out);
}

static void html_events(FILE *out, const json_t *events)
{
	json_t *e;
	size_t i;

	fputs("<ol class=\"events\">\n", out);
	json_array_foreach (events, i, e) {
		json_t *t = json_object_get(e, "t_ms");
		fprintf(out, "<li class=\"ev-%s\"><span class=\"t\">", report_str(e, "kind", ""));
		if (json_is_null(t))
			fputs("never", out);
		else
			fprintf(out, "%lld ms", (long long)json_integer_value(t));
		fprintf(out, "</span>%s <code>", report_str(e, "kind", ""));
		html_text(out, report_str(e, "label", ""));
		fputs("</code></li>\n", out);
	}
	fputs("</ol>\n", out);
}

static void html_diagnostics(FILE *out, const json_t *rec)
{
	const json_t *diags = json_object_get(rec, "diagnostics"), *d;
	size_t i;

	if (!json_array_size(diags))
		return;
	fputs("<h4>diagnostics</h4>\n<ul class=\"diagnostics\">\n", out);
	json_array_foreach (diags, i, d) {
		fputs("<li><code>", out);
		html_text(out, report_str(d, "line", ""));
		fputs("</code></li>\n", out);
	}
	fputs("</ul>\n", out);
}

static void html_capsule(FILE *out, const json_t *rec, const char *dir)
{
	const json_t *cap = json_object_get(rec, "capsule"), *tail;

	if (!cap)
		return;
	fputs("<h4>failure capsule</h4>\n<table class=\"capsule\">\n", out);
	html_fact(out, "QEMU status",
		  report_str(json_object_get(cap, "status"), "status", "unknown"));
	if (json_is_string(json_object_get(cap, "last_marker"))) {
		char *lm = util_strdup_printf("'%s' at %lld ms", report_str(cap, "last_marker", ""),
					      report_int(cap, "last_marker_ms"));
		html_fact(out, "last marker", lm);
		free(lm);
	} else {
		html_fact(out, "last marker", "none");
	}
	if (json_is_string(json_object_get(cap, "registers"))) {
		fputs("<tr><th>registers</th><td><a href=\"", out);
		html_text(out, dir);
		fputc('/', out);
		html_text(out, report_str(cap, "registers", ""));
		fputs("\">", out);
		html_text(out, report_str(cap, "registers", ""));
		fputs("</a></td></tr>\n", out);
	}
	fputs("</table>\n", out);
	tail = json_object_get(cap, "console_tail");
	if (json_is_string(tail)) {
		fputs("<h4>console tail</h4>\n<pre class=\"console\">", out);
		html_guest(out, json_string_value(tail), json_string_length(tail));
		fputs("</pre>\n", out);
	}
}

static void html_links(FILE *out, const char *dir)
{
	static const char *const files[] = {"console.log", "qmp.log", "case.json", "qemu.stderr"};

	fputs("<p class=\"links\">", out);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		fputs("<a href=\"", out);
		html_text(out, dir);
		fprintf(out, "/%s\">%s</a> ", files[i], files[i]);
	}
	fputs("</p>\n", out);
}

/* The replay command, with the case directory quoted for a POSIX shell. */
static void html_replay(FILE *out, const char *run_dir, const char *dir)
{
	char *path = util_strdup_printf("%s/%s", run_dir, dir), *quoted;
	bool plain = strspn(path, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "0123456789/._-+:") == strlen(path);
	size_t len = 0;
	FILE *q = util_memstream(&quoted, &len);

	if (plain) {
		fputs(path, q);
	} else {
		fputc('\'', q);
		for (const char *p = path; *p; p++)
			fputs(*p == '\'' ? "'\\''" : (char[]){*p, 0}, q);
		fputc('\'', q);
	}
	fclose(q);
	fputs("<p>replay: <code class=\"replay\">kiln replay ", out);
	html_text(out, quoted);
	fputs("</code></p>\n", out);
	free(quoted);
	free(path);
}

static void html_case(FILE *out, const json_t *c, size_t idx, const json_t *records,
		      const char *run_dir)
{
	json_t *runs = html_case_records(records, report_str(c, "name", ""));
	size_t n = json_array_size(runs), i;
	json_t **events = util_calloc(n ? n : 1, sizeof(*events));
	char *divergence = timeline_divergence(runs);

	fprintf(out, "<section class=\"case %s\" id=\"case-%zu\" data-outcome=\"%s\">\n<h3>",
		html_is_pass(c) ? "o-pass" : "o-bad", idx, report_str(c, "outcome", ""));
	html_text(out, report_str(c, "name", ""));
	fputs(" <span class=\"class\">", out);
	html_text(out, report_str(c, "class", ""));
	fputs("</span></h3>\n", out);
	if (!html_is_pass(c)) {
		fputs("<p class=\"reason\">", out);
		html_text(out, report_str(c, "reason", ""));
		fputs("</p>\n", out);
	}
	if (divergence) {
		fputs("<p class=\"divergence flaky\">", out);
		html_text(out, divergence);
		fputs("</p>\n", out);
	}
	for (i = 0; i < n; i++)
		events[i] = timeline_events(json_array_get(runs, i));
	html_timeline_svg(out, runs, events);
	for (i = 0; i < n; i++) {
		const json_t *rec = json_array_get(runs, i);
		const char *dir = report_str(rec, "dir", "");
		fprintf(out, "<details class=\"run\"%s><summary>run %lld: <span class=\"class\">",
			html_is_pass(rec) ? "" : " open", report_int(rec, "attempt"));
		html_text(out, report_str(rec, "class", ""));
		fprintf(out, "</span> (%.2f s)", (double)report_int(rec, "duration_ms") / 1000.0);
		if (json_object_get(rec, "source")) {
			fputs(" from run ", out);
			html_text(out, report_str(json_object_get(rec, "source"), "run_id", ""));
		}
		fputs("</summary>\n", out);
		if (n > 1 && !html_is_pass(rec)) {
			fputs("<p class=\"reason\">", out);
			html_text(out, report_str(rec, "reason", ""));
			fputs("</p>\n", out);
		}
		html_events(out, events[i]);
		html_diagnostics(out, rec);
		html_results(out, rec);
		html_capsule(out, rec, dir);
		html_links(out, dir);
		html_replay(out, run_dir, dir);
		fputs("</details>\n", out);
		json_decref(events[i]);
	}
	fputs("</section>\n", out);
	free(events);
	free(divergence);
	json_decref(runs);
}

static void html_name_list(FILE *out, const char *title, const json_t *list, const char *cls)
{
	const json_t *e;
	size_t i;

	if (!json_array_size(list))
		return;
	fprintf(out, "<h3>%s (%zu)</h3>\n<ul class=\"%s\">\n", title, json_array_size(list), cls);
	json_array_foreach (list, i, e) {
		fputs("<li><code>", out);
		html_text(out,
			  json_is_string(e) ? json_string_value(e) : report_str(e, "name", ""));
		fputs("</code>", out);
		if (json_is_object(e) && json_object_get(e, "new_class")) {
			fputs(" ", out);
			html_text(out, report_str(e, "base_class", "none"));
			fputs(" &rarr; ", out);
			html_text(out, report_str(e, "new_class", ""));
		}
		fputs("</li>\n", out);
	}
	fputs("</ul>\n", out);
}

static void html_comparison(FILE *out, const json_t *cmp)
{
	const json_t *t;
	size_t i, same = 0;

	fputs("<section id=\"baseline\">\n<h2>Against the baseline</h2>\n<p>baseline <code>", out);
	html_text(out, report_str(cmp, "base", ""));
	fprintf(out,
		"</code>: <b>%lld regressions</b> (%lld new failures, %lld slower markers)</p>\n",
		report_int(cmp, "regressions"),
		(long long)json_array_size(json_object_get(cmp, "new_failures")),
		report_int(cmp, "timing_regressions"));
	html_name_list(out, "new failures", json_object_get(cmp, "new_failures"), "regressed");
	html_name_list(out, "fixed", json_object_get(cmp, "fixed"), "improved");
	html_name_list(out, "still failing", json_object_get(cmp, "still_failing"), "");
	html_name_list(out, "flaky", json_object_get(cmp, "flaky"), "flaky");
	html_name_list(out, "only in the baseline", json_object_get(cmp, "only_base"), "");
	html_name_list(out, "only in this run", json_object_get(cmp, "only_new"), "");
	fputs("<h3>marker times</h3>\n<table id=\"timing\"><tr><th>case</th><th>marker</th>"
	      "<th>baseline median</th><th>median</th><th>change</th><th>p</th><th>verdict</th></tr>\n",
	      out);
	json_array_foreach (json_object_get(cmp, "timing"), i, t) {
		const char *v = report_str(t, "verdict", "");
		if (!strcmp(v, "same")) {
			same++;
			continue;
		}
		fprintf(out, "<tr class=\"%s\"><td>",
			!strcmp(v, "slower")   ? "regressed"
			: !strcmp(v, "faster") ? "improved"
					       : "");
		html_text(out, report_str(t, "name", ""));
		fputs("</td><td><code>", out);
		html_text(out, report_str(t, "marker", ""));
		fprintf(out,
			"</code></td><td>%.0f ms</td><td>%.0f ms</td><td>%+.0f%%</td><td>%.3g</td><td>%s</td></tr>\n",
			json_number_value(json_object_get(t, "base_median_ms")),
			json_number_value(json_object_get(t, "new_median_ms")),
			100.0 * json_number_value(json_object_get(t, "change")),
			json_number_value(json_object_get(t, "p")), v);
	}
	fprintf(out, "</table>\n<p>%zu markers within noise.</p>\n</section>\n", same);
}

char *report_html_page(const json_t *report, const json_t *records, const char *run_dir,
		       const json_t *comparison)
{
	char *buf = NULL;
	size_t len = 0, n;
	FILE *out = util_memstream(&buf, &len);
	json_t **cases = html_sorted_cases(report, &n);

	html_head(out, report);
	html_summary(out, report);
	if (comparison)
		html_comparison(out, comparison);
	html_case_rows(out, cases, n);
	for (size_t i = 0; i < n; i++)
		html_case(out, cases[i], i + 1, records, run_dir);
	fputs("<p><small>Written by kiln. Schemas: docs/reports.md.</small></p>\n</body>\n</html>\n",
	      out);
	free(cases);
	fclose(out);
	return buf;
}
