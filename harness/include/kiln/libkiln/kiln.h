/* kiln.h: libkiln, Kiln's stable C ABI (installed as <kiln.h>).
 *
 * Owner: libkiln. A program that has its own test runner calls these to run
 * a fixture to a verdict, or to turn a log into SMOKES_* diagnostics, with
 * the same code `kiln run` and `kiln diag` use. docs/libkiln.md is the
 * user's guide; this header is the contract.
 *
 * Shape, after Lua's and Python's C APIs:
 *   - a result is an opaque handle with a reference count: the function that
 *     makes one returns a NEW reference, kiln_retain() adds one, and
 *     kiln_release() drops one; the last release frees it;
 *   - a result's content is JSON, lent out as a BORROWED UTF-8 view that
 *     lives as long as the handle does;
 *   - on failure a function returns NULL (or -1) and sets this thread's last
 *     error, a BORROWED string that kiln_last_error() gives back.
 *     Every function but kiln_abi_version() and kiln_last_error() clears that
 *     error on entry, so after a call it is that call's error or NULL.
 *   - a handle that was released (or never made here) is an error, never a
 *     crash: handles are serial numbers, never reused.
 *
 * Threads: every function may be called from several threads at once;
 * calls on different handles never wait for one another's cases. A view is
 * valid while its handle lives, so a thread that shares a handle with
 * another holds its own reference while it reads.
 *
 * Signals belong to the caller: libkiln installs no handler. While a case
 * runs, SIGPIPE is blocked in the calling thread (a guest that closes its
 * console must not kill the caller) and what it raised is discarded before
 * the call returns. The caller must not ignore SIGCHLD, nor reap children it
 * did not start: the QEMU libkiln starts is its own to wait for. libkiln
 * never writes to stdout and never calls exit(); notes go to stderr.
 * Out of memory aborts, as in the kiln command.
 *
 * Nothing in this header needs another library's headers: strings in and out
 * are UTF-8 text, NUL-terminated unless a length is given.
 */
#ifndef KILN_H
#define KILN_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The ABI this header describes: major << 16 | minor. A new major breaks
 * callers (a function or a JSON key removed or changed); a new minor only
 * adds (a function, an option, a key). docs/libkiln.md#versioning. */
#define KILN_ABI_MAJOR 1
#define KILN_ABI_MINOR 0
#define KILN_ABI_VERSION ((KILN_ABI_MAJOR << 16) | KILN_ABI_MINOR)

/* A result: a case's record, or a log's diagnostics. Opaque. */
typedef struct kiln_result kiln_result;

/* The ABI of the loaded library, as KILN_ABI_VERSION: a caller built
 * against major M checks (kiln_abi_version() >> 16) == M. Never fails. */
unsigned kiln_abi_version(void);

/* Run one fixture to its verdict, as `kiln run` runs it in a worker.
 * fixture_json is the fixture's text (docs/fixtures.md); base_dir is the
 * directory its relative guest paths are resolved against. options_json is
 * NULL or an object, strictly checked:
 *   "case_dir":     where console.log, qmp.log, qemu.stderr and case.json go
 *                   (made, with its parents, if missing); default: a new
 *                   directory $TMPDIR/kiln-case-XXXXXX that is kept;
 *   "fixture_path": the name of the text in messages, case.json's
 *                   "fixture", and the default case name
 *                   ("<its directory's name>/<its stem>"); default:
 *                   base_dir + "/fixture.json";
 *   "accel":        "tcg" or "kvm", what a fixture's `accel: auto` means;
 *                   default: KVM probed once per process, as kiln run does;
 *   "stop_fd":      a file descriptor that becomes readable when the case
 *                   must stop (say, the caller's own SIGINT pipe): the case
 *                   ends as harness_error "interrupted", reports written;
 *   "run_root":     where the case's private socket directory is made;
 *                   default: $TMPDIR, else /tmp.
 * Returns a NEW result whose JSON is the case's case.json object
 * (docs/reports.md) with one key more, "case_dir"; a case that fails is a
 * result, not an error. NULL, with the last error set, for bad arguments, a
 * fixture that does not load ("fixture_path:line:column: reason") or a
 * case directory that cannot be made. Blocks until the case ends (bounded
 * by the fixture's timeouts). */
kiln_result *kiln_case_run_utf8(const char *fixture_json, const char *base_dir,
				const char *options_json);

/* The same for a fixture file, read and named as kiln run does (relative
 * guest paths against the file's directory; case name "<area>/<stem>").
 * options_json as above, without "fixture_path". NEW result or NULL. */
kiln_result *kiln_case_run_file(const char *fixture_path, const char *options_json);

/* Diagnostics of a log, as `kiln diag --from KIND` gives them. log is len
 * bytes (any bytes: a console log need not be UTF-8). kind is "ld", "qemu",
 * "console" or "auto" (NULL: "auto"). options_json is NULL or an object:
 *   "exit_code": 0..255, "exit_signal": 1..127, "triple_fault": true|false
 *                   (QEMU's end, as --exit-code, --exit-signal and
 *                   --triple-fault);
 *   "strict":       true reads warnings as errors, as CI_STRICT=1 does
 *                   (default false: libkiln reads no environment here).
 * Returns a NEW result whose JSON is {"findings": [...] (what JSON_ONLY=1
 * kiln diag prints), "text": "SMOKES_...\n..." (its lines on stderr),
 * "failed": true|false (its exit status 1 or 0)}, or NULL with the last
 * error set. */
kiln_result *kiln_diag_utf8(const char *log, size_t len, const char *kind,
			    const char *options_json);

/* Add a reference to h. Returns h, or NULL (last error set) when h is not a
 * live result. */
kiln_result *kiln_retain(kiln_result *h);

/* Drop a reference to h; the last one frees it and every view it lent.
 * NULL is accepted and does nothing. Returns 0, or -1 (last error set) when
 * h is not a live result. */
int kiln_release(kiln_result *h);

/* The result's JSON (UTF-8, NUL-terminated; its length without the NUL in
 * *len when len is not NULL). BORROWED: valid while h lives, never to be
 * freed. NULL (last error set) when h is not a live result. */
const char *kiln_to_utf8(const kiln_result *h, size_t *len);

/* The exit status the kiln command would give for this result: for a case,
 * `kiln run`'s for that one case (0 pass, 1 fail, ..., docs/reports.md);
 * for diagnostics, `kiln diag`'s (0, or 1 when they fail). -1 (last error
 * set) when h is not a live result. */
int kiln_result_status(const kiln_result *h);

/* This thread's last error, or NULL when the last call succeeded. BORROWED:
 * valid until this thread's next libkiln call. Never fails. */
const char *kiln_last_error(void);

#ifdef __cplusplus
}
#endif

#endif
