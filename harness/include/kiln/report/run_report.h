/* kiln/report/run_report.h: the per-run reports: report.json, junit.xml,
 * TAP and report.html.
 *
 * Owner: ring0 core. Input is the list of case records (the case.json
 * objects, borrowed) with the run facts; the schema is in docs/reports.md.
 * Every file is written atomically. reports/latest is repointed last.
 */
#ifndef KILN_RUN_REPORT_H
#define KILN_RUN_REPORT_H

#include <jansson.h>
#include <stdbool.h>

struct run_facts {
	const char *run_id;
	const char *run_dir;	  /* reports/<run-id> */
	const char *reports_root; /* reports */
	const char *backend;
	const char *accel_note; /* result of the kvm probe, or NULL */
	long long duration_ms;
	bool interrupted;
	int exit_code;
	json_t *argv; /* borrowed */
	/* --baseline: the kiln.compare/1 object, or NULL; report.html shows it
	 * and report.json keeps it as "baseline" */
	const json_t *comparison;
};

/* Build report.json's object from case records (array, borrowed). New. */
json_t *run_report_build(const struct run_facts *facts, json_t *records, size_t not_run);

/* Write report.json, then run_report_render(). 0 or -1. */
int run_report_write(const struct run_facts *facts, json_t *report, json_t *records, bool tap);

/* From report (report.json's object) and the case records (each with its
 * "dir"), all borrowed, write junit.xml, report.html and, when tap is set,
 * report.tap into run_dir. comparison: as in run_facts. 0 or -1 (after an
 * error naming the file). `kiln report` calls this on an old run. */
int run_report_render(const char *run_dir, const json_t *report, json_t *records, bool tap,
		      const json_t *comparison);

/* TAP text for the records (new string). */
char *run_report_tap(json_t *records);

/* Point root/latest at run_id (atomically: a symlink renamed over the old
 * one). Best effort: a failure prints an error and the run goes on. */
void run_report_link_latest(const char *reports_root, const char *run_id);

#endif
