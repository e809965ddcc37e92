/* kiln/report/run_verdict.h: what a run's case records add up to.
 *
 * Owner: report. One place judges a run, so that `kiln run` and `kiln
 * merge` give the same exit code for the same cases (docs/reports.md): a
 * case marked "known" (a known issue, kiln/fixture/known.h) does not count
 * against the run; a case that passed but has a failed or crashed subtest
 * (KTAP results) counts as a fail.
 */
#ifndef KILN_REPORT_RUN_VERDICT_H
#define KILN_REPORT_RUN_VERDICT_H

#include <jansson.h>
#include <stdbool.h>

#include "kiln/lib/outcome.h"

/* Whether the record (borrowed) is a failure matched to a known issue. */
bool run_verdict_is_known(const json_t *rec);

/* Subtests of the record that failed or crashed. */
long long run_verdict_failed_subtests(const json_t *rec);

/* The worst outcome over the records (array, borrowed), as above. */
enum outcome run_verdict_worst(const json_t *records);

/* The run's exit code: interrupted, or the worst outcome's. */
int run_verdict_exit_code(const json_t *records, bool interrupted);

#endif
