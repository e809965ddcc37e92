/* kiln/report/timeline.h: when things happened in a case, for the page.
 *
 * Owner: report. A case's timeline is read from its case.json alone:
 * QEMU's start (t = 0: marker times count from it), each marker as it
 * matched, the steps that match no marker (send, qmp, wait_event) when they
 * passed, the fail pattern that ended it, the steps never reached, and the
 * end of the case. Under --repeat, the runs of one case are set side by
 * side and the first place where they part is named.
 */
#ifndef KILN_REPORT_TIMELINE_H
#define KILN_REPORT_TIMELINE_H

#include <jansson.h>

/* The events of one case record (borrowed), in time order: an array of
 * {"t_ms": N or null (never reached), "kind": "start" | "marker" | "step" |
 * "fail" | "pending" | "end", "label": text}. New reference. Labels are
 * the record's own (valid UTF-8) strings: escape them for the output. */
json_t *timeline_events(const json_t *record);

/* Where the runs (records, borrowed, one case's attempts) first differ:
 * "runs part at marker 2: run 1 'A' at 120 ms, run 3 'B' at 98 ms" or
 * "... run 3 none", or at the end when every marker agrees and the
 * outcomes do not. NULL when they agree or there is one run. New. */
char *timeline_divergence(const json_t *records);

#endif
