/* fuzz_console.c: the libFuzzer target of the console matcher (`make fuzz`).
 *
 * Owner: ring0 core (engine/console.c). An input is "FLAGS PATTERN NUL
 * STREAM": bit 0 of FLAGS makes PATTERN a POSIX extended regex (else a
 * literal), the other bits pick how STREAM is cut into reads. The stream
 * is fed twice, whole and in those reads with a search after each read, as
 * the case engine does. What must hold whatever the bytes:
 *   - a literal is found at the same offset however the stream was cut, and
 *     the bytes at the match are the literal;
 *   - a regex match lies within one line, and a match found on a cut
 *     stream starts no earlier than the leftmost match on the whole stream
 *     (it is also a match there);
 *   - a match is stamped with the time of the read that brought its last
 *     byte;
 *   - the complete lines read back, with their newlines, are the stream up
 *     to its last newline.
 * Patterns are those the fixture loader accepts (regex_budget.h). Regexes
 * with word-boundary operators are skipped: at the end of what has
 * arrived, glibc counts the end of the buffer as a word boundary, so their
 * verdict can depend on the cut (a known limit, docs/fixtures.md).
 */
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/console.h"
#include "kiln/fixture/regex_budget.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool has_word_boundary(const char *re)
{
	for (const char *p = re; (p = strchr(p, '\\')) && p[1]; p += 2)
		if (strchr("bB<>`'", p[1]))
			return true;
	return false;
}

static bool pattern_init(struct pattern *p, const char *text, bool is_regex)
{
	memset(p, 0, sizeof(*p));
	p->text = (char *)text;
	p->is_regex = is_regex;
	if (!text[0])
		return false; /* the loader refuses empty patterns */
	if (!is_regex)
		return true;
	if (strchr(text, '\n') || has_word_boundary(text) || regex_budget_check(text))
		return false;
	return regcomp(&p->re, text, REG_EXTENDED | REG_NEWLINE) == 0;
}

/* Feed stream in reads of step bytes, the i-th at time i, and search after
 * each read until the first match. */
static bool search_cut(const struct pattern *p, const char *s, size_t n, size_t step,
		       struct console_match *m, int64_t *read_of_end)
{
	struct console *c = console_new();
	struct console_scan scan = console_scan_from(0);
	bool found = false;

	for (size_t off = 0, i = 0; off < n && !found; off += step, i++) {
		console_feed(c, s + off, n - off < step ? n - off : step, (int64_t)i);
		found = console_search(c, p, &scan, m);
	}
	if (found && m->end > m->start) /* the read holding the match's last byte */
		*read_of_end = (int64_t)((m->end - 1) / step);
	else if (found)
		*read_of_end = (int64_t)(m->start / step);
	console_free(c);
	return found;
}

static void check_lines(const char *s, size_t n)
{
	struct console *c = console_new();
	uint64_t off = 0;
	size_t at = 0, len;
	const char *line;

	console_feed(c, s, n, 0);
	while (console_next_line(c, &off, &line, &len)) {
		/* the line is the stream's next bytes, less "\n" or "\r\n" */
		if (memcmp(line, s + at, len) != 0)
			abort();
		at += len;
		if (s[at] == '\r')
			at++;
		if (s[at] != '\n' || off != at + 1)
			abort();
		at++;
	}
	if (memchr(s + at, '\n', n - at))
		abort(); /* a complete line was left unread */
	console_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul;
	struct console_match whole, cut;
	struct pattern p;
	int64_t t_whole, t_cut;
	char *text, *stream;
	size_t n, step;
	bool f_whole, f_cut;

	if (size < 2 || !(nul = memchr(data + 1, 0, size - 1)))
		return 0;
	text = strndup((const char *)data + 1, (size_t)(nul - data - 1));
	n = size - (size_t)(nul - data) - 1;
	stream = malloc(n + 1);
	memcpy(stream, nul + 1, n);
	stream[n] = '\0';
	step = 1 + (data[0] >> 1) % 17;

	check_lines(stream, n);
	if (!pattern_init(&p, text, data[0] & 1))
		goto out;
	f_whole = search_cut(&p, stream, n, n ? n : 1, &whole, &t_whole);
	f_cut = search_cut(&p, stream, n, step, &cut, &t_cut);
	if (f_cut && !f_whole)
		abort(); /* what matched a prefix must match the whole */
	if (f_cut && cut.t_ms != t_cut)
		abort(); /* stamped with another read's time */
	if (f_cut && p.is_regex) {
		if (memchr(stream + cut.start, '\n', (size_t)(cut.end - cut.start)))
			abort(); /* a regex matches within one line */
		if (cut.start < whole.start)
			abort();
	}
	if (!p.is_regex) {
		size_t plen = strlen(text);

		if (f_whole != f_cut ||
		    (f_cut && (cut.start != whole.start || cut.end != whole.end)))
			abort(); /* a literal's verdict depends on the cut */
		if (f_cut &&
		    (cut.end - cut.start != plen || memcmp(stream + cut.start, text, plen)))
			abort();
	}
	if (p.is_regex)
		regfree(&p.re);
out:
	free(text);
	free(stream);
	return 0;
}
