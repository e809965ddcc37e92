/* kiln/diag/crash.h: a guest crash as a raw report and a stable title.
 *
 * Owner: diagnostics. The console of a crashed guest names code addresses
 * (Rugo: `trap: rip=0x...` and `trace: 0x... 0x...`, docs/guest.md). With
 * the fixture's `symbols` ELF, addr2line (binutils; KILN_ADDR2LINE names
 * another, such as elfutils' eu-addr2line) turns each into a function and
 * file:line, inlined callers included. The guilty function is the first
 * frame that is not generic (panic, trap glue, printf: diag_generic_frames),
 * as syzkaller picks it; it never holds an address, so two builds with a
 * different code layout give the same title.
 */
#ifndef KILN_DIAG_CRASH_H
#define KILN_DIAG_CRASH_H

#include <jansson.h>
#include <stddef.h>

/* The crash report of console[0..len) (Rugo's addresses symbolized against
 * the ELF symbols): {"symbols", "frames": [{"addr", "function", "file",
 * "line", "inlined"}], "function"}, where "function" is the guilty frame or
 * null. New reference, or NULL when the console names no code address.
 * When addr2line cannot be run, "error" says why and "frames" is []. */
json_t *crash_report_build(const char *console, size_t len, const char *symbols);

/* The case's title: "<class>:<code> in <function>" when a function is known
 * (function, or a subject that is a kernel function name, which is what the
 * Linux rules take from the func+0x../0x.. frames; for Rugo's catch-all
 * "trap" code, the vector's name stands for the code), else "<class>:<code>:
 * <subject>", "<class>:<code>" or "<class>". code, subject and function may
 * be NULL. New string. */
char *crash_title(const char *class_text, const char *code, const char *subject,
		  const char *function);

#endif
