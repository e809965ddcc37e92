/* kiln/report/case_record.h: case.json, the record of one case.
 *
 * Owner: report. This is the only writer of case.json (schema in
 * docs/reports.md). The others hand it facts: the case engine at the end of
 * a case, record/replay the outcome of a recorded re-run, the runner the
 * record of a worker that died without one. The file is written atomically
 * (temporary file, fsync, rename) on every path, so a reader never finds
 * half of it and a run interrupted by Ctrl-C still has it.
 */
#ifndef KILN_REPORT_CASE_RECORD_H
#define KILN_REPORT_CASE_RECORD_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "kiln/backend/backend.h"
#include "kiln/lib/outcome.h"

#define CASE_RECORD_SCHEMA "kiln.case/1"
#define CASE_RECORD_FILE "case.json" /* in the case directory */

/* What is known of a case when it ends. Every pointer is borrowed for the
 * call and may be NULL where said: the record then has null, [] or no key,
 * as docs/reports.md gives for each. */
struct case_facts {
	const char *name;    /* the fixture's case name */
	const char *fixture; /* the fixture's path */
	int attempt;	     /* 1-based, for --repeat */
	enum outcome outcome;
	const char *reason;	 /* "" for a pass; never NULL */
	const char *last_marker; /* NULL: none matched */
	int64_t duration_ms;
	const char *backend;	     /* the vm_ops name; NULL: the case never got that far */
	const char *connect;	     /* libvirt host URI; NULL: none */
	bool host_failed;	     /* the runner may retry the case on another host */
	const char *accel_requested; /* NULL: not known */
	const char *accel;	     /* the accelerator QEMU used; NULL: never started */
	const struct vm_exit *exit;  /* NULL or !exited: "exit": null */
	json_t *steps;		     /* array; NULL: [] */
	json_t *markers;	     /* array; NULL: [] */
	json_t *fail_match;	     /* the fail pattern's hit; NULL: no "fail_match" key */
	uint64_t console_bytes;
	json_t *capsule;       /* object; NULL: no "capsule" key (a pass) */
	json_t *diagnostics;   /* array of SMOKES_* findings; NULL: [] */
	json_t *backend_facts; /* object; NULL: no "backend_facts" key */
	json_t *replay;	       /* the replay recipe; NULL: no "replay" key */
};

/* The case.json object for facts. New reference; never NULL. */
json_t *case_record_build(const struct case_facts *facts);

/* Write record (borrowed) as case_dir/case.json, atomically. Returns 0, or
 * -1 after an error message naming the file. */
int case_record_write(const char *case_dir, const json_t *record);

/* A fact learnt after the case ended (record/replay's re-run, say): set key
 * to value in record (borrowed; value stolen, even on error) and write the
 * record again. Returns what case_record_write() returns. */
int case_record_add_fact(const char *case_dir, json_t *record, const char *key, json_t *value);

#endif
