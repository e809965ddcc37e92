/* junit_xml.c: junit.xml. See report_formats.h.
 *
 * One <testsuite name="kiln"> with one <testcase> per case run. The case
 * "boot/banner" is classname "kiln.boot", name "banner" (run N > 1 of
 * --repeat: "banner #N"), so Jenkins shows package kiln, class boot, test
 * banner, and GitLab suite kiln.boot, name banner. time is in seconds. A
 * failing run has <failure> (<error> for harness_error: Kiln itself failed)
 * with message "<class>: <reason>" and as text the reason and the SMOKES_*
 * lines, then <system-out> with the console tail, inside the testcase.
 * Guest bytes pass through text_xml_escape(), so the file stays valid XML
 * whatever the guest printed. A failure matched to a known issue is
 * <skipped> with the issue; a case with KTAP results is followed by one
 * testcase per subtest (junit_subtests).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiln/lib/text.h"
#include "kiln/lib/util.h"
#include "kiln/report/run_verdict.h"
#include "report_formats.h"
#include "report_json.h"

static void junit_text(FILE *out, const char *s)
{
	char *e = text_xml_escape(s, strlen(s));

	fputs(e, out);
	free(e);
}

/* "kiln.<path>" with '/' as '.', for the first len bytes of path; just
 * "kiln" when len is 0. */
static void junit_class(FILE *out, const char *path, size_t len)
{
	char *dotted = util_strndup(path, len);

	for (char *p = dotted; *p; p++)
		if (*p == '/')
			*p = '.';
	fputs("kiln", out);
	if (*dotted) {
		fputc('.', out);
		junit_text(out, dotted);
	}
	free(dotted);
}

/* classname="kiln.<area>" name="<rest>": the name up to its last '/' is
 * the class; a name without '/' is in class "kiln". */
static void junit_names(FILE *out, const char *name, long long attempt)
{
	const char *slash = strrchr(name, '/');

	fputs("classname=\"", out);
	junit_class(out, name, slash ? (size_t)(slash - name) : 0);
	fputs("\" name=\"", out);
	junit_text(out, slash ? slash + 1 : name);
	if (attempt > 1)
		fprintf(out, " #%lld", attempt);
	fputc('"', out);
}

/* A failure matched to a known issue: skipped, with the issue as reason. */
static void junit_known(FILE *out, const json_t *rec)
{
	const json_t *known = json_object_get(rec, "known");

	fputs("    <skipped message=\"known issue ", out);
	junit_text(out, report_str(known, "link", ""));
	fputs(" (expires ", out);
	junit_text(out, report_str(known, "expires", ""));
	fputs("): ", out);
	junit_text(out, report_str(rec, "title", ""));
	fputs("\"/>\n", out);
}

/* One testcase per KTAP subtest, after its case's: classname is the case
 * ("kiln.linux.kunit"), name the subtest's path ("kasan.kmalloc_uaf"). A
 * failed or crashed subtest has <failure>; a skipped or unrun one
 * <skipped>, with the reason. */
static void junit_subtests(FILE *out, const json_t *rec)
{
	const char *name = report_str(rec, "name", "");
	const json_t *r;
	size_t i;

	json_array_foreach (json_object_get(json_object_get(rec, "subtests"), "results"), i, r) {
		const char *status = report_str(r, "status", "");
		bool failed = !strcmp(status, "fail") || !strcmp(status, "crashed");
		bool skipped = !strcmp(status, "skip") || !strcmp(status, "not_run");
		fputs("  <testcase classname=\"", out);
		junit_class(out, name, strlen(name));
		if (report_int(rec, "attempt") > 1)
			fprintf(out, " #%lld", report_int(rec, "attempt"));
		fputs("\" name=\"", out);
		junit_text(out, report_str(r, "name", ""));
		fprintf(out, "\" time=\"%.3f\"", (double)report_int(r, "duration_ms") / 1000.0);
		if (!failed && !skipped) {
			fputs("/>\n", out);
			continue;
		}
		fprintf(out, ">\n    <%s", failed ? "failure type=\"" : "skipped");
		if (failed) {
			junit_text(out, status);
			fputc('"', out);
		}
		fputs(" message=\"", out);
		junit_text(out, status);
		if (*report_str(r, "reason", "")) {
			fputs(": ", out);
			junit_text(out, report_str(r, "reason", ""));
		}
		fprintf(out, "\"/>\n  </testcase>\n");
	}
}

static void junit_case(FILE *out, const json_t *rec)
{
	const char *o = report_str(rec, "outcome", "");
	const char *elem = strcmp(o, "harness_error") ? "failure" : "error";
	const json_t *d, *tail = json_object_get(json_object_get(rec, "capsule"), "console_tail");
	size_t i;

	fputs("  <testcase ", out);
	junit_names(out, report_str(rec, "name", ""), report_int(rec, "attempt"));
	fprintf(out, " time=\"%.3f\">\n", (double)report_int(rec, "duration_ms") / 1000.0);
	if (run_verdict_is_known(rec)) {
		junit_known(out, rec);
	} else if (strcmp(o, "pass") != 0) {
		fprintf(out, "    <%s type=\"", elem);
		junit_text(out, report_str(rec, "class", ""));
		fputs("\" message=\"", out);
		junit_text(out, report_str(rec, "class", ""));
		fputs(": ", out);
		junit_text(out, report_str(rec, "reason", ""));
		fputs("\">", out);
		junit_text(out, report_str(rec, "reason", ""));
		fputc('\n', out);
		json_array_foreach (json_object_get(rec, "diagnostics"), i, d) {
			junit_text(out, report_str(d, "line", ""));
			fputc('\n', out);
		}
		fprintf(out, "</%s>\n", elem);
		if (json_is_string(tail)) {
			char *et =
				text_xml_escape(json_string_value(tail), json_string_length(tail));
			fprintf(out, "    <system-out>%s</system-out>\n", et);
			free(et);
		}
	}
	fputs("  </testcase>\n", out);
	junit_subtests(out, rec);
}

char *run_report_junit(json_t *records, long long duration_ms)
{
	char *buf = NULL;
	size_t len = 0, i, failures = 0, errors = 0, skipped = 0, tests = 0;
	FILE *out = util_memstream(&buf, &len);
	json_t *rec;

	json_array_foreach (records, i, rec) {
		const char *o = report_str(rec, "outcome", "");
		const json_t *counts = json_object_get(json_object_get(rec, "subtests"), "counts");
		bool known = run_verdict_is_known(rec);
		failures += !known && strcmp(o, "pass") != 0 && strcmp(o, "harness_error") != 0;
		errors += !known && !strcmp(o, "harness_error");
		skipped += known;
		tests += 1 + json_array_size(
				     json_object_get(json_object_get(rec, "subtests"), "results"));
		failures += (size_t)run_verdict_failed_subtests(rec);
		skipped += (size_t)(report_int(counts, "skip") + report_int(counts, "not_run"));
	}
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(out,
		"<testsuites tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" time=\"%.3f\">\n"
		" <testsuite name=\"kiln\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
		"skipped=\"%zu\" time=\"%.3f\">\n",
		tests, failures, errors, (double)duration_ms / 1000.0, tests, failures, errors,
		skipped, (double)duration_ms / 1000.0);
	json_array_foreach (records, i, rec)
		junit_case(out, rec);
	fprintf(out, " </testsuite>\n</testsuites>\n");
	fclose(out);
	return buf;
}
