/* kiln/report/report_html.h: report.html, the run's page for people.
 *
 * Owner: report. One self-contained file (no network, no script, no font,
 * no image: it opens from a CI artifact store): the summary, one row per
 * case (failing first), then per case its timeline (one line per run under
 * --repeat), diagnostics, failure capsule, links to its files and its
 * `kiln replay` command; with a baseline, the comparison first.
 *
 * Guest text is untrusted. Every string from a report is escaped; guest
 * bytes are also made valid UTF-8 with control bytes shown as \xNN, and the
 * page's Content-Security-Policy allows no script at all and only the one
 * stylesheet it carries (by its SHA-256), so even a missed escape could
 * not run anything.
 */
#ifndef KILN_REPORT_HTML_H
#define KILN_REPORT_HTML_H

#include <jansson.h>

/* The page for report (report.json's object) and records (the case.json
 * objects with "dir", any order), all borrowed; run_dir is the run
 * directory as the user names it (for the replay commands); comparison is
 * a kiln.compare/1 object (kiln/report/compare.h) or NULL. New string. */
char *report_html_page(const json_t *report, const json_t *records, const char *run_dir,
		       const json_t *comparison);

#endif
