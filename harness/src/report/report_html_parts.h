/* report/report_html_parts.h: the pieces of report.html that live in files
 * of their own (report_html_results.c), and the escaping they share.
 *
 * Owner: report (private). report_html.c draws the page and calls these.
 */
#ifndef KILN_REPORT_HTML_PARTS_H
#define KILN_REPORT_HTML_PARTS_H

#include <jansson.h>
#include <stdio.h>

/* Text and attribute values: & < > " ' escaped, valid UTF-8, and control
 * bytes shown (report_html.c). */
void html_text(FILE *out, const char *s);

/* A run's title and known issue, its symbolized crash frames (function,
 * file:line, inlined) and its KTAP subtests, each only when the record has
 * it. */
void html_results(FILE *out, const json_t *rec);

#endif
