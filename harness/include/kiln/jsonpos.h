/* kiln/jsonpos.h: where each value of a JSON document sits in its text.
 *
 * Owner: ring0 core (fixture loading). Jansson reports line and column for
 * syntax errors only; once a document has parsed, its nodes carry no
 * position. This index maps a JSON pointer ("/steps/2/expect") to the line and
 * column of that member's key (or of an array element's value), so that a
 * semantic error can still name file:line:column. It expects text that
 * Jansson has already accepted.
 */
#ifndef KILN_JSONPOS_H
#define KILN_JSONPOS_H

#include <stddef.h>

struct jsonpos;

/* Index text (len bytes). Returns a new index; free with jsonpos_free(). */
struct jsonpos *jsonpos_new(const char *text, size_t len);
void jsonpos_free(struct jsonpos *idx);

/* Position of pointer, 1-based. Falls back to the nearest indexed ancestor,
 * then to 1:1. */
void jsonpos_lookup(const struct jsonpos *idx, const char *pointer, int *line, int *column);

#endif
