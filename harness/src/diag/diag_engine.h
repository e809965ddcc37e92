/* diag/diag_engine.h: how the parts of the normalizer talk to each other.
 *
 * Owner: diagnostics. Internal to harness/src/diag_*.c: the scanner turns
 * lines into hits, the report collector turns multi-line kernel reports into
 * one hit, and the set (diag_set.c) deduplicates and orders them.
 */
#ifndef KILN_DIAG_ENGINE_H
#define KILN_DIAG_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag_rule.h"
#include "kiln/diag/diag.h"

/* One finding as a rule produced it; strings are copied by diag_set_add. */
struct diag_hit {
	const char *code;
	enum diag_severity severity;
	unsigned flags;	     /* DIAG_RULE_FALLBACK matters to the set */
	unsigned source;     /* enum diag_source bit of the rule's table */
	const char *subject; /* NUL-terminated, or NULL */
	const char *raw;     /* the raw line, raw_len bytes */
	size_t raw_len;
	uint64_t order; /* position of the raw line: first appearance */
};

/* ---- the set (diag_set.c) --------------------------------------------- */

void diag_set_add(struct diag_set *set, const struct diag_hit *hit);
/* Does a finding with one of the space-separated codes exist? */
bool diag_set_has(const struct diag_set *set, const char *codes);
/* Give the finding (from_code, subject) the code to_code; false when absent. */
bool diag_set_rename(struct diag_set *set, const char *from_code, const char *subject,
		     const char *to_code);
/* Make every finding with one of the space-separated codes a warning. */
void diag_set_soften(struct diag_set *set, const char *codes);
/* Is there an error finding from this source (not a fallback)? */
bool diag_set_has_error_from(const struct diag_set *set, unsigned source);
/* Orders for a scan: reserve len + 1 positions, get the first. */
uint64_t diag_set_reserve(struct diag_set *set, uint64_t len);

/* ---- applying a row (diag_apply.c) ------------------------------------ */

/* Build the subject of a row from its captures (and, for reports, the guilty
 * frame and access; NULL when unknown) into out (DIAG_SUBJECT_MAX + 1 bytes).
 * Returns false when the row takes no subject. */
bool diag_subject_build(const struct diag_rule *rule, const struct diag_capture *caps, int ncaps,
			const char *frame, const char *access, char *out);

/* Record what a matched row says about the line raw at order. */
void diag_apply(struct diag_set *set, const struct diag_rule *rule, unsigned source,
		const char *subject, const char *raw, size_t raw_len, uint64_t order);

/* ---- kernel reports (diag_report.c) ----------------------------------- */

struct diag_report;

/* Open a report for its header row and line. New; never NULL. */
struct diag_report *diag_report_open(const struct diag_rule *rule, unsigned source,
				     const struct diag_capture *caps, int ncaps, const char *raw,
				     size_t raw_len, uint64_t order);
/* Read one more line; true when this line ends the report. */
bool diag_report_feed(struct diag_report *rep, const char *line, size_t len);
/* Add the report's finding to the set and free it (NULL is accepted). */
void diag_report_close(struct diag_report *rep, struct diag_set *set);

#endif
