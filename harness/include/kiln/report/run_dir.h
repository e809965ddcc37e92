/* kiln/report/run_dir.h: a finished run read back from its directory.
 *
 * Owner: report. `kiln report`, `kiln compare`, `kiln merge` and
 * `kiln run --baseline` read runs that an older or another Kiln wrote; this
 * is the one reader: report.json, then each attempt's case.json through the
 * attempt's "dir", so nothing but the files themselves is assumed.
 */
#ifndef KILN_REPORT_RUN_DIR_H
#define KILN_REPORT_RUN_DIR_H

#include <jansson.h>

struct run_dir {
	char *path;	 /* the run directory as given */
	json_t *report;	 /* report.json (kiln.report/1) */
	json_t *records; /* one case.json object per attempt, in report.json's
			  * order, each with "dir" (relative to path) set */
};

/* Read path, a run directory or its report.json. 0, or -1 after an error
 * naming the file and what is wrong with it (missing, not JSON with its
 * line and column, not a kiln report). A case.json that is missing or bad
 * is an error too: a report must not quietly lose a case. */
int run_dir_load(const char *path, struct run_dir *out);

/* Only report.json of path (a run directory or its report.json): what
 * --shard's --durations needs, so a kept report.json alone will do. New
 * reference, or NULL after an error as run_dir_load() gives. */
json_t *run_dir_load_report(const char *path);

/* Free what run_dir_load() filled (safe on a zeroed or freed struct). */
void run_dir_free(struct run_dir *rd);

/* Milliseconds since QEMU started at which record (borrowed) matched
 * pattern (its first match), or -1. */
long long run_dir_marker_ms(const json_t *record, const char *pattern);

#endif
