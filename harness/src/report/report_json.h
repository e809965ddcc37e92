/* report_json.h: reading fields of report.json and case.json objects.
 *
 * Owner: report (private). Reports written by another Kiln may lack a key;
 * these read one with a default instead of NULL, so every reader of the
 * report module treats a missing field the same way.
 */
#ifndef KILN_REPORT_JSON_H
#define KILN_REPORT_JSON_H

#include <jansson.h>

/* o[key] as a string (borrowed), or dflt when absent or not a string. */
const char *report_str(const json_t *o, const char *key, const char *dflt);

/* o[key] as an integer, or 0. */
long long report_int(const json_t *o, const char *key);

#endif
