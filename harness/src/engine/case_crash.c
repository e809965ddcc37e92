/* case_crash.c: the crash report and title of a case that did not pass.
 *
 * Owner: engine. The title is what known issues match and what a reader
 * searches for (kiln/diag/crash.h); it is added to the case record as
 * "title", and a crash's symbolized frames as "crash" (docs/reports.md).
 * The console is read back from console.log, as it was received.
 */
#include <stdlib.h>
#include <string.h>

#include "case_ctx.h"
#include "kiln/diag/crash.h"

/* The first error finding: the problem the title is about. */
static const json_t *case_crash_finding(const json_t *diagnostics)
{
	const json_t *d;
	size_t i;

	json_array_foreach (diagnostics, i, d)
		if (!strcmp(json_string_value(json_object_get(d, "severity")) ?: "", "error"))
			return d;
	return NULL;
}

void case_crash_add(const struct case_ctx *c, json_t *record)
{
	const json_t *d = case_crash_finding(c->diagnostics);
	const char *class_text = json_string_value(json_object_get(record, "class")) ?: "";
	json_t *crash = NULL;

	if (c->outcome == OUTCOME_PASS)
		return;
	if (c->f->guest.symbols) {
		char *path = util_strdup_printf("%s/console.log", c->case_dir);
		size_t len = 0;
		char *console = util_read_file(path, &len);
		if (console)
			crash = crash_report_build(console, len, c->f->guest.symbols);
		free(console);
		free(path);
	}
	const char *function = json_string_value(json_object_get(crash, "function"));
	char *title =
		crash_title(class_text, d ? json_string_value(json_object_get(d, "code")) : NULL,
			    d ? json_string_value(json_object_get(d, "subject")) : NULL, function);
	json_object_set_new(record, "title", json_string(title));
	if (crash)
		json_object_set_new(record, "crash", crash);
	free(title);
}
