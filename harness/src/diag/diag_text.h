/* diag/diag_text.h: turning a captured piece of a log line into a stable
 * subject.
 *
 * Owner: diagnostics. Internal to harness/src/diag_*.c. Each DIAG_STRIP_* bit
 * of a rule (kiln/diag_rule.h) that rewrites a subject is applied here.
 */
#ifndef KILN_DIAG_TEXT_H
#define KILN_DIAG_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "kiln/diag/diag.h"

/* Normalize in[0..n) under strips into out, which holds DIAG_SUBJECT_MAX + 1
 * bytes: blanks trimmed, control bytes as '?', cut at DIAG_SUBJECT_MAX bytes
 * on a UTF-8 boundary. Returns the length written (NUL not counted). */
size_t diag_text_subject(char *out, const char *in, size_t n, unsigned strips);

/* True when a normalized kernel function name is on the generic-frame list
 * (diag_generic_frames): it reports a bug but never causes one. */
bool diag_frame_is_generic(const char *func);

#endif
