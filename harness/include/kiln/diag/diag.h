/* kiln/diag/diag.h: the diagnostics normalizer's public interface.
 *
 * Owner: diagnostics (ring1 built-in rules). It turns linker, QEMU and
 * console logs into one stable line per distinct problem:
 *
 *     SMOKES_ERR: symbol_missing:env.gc.stats
 *     SMOKES_WARN: rwx_segment
 *
 * A `struct diag_set` collects findings, deduplicated on (code, subject) and
 * kept in order of first appearance, from any number of scans and exit
 * facts. The codes, their severities and what each rule strips are listed in
 * docs/diagnostics.md; the rules themselves are tables in diag_rules_*.c.
 *
 * Ownership, in the Jansson style: functions returning `char *` or `json_t *`
 * return a NEW value the caller frees (free() / json_decref()); every
 * `const char *` inside a finding is BORROWED from its set and lives until the
 * set is freed. A finding pointer is valid until the set is next modified
 * (a scan, diag_note_exit) or freed. Out of memory aborts, like the rest of
 * kiln (util_strdup_printf).
 */
#ifndef KILN_DIAG_H
#define KILN_DIAG_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* Which rule tables apply. AUTO applies all three; a finding is the same
 * whichever selected its rule. Values are bits so tables can be combined. */
enum diag_source {
	DIAG_FROM_LD = 1u << 0,	     /* GNU ld, gold, lld, collect2, clang */
	DIAG_FROM_QEMU = 1u << 1,    /* qemu-system-* stderr */
	DIAG_FROM_CONSOLE = 1u << 2, /* guest serial console: Rugo, Linux */
	DIAG_FROM_AUTO = (1u << 3) - 1
};

/* A rule's severity as written in its table. CI_STRICT=1 reads every
 * warning as an error: see diag_finding_severity(). */
enum diag_severity { DIAG_WARN = 1, DIAG_ERR = 2 };

struct diag_finding {
	enum diag_severity severity; /* the strongest seen for this (code, subject) */
	const char *code;	     /* static catalogue code, e.g. "symbol_missing" */
	const char *subject;	     /* borrowed; NULL when the code takes none */
	const char *first_raw_line;  /* borrowed; valid UTF-8, no newline, at
					most DIAG_RAW_MAX bytes; "" for exit facts */
};

#define DIAG_RAW_MAX 512     /* bytes of the first raw line kept per finding */
#define DIAG_SUBJECT_MAX 200 /* bytes of a subject; longer ones are cut */

struct diag_set;
struct diag_scan;

/* ---- the set --------------------------------------------------------- */

/* A new, empty set. Never NULL. */
struct diag_set *diag_set_new(void);
/* Free a set and every string it lent out. Accepts NULL. */
void diag_set_free(struct diag_set *set);

/* Findings in order of first appearance:
 *     for (f = diag_set_first(set); f; f = diag_set_next(set, f))
 * A fallback (ld_failed) is skipped when a specific linker error explains the
 * failure. Both return borrowed pointers, or NULL at the end. */
const struct diag_finding *diag_set_first(const struct diag_set *set);
const struct diag_finding *diag_set_next(const struct diag_set *set, const struct diag_finding *f);
/* Number of findings the iteration above visits. */
size_t diag_set_count(const struct diag_set *set);

/* True when the findings should fail the caller: any error, or under strict
 * any finding at all. */
bool diag_set_failed(const struct diag_set *set, bool strict);

/* ---- scanning -------------------------------------------------------- */

/* Scan a complete text (the last line may lack its newline). Returns 0. */
int diag_scan_buffer(struct diag_set *set, enum diag_source from, const char *buf, size_t len);
/* Scan a file. Returns 0, or -1 with errno set when it cannot be read; the
 * findings of what was read before an error stay in the set. */
int diag_scan_file(struct diag_set *set, enum diag_source from, const char *path);

/* Incremental scanning, for streams: feed any chunks, then end. A line is
 * judged once it is complete, so chunk boundaries never change the result.
 * Lines longer than DIAG_LINE_MAX are judged on their first DIAG_LINE_MAX
 * bytes. diag_scan_end() judges the last partial line and frees the scan
 * (NULL is accepted). The set (borrowed) must outlive the scan.
 * diag_scan_new() returns a new scan, never NULL, that only diag_scan_end()
 * frees; fed bytes are copied as needed, so buf is borrowed for the call. */
#define DIAG_LINE_MAX 4096
struct diag_scan *diag_scan_new(struct diag_set *set, enum diag_source from);
void diag_scan_feed(struct diag_scan *scan, const char *buf, size_t len);
void diag_scan_end(struct diag_scan *scan);

/* ---- exit facts (QEMU) ----------------------------------------------- */

/* Add what QEMU's end says, from its waitpid() status:
 *   triple_fault       -> triple_fault (with -no-reboot QEMU exits 0 then);
 *   killed by signal   -> qemu_killed:SIGKILL (the signal's name);
 *   odd exit status s  -> guest_exit:<s >> 1> (isa-debug-exit writes v, QEMU
 *                         exits v * 2 + 1), except status 1 when a QEMU error
 *                         is already in the set: that 1 is QEMU's own failure;
 *   0 or even status   -> nothing (a clean exit, or QEMU's own failure that
 *                         its stderr explains).
 * Call it after scanning QEMU's stderr, so that rule can see those errors. */
void diag_note_exit(struct diag_set *set, int wait_status, bool triple_fault);

/* ---- output ---------------------------------------------------------- */

/* CI_STRICT=1 in the environment. */
bool diag_strict_from_env(void);

/* The severity a finding is reported with: DIAG_ERR under strict. */
enum diag_severity diag_finding_severity(const struct diag_finding *f, bool strict);

/* "SMOKES_ERR: code:subject" or "SMOKES_WARN: code" (no newline). New. */
char *diag_finding_line(const struct diag_finding *f, bool strict);

/* Every finding's line, each followed by '\n', in iteration order; "" when
 * there is none. New. */
char *diag_set_text(const struct diag_set *set, bool strict);

/* [{"severity": "error"|"warning", "code": ..., "subject": ...|null,
 *   "first_raw_line": ...}, ...] in iteration order. New reference. */
json_t *diag_set_to_json(const struct diag_set *set, bool strict);

/* Parse "ld", "qemu", "console" or "auto". Returns 0, or -1 when unknown. */
int diag_source_parse(const char *name, enum diag_source *out);

/* `kiln diag [--from ld|qemu|console|auto] [--exit-code N] [--exit-signal N]
 * [--triple-fault] [--list-rules] [FILE...]`; see docs/diagnostics.md for
 * its environment (CI_STRICT, SMOKES_KEEP_LD, JSON_ONLY) and exit codes.
 * argv is borrowed; returns the exit code. */
int diag_main(int argc, char **argv);

#endif
