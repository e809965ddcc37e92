/* run_known.c: known issues in `kiln run`. See run_known.h.
 *
 * Owner: runner. The match is made in the parent, as each record arrives,
 * so the case line already says KNOWN; case.json is written again with
 * the match, so that `kiln report` and `kiln merge` see it too.
 */
#include "run_known.h"

#include <stdlib.h>
#include <string.h>

#include "kiln/lib/util.h"
#include "kiln/report/case_record.h"
#include "kiln/report/run_verdict.h"

void run_known_apply(const struct known_set *set, json_t *rec, const char *case_dir)
{
	const char *outcome = json_string_value(json_object_get(rec, "outcome")) ?: "";
	const char *title = json_string_value(json_object_get(rec, "title"));
	const char *name = json_string_value(json_object_get(rec, "name")) ?: "";
	char today[11], *path;

	if (!set || !strcmp(outcome, "pass") || !title)
		return;
	known_today(today);
	const struct known_issue *k = known_match(set, name, title, today);
	if (!k)
		return;
	json_object_set_new(rec, "known", known_to_json(k));
	path = util_strdup_printf("%s/%s", case_dir, CASE_RECORD_FILE);
	json_t *onfile = json_load_file(path, 0, NULL);
	if (onfile)
		case_record_add_fact(case_dir, onfile, "known", known_to_json(k));
	json_decref(onfile);
	free(path);
}

void run_known_report(const struct known_set *set, const json_t *records)
{
	char today[11];
	const json_t *rec;
	size_t i;

	if (util_json_only())
		return;
	known_today(today);
	for (i = 0; set && i < set->n; i++)
		if (known_expired(&set->items[i], today))
			util_err("%s:%d: known issue '%s' (%s) expired on %s: it matches nothing",
				 set->path, set->items[i].line, set->items[i].title,
				 set->items[i].link, set->items[i].expires);
	json_array_foreach (records, i, rec) {
		const char *title = json_string_value(json_object_get(rec, "title"));
		if (!title || run_verdict_is_known(rec) ||
		    !strcmp(json_string_value(json_object_get(rec, "outcome")) ?: "", "pass"))
			continue;
		char *line = known_entry_line(json_string_value(json_object_get(rec, "name")) ?: "",
					      title);
		util_note("new failure; known issues take: %s", line);
		free(line);
	}
}
