/* kiln/lib/ktap.h: KTAP v1 and TAP results, parsed as the console streams.
 *
 * Owner: ring0 core. A fixture with "results": "ktap" or "tap" says that
 * its guest prints test results (KUnit and kselftest print KTAP; other
 * harnesses TAP 13 or 14). The parser reads the console byte by byte as it
 * arrives, splits it into lines (a Linux printk timestamp "[    2.64] " is
 * dropped first), and follows nested blocks by their indentation of four
 * spaces, as KTAP and TAP 14 write subtests. Each test without subtests of
 * its own is one result, named by the path of its blocks ("kasan.kmalloc_uaf").
 * Lines that are not KTAP are harmless and skipped; a stream that breaks the
 * format (a result out of order, a plan that is not kept, a bad version) is
 * an error naming the console line and the reason, never a crash.
 *
 * Format references: Documentation/dev-tools/ktap.rst, testanything.org
 * (TAP 14).
 */
#ifndef KILN_KTAP_H
#define KILN_KTAP_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

enum ktap_kind { KTAP_NONE = 0, KTAP_KTAP, KTAP_TAP };

struct ktap;

/* "ktap" or "tap" into *out; -1 for another name. */
int ktap_kind_parse(const char *name, enum ktap_kind *out);
const char *ktap_kind_name(enum ktap_kind kind);

/* A new parser. Never NULL; free with ktap_free() (accepts NULL). */
struct ktap *ktap_new(enum ktap_kind kind);
void ktap_free(struct ktap *k);

/* Console bytes as they arrive, t_ms their time (ms since QEMU started).
 * Results are complete when their line is. */
void ktap_feed(struct ktap *k, const char *buf, size_t len, int64_t t_ms);

/* The stream's end: the unfinished line is judged, then tests that a plan
 * promised but never reported are filled in. With crash_class (the class
 * of a case that crashed or stopped, e.g. "guest_panicked"), the test that
 * was running when the stream stopped is "crashed" with that class and the
 * rest "not_run"; without, a stream that stops short is malformed. Returns
 * {"format", "results": [{"name", "status", "number", "line", "t_ms",
 * "duration_ms", "directive"?, "reason"?}], "counts": {status: n},
 * "errors": [{"line", "reason"}]}, status one of pass, fail, skip, crashed,
 * not_run. New reference. Call once. */
json_t *ktap_finish(struct ktap *k, const char *crash_class);

#endif
