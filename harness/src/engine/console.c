/* console.c: byte-stream pattern search. See kiln/console.h. */
#include "console.h"

#include <stdlib.h>
#include <string.h>

#include "kiln/lib/util.h"

/* Bytes before absolute offset end arrived by t_ms (one entry per feed,
 * merged within a millisecond), so a match is stamped with the arrival of
 * its own bytes even when it is searched later. */
struct console_stamp {
	uint64_t end;
	int64_t t_ms;
};

struct console {
	char *buf; /* NUL-terminated after len, for regexec's interceptors */
	size_t len, cap;
	uint64_t base; /* absolute offset of buf[0] */
	int64_t first_ms;
	struct console_stamp *stamps;
	size_t n_stamps, cap_stamps;
	uint64_t horizon; /* searches see bytes before it (CONSOLE_NO_HORIZON: all) */
};

struct console *console_new(void)
{
	struct console *c = util_calloc(1, sizeof(*c));

	c->first_ms = -1;
	c->horizon = CONSOLE_NO_HORIZON;
	return c;
}

void console_free(struct console *c)
{
	if (!c)
		return;
	free(c->buf);
	free(c->stamps);
	free(c);
}

uint64_t console_total(const struct console *c)
{
	return c->base + c->len;
}

void console_set_horizon(struct console *c, uint64_t offset)
{
	c->horizon = offset;
}

/* Where a search stops: what has arrived, or the horizon if it is nearer. */
static uint64_t console_search_end(const struct console *c)
{
	uint64_t total = console_total(c);
	return c->horizon < total ? c->horizon : total;
}

int64_t console_first_byte_ms(const struct console *c)
{
	return c->first_ms;
}

/* Drop the oldest half of the window once it is full. */
static void console_trim(struct console *c, size_t incoming)
{
	if (c->len + incoming <= CONSOLE_WINDOW)
		return;
	size_t drop = c->len / 2;
	if (c->len - drop + incoming > CONSOLE_WINDOW)
		drop = c->len;
	memmove(c->buf, c->buf + drop, c->len - drop);
	c->len -= drop;
	c->base += drop;
}

/* Record that the bytes up to the current end arrived at t_ms, and forget
 * stamps of bytes no longer held. */
static void console_stamp(struct console *c, int64_t t_ms)
{
	size_t old = 0;

	while (old < c->n_stamps && c->stamps[old].end <= c->base)
		old++;
	if (old) {
		memmove(c->stamps, c->stamps + old, (c->n_stamps - old) * sizeof(*c->stamps));
		c->n_stamps -= old;
	}
	if (c->n_stamps && c->stamps[c->n_stamps - 1].t_ms == t_ms) {
		c->stamps[c->n_stamps - 1].end = console_total(c);
		return;
	}
	if (c->n_stamps == c->cap_stamps) {
		c->cap_stamps = c->cap_stamps ? c->cap_stamps * 2 : 256;
		c->stamps = util_realloc(c->stamps, c->cap_stamps * sizeof(*c->stamps));
	}
	c->stamps[c->n_stamps++] = (struct console_stamp){console_total(c), t_ms};
}

/* When the byte at absolute offset off arrived. */
static int64_t console_arrival_ms(const struct console *c, uint64_t off)
{
	size_t lo = 0, hi = c->n_stamps;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->stamps[mid].end <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < c->n_stamps ? c->stamps[lo].t_ms : c->first_ms;
}

void console_feed(struct console *c, const char *data, size_t len, int64_t t_ms)
{
	if (len == 0)
		return;
	if (len > CONSOLE_WINDOW) {
		/* One huge read: only its tail can still matter. */
		c->base += c->len + (len - CONSOLE_WINDOW);
		c->len = 0;
		data += len - CONSOLE_WINDOW;
		len = CONSOLE_WINDOW;
	}
	console_trim(c, len);
	if (c->len + len > c->cap) {
		c->cap = c->cap ? c->cap : 65536;
		while (c->cap < c->len + len)
			c->cap *= 2;
		c->buf = util_realloc(c->buf, c->cap + 1);
	}
	memcpy(c->buf + c->len, data, len);
	c->len += len;
	c->buf[c->len] = '\0';
	if (c->first_ms < 0)
		c->first_ms = t_ms;
	console_stamp(c, t_ms);
}

static uint64_t clamp_start(const struct console *c, uint64_t off)
{
	return off < c->base ? c->base : off;
}

static bool console_search_literal(struct console *c, const struct pattern *p,
				   struct console_scan *s, struct console_match *m)
{
	size_t plen = strlen(p->text);
	uint64_t start = s->scanned > s->from + plen - 1 ? s->scanned - (plen - 1) : s->from;
	uint64_t end = console_search_end(c);
	const char *hit;

	start = clamp_start(c, start);
	if (end < start + plen) {
		return false;
	}
	hit = memmem(c->buf + (start - c->base), end - start, p->text, plen);
	if (!hit) {
		s->scanned = end;
		return false;
	}
	m->start = c->base + (uint64_t)(hit - c->buf);
	m->end = m->start + plen;
	s->scanned = m->end;
	return true;
}

static bool console_search_regex(struct console *c, const struct pattern *p, struct console_scan *s,
				 struct console_match *m)
{
	uint64_t start = clamp_start(c, s->scanned);
	uint64_t end = console_search_end(c);
	regmatch_t pm[1];
	/* The end of what has arrived is never the end of a line: a line ends
	 * at its newline (REG_NEWLINE makes '$' match there). So '$' cannot
	 * match an unfinished line that may still grow, nor the empty "line"
	 * after a final newline, which has not begun; either would make the
	 * verdict depend on how the bytes were split into reads. */
	int flags = REG_STARTEND | REG_NOTEOL;

	/* Back up to the start of the line: the unfinished line is searched
	 * again when more of it arrives. But only CONSOLE_REGEX_SPAN bytes
	 * back: a guest printing one endless line would otherwise make every
	 * read rescan the whole window (seconds per MiB). */
	uint64_t floor = s->scanned > CONSOLE_REGEX_SPAN ? s->scanned - CONSOLE_REGEX_SPAN : 0;
	while (start > s->from && start > c->base && start > floor &&
	       c->buf[start - 1 - c->base] != '\n')
		start--;
	start = clamp_start(c, start < s->from ? s->from : start);
	if (start > c->base && c->buf[start - 1 - c->base] != '\n')
		flags |= REG_NOTBOL;
	pm[0].rm_so = (regoff_t)(start - c->base);
	pm[0].rm_eo = (regoff_t)(end - c->base);
	if (end == start || regexec(&p->re, c->buf, 1, pm, flags) != 0) {
		s->scanned = end;
		return false;
	}
	m->start = c->base + (uint64_t)pm[0].rm_so;
	m->end = c->base + (uint64_t)pm[0].rm_eo;
	s->scanned = m->end > m->start ? m->end : m->end + 1;
	return true;
}

bool console_search(struct console *c, const struct pattern *p, struct console_scan *s,
		    struct console_match *m)
{
	bool found = p->is_regex ? console_search_regex(c, p, s, m)
				 : console_search_literal(c, p, s, m);

	if (found)
		m->t_ms = console_arrival_ms(c, m->end > m->start ? m->end - 1 : m->start);
	return found;
}

bool console_next_line(const struct console *c, uint64_t *offset, const char **line, size_t *len)
{
	uint64_t start = clamp_start(c, *offset);
	uint64_t end = console_total(c);
	const char *nl;

	if (start >= end)
		return false;
	nl = memchr(c->buf + (start - c->base), '\n', end - start);
	if (!nl)
		return false;
	*line = c->buf + (start - c->base);
	*len = (size_t)(nl - *line);
	if (*len && (*line)[*len - 1] == '\r')
		(*len)--;
	*offset = c->base + (uint64_t)(nl - c->buf) + 1;
	return true;
}

char *console_copy(const struct console *c, uint64_t start, uint64_t end, size_t *out_len)
{
	start = clamp_start(c, start);
	if (end > console_total(c))
		end = console_total(c);
	if (end < start)
		end = start;
	size_t n = (size_t)(end - start);
	char *s = util_malloc(n + 1);

	if (n)
		memcpy(s, c->buf + (start - c->base), n); /* buf is NULL before any byte */
	s[n] = '\0';
	if (out_len)
		*out_len = n;
	return s;
}
