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
 * whatever the guest printed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiln/lib/text.h"
#include "kiln/lib/util.h"
#include "report_formats.h"
#include "report_json.h"

static void junit_text(FILE *out, const char *s)
{
	char *e = text_xml_escape(s, strlen(s));

	fputs(e, out);
	free(e);
}

/* classname="kiln.<area>" name="<rest>": the name up to its last '/' is
 * the class, with '/' as '.'; a name without '/' is in class "kiln". */
static void junit_names(FILE *out, const char *name, long long attempt)
{
	const char *slash = strrchr(name, '/');
	char *area = slash ? util_strndup(name, (size_t)(slash - name)) : util_strdup("");

	for (char *p = area; *p; p++)
		if (*p == '/')
			*p = '.';
	fputs("classname=\"kiln", out);
	if (*area) {
		fputc('.', out);
		junit_text(out, area);
	}
	fputs("\" name=\"", out);
	junit_text(out, slash ? slash + 1 : name);
	if (attempt > 1)
		fprintf(out, " #%lld", attempt);
	fputc('"', out);
	free(area);
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
	if (strcmp(o, "pass") != 0) {
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
}

char *run_report_junit(json_t *records, long long duration_ms)
{
	char *buf = NULL;
	size_t len = 0, i, failures = 0, errors = 0;
	FILE *out = util_memstream(&buf, &len);
	json_t *rec;

	json_array_foreach (records, i, rec) {
		const char *o = report_str(rec, "outcome", "");
		failures += strcmp(o, "pass") != 0 && strcmp(o, "harness_error") != 0;
		errors += !strcmp(o, "harness_error");
	}
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(out,
		"<testsuites tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" time=\"%.3f\">\n"
		" <testsuite name=\"kiln\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
		"skipped=\"0\" time=\"%.3f\">\n",
		json_array_size(records), failures, errors, (double)duration_ms / 1000.0,
		json_array_size(records), failures, errors, (double)duration_ms / 1000.0);
	json_array_foreach (records, i, rec)
		junit_case(out, rec);
	fprintf(out, " </testsuite>\n</testsuites>\n");
	fclose(out);
	return buf;
}
