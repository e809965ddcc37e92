/* kiln/lib/text.h: making guest bytes safe for JSON and XML reports.
 *
 * Owner: ring0 core (reports). A guest may print anything: invalid UTF-8,
 * control characters, NUL bytes. Jansson refuses invalid UTF-8 and XML 1.0
 * forbids most control characters, so every guest-derived string goes
 * through here before it enters a report. Results are new strings.
 */
#ifndef KILN_TEXT_H
#define KILN_TEXT_H

#include <jansson.h>
#include <stddef.h>

/* Every function takes len bytes of s (borrowed; NUL bytes allowed) and
 * returns a new NUL-terminated string that the caller frees, never NULL. */

/* Valid UTF-8 copy: each invalid byte becomes U+FFFD; NUL becomes U+FFFD. */
char *text_utf8_clean(const char *s, size_t len);

/* A JSON string of those bytes (new reference, never NULL). */
json_t *text_json_string(const char *s, size_t len);

/* XML character data: valid UTF-8, characters XML 1.0 forbids replaced by
 * U+FFFD, and & < > " escaped. */
char *text_xml_escape(const char *s, size_t len);

/* One printable line: valid UTF-8, with \n \r \t and other control bytes
 * written as C escapes (\n, \x1b), so guest text cannot move a terminal's
 * cursor or split a report line. */
char *text_escape_controls(const char *s, size_t len);

#endif
