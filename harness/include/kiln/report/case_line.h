/* kiln/report/case_line.h: the one-line verdict of a case, as printed and as
 * stored in reports.
 *
 * Owner: ring0 core. The class text is stable and greppable:
 * "pass", "fail", "guest_panicked", "timeout_after:<last marker>", ... .
 * The line is "PASS <name> (0.21 s)" or
 * "FAIL <name> <class>: <reason> (0.21 s)". Strings returned are new.
 */
#ifndef KILN_CASE_LINE_H
#define KILN_CASE_LINE_H

#include <jansson.h>

#include "kiln/lib/outcome.h"

/* "timeout_after:<last_marker>" for a timeout with a marker (borrowed, may
 * be NULL), else the outcome's name. New. */
char *case_class_text(enum outcome o, const char *last_marker);

/* The line for a case.json record (borrowed). New. */
char *case_line_from_record(const json_t *rec);

/* The record's SMOKES_* diagnostics, one per line, each after indent and
 * ending in a newline; "" when there are none. New. */
char *case_line_diagnostics(const json_t *rec, const char *indent);

#endif
