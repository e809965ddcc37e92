/* kiln/report/compare.h: `kiln compare BASE_RUN NEW_RUN` and the baseline
 * section of report.html.
 *
 * Owner: report. Two runs are compared case by case (new failures, fixed,
 * still failing, flaky, cases only in one) and marker by marker: the time
 * each marker matched (ms since QEMU started) over the runs of each side
 * (--repeat). A marker is slower only when three things hold, as in
 * Firecracker's A/B tests: a one-sided permutation test on the difference
 * of the means gives p < alpha, the medians differ by more than the
 * threshold fraction, and by more than min_ms. A single run per side can
 * never show a change (its smallest p is 1/2): such markers are "not
 * judged", never "slower". Exact over every split of the samples when
 * there are at most COMPARE_EXACT_SPLITS, else over that many random
 * splits from a fixed seed, so the answer is the same on every machine.
 */
#ifndef KILN_REPORT_COMPARE_H
#define KILN_REPORT_COMPARE_H

#include <jansson.h>
#include <stddef.h>

#include "kiln/report/run_dir.h"

#define COMPARE_EXACT_SPLITS 200000

/* kiln compare's exit codes; 2 is KILN_EXIT_USAGE (bad arguments, a run
 * that cannot be read). */
enum { COMPARE_EXIT_SAME = 0, COMPARE_EXIT_REGRESSED = 1 };

struct compare_opts {
	double alpha;	  /* significance, default 0.01 */
	double threshold; /* smallest relative change of the median, default 0.10 */
	double min_ms;	  /* smallest absolute change of the median, default 20 ms */
};

#define COMPARE_OPTS_DEFAULT     \
	{                        \
		0.01, 0.10, 20.0 \
	}

/* The kiln.compare/1 object (docs/reports.md) of base against new, both
 * borrowed. New reference. */
json_t *compare_runs(const struct run_dir *base, const struct run_dir *new_run,
		     const struct compare_opts *o);

/* The comparison as text for a terminal. New string. */
char *compare_text(const json_t *cmp);

/* One-sided permutation p-value that b's mean exceeds a's by at least what
 * was observed (na, nb >= 1). */
double compare_permutation_p(const double *a, size_t na, const double *b, size_t nb);

/* kiln run --baseline: the comparison of base_path against the run being
 * written (its report and records, borrowed), with one line on stderr; NULL
 * after an error naming what could not be read. New reference. */
json_t *compare_with_baseline(const char *base_path, const char *run_dir, json_t *report,
			      json_t *records);

/* 0 when base_path is a run that can be read, else -1 after saying why:
 * kiln run checks --baseline before it boots anything. */
int compare_check_baseline(const char *base_path);

#endif
