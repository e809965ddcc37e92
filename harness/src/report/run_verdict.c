/* run_verdict.c: a run's worst outcome and exit code from its case
 * records. See kiln/report/run_verdict.h. */
#include "kiln/report/run_verdict.h"

#include "report_json.h"

bool run_verdict_is_known(const json_t *rec)
{
	return json_is_object(json_object_get(rec, "known"));
}

long long run_verdict_failed_subtests(const json_t *rec)
{
	const json_t *counts = json_object_get(json_object_get(rec, "subtests"), "counts");

	return report_int(counts, "fail") + report_int(counts, "crashed");
}

enum outcome run_verdict_worst(const json_t *records)
{
	enum outcome worst = OUTCOME_PASS;
	const json_t *rec;
	size_t i;

	json_array_foreach (records, i, rec) {
		enum outcome o = outcome_from_name(report_str(rec, "outcome", ""));
		if (o == OUTCOME_COUNT)
			o = OUTCOME_HARNESS_ERROR;
		if (run_verdict_is_known(rec))
			continue;
		if (o == OUTCOME_PASS && run_verdict_failed_subtests(rec) > 0)
			o = OUTCOME_FAIL;
		worst = outcome_worst(worst, o);
	}
	return worst;
}

int run_verdict_exit_code(const json_t *records, bool interrupted)
{
	return interrupted ? KILN_EXIT_INTERRUPTED : outcome_exit_code(run_verdict_worst(records));
}
