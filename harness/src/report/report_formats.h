/* report_formats.h: the run's reports in formats CI systems read.
 *
 * Owner: report (private). junit_xml.c writes junit.xml as Jenkins' JUnit
 * and xUnit plugins and GitLab read it (checked against the xUnit plugin's
 * published schema in harness/tests/e2e/report_ci_formats.sh); tap.c
 * writes TAP version 14 (run_report_tap(), kiln/report/run_report.h).
 */
#ifndef KILN_REPORT_FORMATS_H
#define KILN_REPORT_FORMATS_H

#include <jansson.h>

/* junit.xml for the case records (borrowed) of a run that took
 * duration_ms. New string. */
char *run_report_junit(json_t *records, long long duration_ms);

#endif
