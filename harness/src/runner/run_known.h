/* run_known.h: `kiln run --known FILE`: failures matched to known issues
 * (kiln/fixture/known.h) as each case ends, and the titles of new ones.
 *
 * Owner: runner.
 */
#ifndef KILN_RUNNER_RUN_KNOWN_H
#define KILN_RUNNER_RUN_KNOWN_H

#include <jansson.h>

#include "kiln/fixture/known.h"

/* A failing record (borrowed) whose title and name match an unexpired
 * entry of set (NULL: none) gets "known", in memory and in case_dir's
 * case.json. */
void run_known_apply(const struct known_set *set, json_t *rec, const char *case_dir);

/* On stderr, for each failure not known, a line ready to paste into the
 * known-issues file; and each entry of set that has expired. Quiet under
 * JSON_ONLY=1. */
void run_known_report(const struct known_set *set, const json_t *records);

#endif
