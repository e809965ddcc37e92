/* kiln/lib/outcome.h: the verdict classes of a case and kiln's exit codes.
 *
 * Owner: ring0 core. Each class has a stable name (used in lines, case.json,
 * report.json and junit.xml) and its own exit code, documented in
 * docs/reports.md. A run exits with the code of its most severe case.
 */
#ifndef KILN_OUTCOME_H
#define KILN_OUTCOME_H

enum outcome {
	OUTCOME_PASS,
	OUTCOME_FAIL,
	OUTCOME_GUEST_SILENT,
	OUTCOME_TIMEOUT,
	OUTCOME_GUEST_PANICKED,
	OUTCOME_QEMU_START_FAILED,
	OUTCOME_HARNESS_ERROR,
	OUTCOME_COUNT
};

/* Exit codes that are not outcome classes. */
enum {
	KILN_EXIT_USAGE = 2,	    /* bad arguments or a fixture that does not load */
	KILN_EXIT_BACKEND = 8,	    /* a requested backend is unavailable (fail-fast) */
	KILN_EXIT_WRITE = 9,	    /* cannot write a report or in TMPDIR (disk full, read-only) */
	KILN_EXIT_INTERRUPTED = 130 /* SIGINT or SIGTERM; reports are still written */
};

/* "pass", "guest_panicked", ...: a static string. */
const char *outcome_name(enum outcome o);
/* kiln run's exit code for a case of this outcome: 0, 1, 3..7. */
int outcome_exit_code(enum outcome o);
/* Parse a name; returns OUTCOME_COUNT when unknown. */
enum outcome outcome_from_name(const char *name);
/* The more severe of two outcomes (enum order is severity order). */
enum outcome outcome_worst(enum outcome a, enum outcome b);

#endif
