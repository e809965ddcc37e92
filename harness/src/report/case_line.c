/* case_line.c: one-line verdicts. See kiln/case_line.h. */
#include "kiln/report/case_line.h"

#include <stdlib.h>
#include <string.h>

#include "kiln/lib/text.h"
#include "kiln/lib/util.h"

char *case_class_text(enum outcome o, const char *last_marker)
{
	if (o != OUTCOME_TIMEOUT)
		return util_strdup(outcome_name(o));
	if (!last_marker)
		return util_strdup("timeout_after:none");
	/* A marker pattern may hold a newline ("\r\n0\r\n"): written as
	 * such, it would split the case's one line in three. */
	char *m = text_escape_controls(last_marker, strlen(last_marker));
	char *cls = util_strdup_printf("timeout_after:%s", m);
	free(m);
	return cls;
}

/* " [subtests: 3 pass, 1 fail, 1 skip]" for KTAP results, else "". */
static char *case_line_subtests(const json_t *rec)
{
	static const char *const statuses[] = {"pass", "fail", "skip", "crashed", "not_run"};
	const json_t *counts = json_object_get(json_object_get(rec, "subtests"), "counts");
	char *out = util_strdup("");

	for (size_t i = 0; counts && i < sizeof(statuses) / sizeof(statuses[0]); i++) {
		long long n = json_integer_value(json_object_get(counts, statuses[i]));
		if (!n)
			continue;
		char *next = util_strdup_printf("%s%s%lld %s", out, *out ? ", " : " [subtests: ", n,
						statuses[i]);
		free(out);
		out = next;
	}
	if (*out) {
		char *next = util_strdup_printf("%s]", out);
		free(out);
		out = next;
	}
	return out;
}

char *case_line_from_record(const json_t *rec)
{
	const char *name = json_string_value(json_object_get(rec, "name"));
	const char *outcome = json_string_value(json_object_get(rec, "outcome"));
	const char *cls = json_string_value(json_object_get(rec, "class"));
	const char *reason = json_string_value(json_object_get(rec, "reason"));
	const json_t *known = json_object_get(rec, "known");
	double secs = (double)json_integer_value(json_object_get(rec, "duration_ms")) / 1000.0;
	char *subtests = case_line_subtests(rec), *line;

	if (outcome && !strcmp(outcome, "pass"))
		line = util_strdup_printf("PASS %s (%.2f s)%s", name ? name : "?", secs, subtests);
	else if (json_is_object(known))
		line = util_strdup_printf("KNOWN %s %s: %s (known issue %s) (%.2f s)%s",
					  name ? name : "?", cls ? cls : "harness_error",
					  reason ? reason : "",
					  json_string_value(json_object_get(known, "link")) ?: "",
					  secs, subtests);
	else
		line = util_strdup_printf("FAIL %s %s: %s (%.2f s)%s", name ? name : "?",
					  cls ? cls : "harness_error", reason ? reason : "", secs,
					  subtests);
	free(subtests);
	return line;
}

char *case_line_diagnostics(const json_t *rec, const char *indent)
{
	const json_t *diags = json_object_get(rec, "diagnostics");
	char *out = util_strdup("");
	size_t i;
	json_t *d;

	json_array_foreach (diags, i, d) {
		const char *line = json_string_value(json_object_get(d, "line"));
		char *next = util_strdup_printf("%s%s%s\n", out, indent, line ? line : "");
		free(out);
		out = next;
	}
	return out;
}
