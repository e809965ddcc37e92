/* case_ktap.c: the KTAP or TAP results of a case whose fixture says
 * "results" (kiln/lib/ktap.h): the console is parsed as it streams, and at
 * the verdict each subtest becomes a result of its own in case.json
 * ("subtests", docs/reports.md).
 *
 * Owner: engine. A stream that breaks the format fails a case that would
 * otherwise pass, with the console line and the reason: a result nobody
 * can read is not a pass. A case that crashed or stopped marks the test
 * that was running and the rest (ktap_finish()).
 */
#include <string.h>

#include "case_ctx.h"
#include "kiln/report/case_line.h"

void case_ktap_feed(struct case_ctx *c, const char *buf, size_t len)
{
	if (c->f->results == KTAP_NONE)
		return;
	if (!c->ktap)
		c->ktap = ktap_new(c->f->results);
	ktap_feed(c->ktap, buf, len, util_now_ms() - c->t0);
}

void case_ktap_finish(struct case_ctx *c)
{
	if (c->f->results == KTAP_NONE)
		return;
	if (!c->ktap) /* not one console byte */
		c->ktap = ktap_new(c->f->results);
	char *class_text = case_class_text(c->outcome, c->last_marker);
	c->subtests = ktap_finish(c->ktap, c->outcome == OUTCOME_PASS ? NULL : class_text);
	ktap_free(c->ktap);
	c->ktap = NULL;
	free(class_text);
	json_t *err = json_array_get(json_object_get(c->subtests, "errors"), 0);
	if (c->outcome == OUTCOME_PASS && err)
		snprintf(c->reason, sizeof(c->reason), "console.log:%lld: %s: %s",
			 (long long)json_integer_value(json_object_get(err, "line")),
			 c->f->results == KTAP_TAP ? "TAP" : "KTAP",
			 json_string_value(json_object_get(err, "reason")));
	if (c->outcome == OUTCOME_PASS && err)
		c->outcome = OUTCOME_FAIL;
}
