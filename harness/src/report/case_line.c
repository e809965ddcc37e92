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

char *case_line_from_record(const json_t *rec)
{
	const char *name = json_string_value(json_object_get(rec, "name"));
	const char *outcome = json_string_value(json_object_get(rec, "outcome"));
	const char *cls = json_string_value(json_object_get(rec, "class"));
	const char *reason = json_string_value(json_object_get(rec, "reason"));
	double secs = (double)json_integer_value(json_object_get(rec, "duration_ms")) / 1000.0;

	if (outcome && !strcmp(outcome, "pass"))
		return util_strdup_printf("PASS %s (%.2f s)", name ? name : "?", secs);
	return util_strdup_printf("FAIL %s %s: %s (%.2f s)", name ? name : "?",
				  cls ? cls : "harness_error", reason ? reason : "", secs);
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
