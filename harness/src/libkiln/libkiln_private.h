/* libkiln/libkiln_private.h: what the files of libkiln share, behind kiln.h.
 *
 * Owner: libkiln. The handle table and the per-thread error
 * (libkiln_result.c); the entry points in libkiln_case.c and libkiln_diag.c
 * make results through these.
 */
#ifndef KILN_LIBKILN_PRIVATE_H
#define KILN_LIBKILN_PRIVATE_H

#include <jansson.h>

#include "kiln/libkiln/kiln.h"
#include "kiln/lib/util.h"

/* Set this thread's last error (what kiln_last_error() returns). */
void libkiln_error_set(const char *fmt, ...) KILN_PRINTF(1, 2);
/* Clear it: every entry point does this first. */
void libkiln_error_clear(void);

/* A new result holding the JSON text of value (borrowed) and status (what
 * kiln_result_status() gives). Never NULL: out of memory aborts. */
kiln_result *libkiln_result_new(const json_t *value, int status);

/* options_json parsed as an object (NULL or "": an empty one), new
 * reference; NULL with the last error set when it is not a JSON object.
 * who names the caller in the message. */
json_t *libkiln_options_parse(const char *who, const char *options_json);

#endif
