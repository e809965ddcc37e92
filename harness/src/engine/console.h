/* engine/console.h: the console byte stream and pattern search over it.
 *
 * Owner: ring0 core. The console holds what the guest printed, addressed by
 * absolute byte offsets since boot. Nothing waits for a newline: a literal
 * is found anywhere in the stream (even split across reads), and a regex
 * matches within one line, the unfinished last line included, so a prompt
 * with no newline still matches. Each search keeps a console_scan so that
 * bytes already searched are not searched again (a flooding guest costs
 * linear time, not quadratic).
 *
 * Memory is bounded: the console keeps the most recent CONSOLE_WINDOW bytes;
 * older bytes live only in console.log on disk.
 */
#ifndef KILN_CONSOLE_H
#define KILN_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kiln/fixture/fixture.h"

#define CONSOLE_WINDOW (8u << 20)
/* A regex match ending in newly arrived bytes starts at most this far
 * before them: a match longer than that within one unfinished line is not
 * found (a literal has no such limit). */
#define CONSOLE_REGEX_SPAN (64u << 10)

struct console;

/* Where a search starts and how far it has looked. Start a search with
 * console_scan_from(). */
struct console_scan {
	uint64_t from;
	uint64_t scanned;
};

struct console_match {
	uint64_t start, end; /* absolute offsets of the match */
	int64_t t_ms;	     /* when the matching bytes arrived */
};

struct console *console_new(void);
void console_free(struct console *c);

/* Append len bytes that arrived at t_ms. */
void console_feed(struct console *c, const char *data, size_t len, int64_t t_ms);

uint64_t console_total(const struct console *c); /* bytes fed so far */

/* Make searches see only the bytes before offset, as if nothing after it
 * had arrived yet (CONSOLE_NO_HORIZON: everything). The case engine sets it
 * at a fail pattern's match while it lets the steps whose markers came
 * earlier pass, so the verdict and the marker list do not depend on
 * whether the marker and the failure arrived in one read or two. */
#define CONSOLE_NO_HORIZON UINT64_MAX
void console_set_horizon(struct console *c, uint64_t offset);
int64_t console_first_byte_ms(const struct console *c); /* -1: none yet */

static inline struct console_scan console_scan_from(uint64_t offset)
{
	return (struct console_scan){offset, offset};
}

/* Look for p in what has arrived since s->from and not yet been searched.
 * On a match fill m and return true. */
bool console_search(struct console *c, const struct pattern *p, struct console_scan *s,
		    struct console_match *m);

/* The next complete line after *offset (its bytes without "\n" or "\r\n"),
 * advancing *offset past it. Returns false when no complete line is left. */
bool console_next_line(const struct console *c, uint64_t *offset, const char **line, size_t *len);

/* Copy up to len bytes ending at absolute offset end into a new string
 * (clipped to what is still held); *out_len gets its length. */
char *console_copy(const struct console *c, uint64_t start, uint64_t end, size_t *out_len);

#endif
