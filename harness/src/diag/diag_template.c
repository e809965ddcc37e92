/* diag_template.c: matching one rule template against one line.
 *
 * Owner: diagnostics. The template language is in kiln/diag_rule.h. It is
 * deliberately smaller than a regex: holes never backtrack (a lazy hole
 * stops at the first occurrence of the text after it), so a match costs
 * linear time in the line, and only the start position is searched. That
 * keeps a hostile line from costing quadratic time, which the fuzzer checks.
 */
#include "diag_rule.h"

#include <stdbool.h>
#include <string.h>

#define ELEM_MAX 16

/* A parsed template: literal runs and holes, in order. */
struct elem {
	char hole; /* 0 for a literal */
	const char *lit;
	size_t lit_len;
};

struct matcher {
	struct elem elem[ELEM_MAX];
	size_t nelem;
	const char *line;
	size_t len;
	/* Where each lazy hole last found its closing literal: a later start
	 * only searches further right, so the first occurrence found before is
	 * still the answer while it lies at or after the new position. */
	size_t found[ELEM_MAX];
	bool have_found[ELEM_MAX];
};

static int parse(const char *tpl, struct matcher *m)
{
	m->nelem = 0;
	while (*tpl) {
		struct elem *e;

		if (m->nelem == ELEM_MAX)
			return -1;
		e = &m->elem[m->nelem++];
		if (tpl[0] == '{' && tpl[1] && tpl[2] == '}') {
			*e = (struct elem){.hole = tpl[1]};
			tpl += 3;
			continue;
		}
		*e = (struct elem){.lit = tpl};
		while (*tpl && !(tpl[0] == '{' && tpl[1] && tpl[2] == '}'))
			tpl++;
		e->lit_len = (size_t)(tpl - e->lit);
	}
	return 0;
}

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static bool is_token_byte(unsigned char c)
{
	return !is_space(c) && !strchr(":;,'\"`()[]<>=", c);
}

/* Length of an opening quote at p (ASCII, or UTF-8 ‘ “), or 0. */
static size_t open_quote(const char *p, size_t left)
{
	const unsigned char *u = (const unsigned char *)p;

	if (left >= 1 && (u[0] == '`' || u[0] == '\'' || u[0] == '"'))
		return 1;
	if (left >= 3 && u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0x98 || u[2] == 0x9C))
		return 3;
	return 0;
}

/* Length of a closing quote at p (' " or UTF-8 ’ ”), or 0. */
static size_t close_quote(const char *p, size_t left)
{
	const unsigned char *u = (const unsigned char *)p;

	if (left >= 1 && (u[0] == '\'' || u[0] == '"'))
		return 1;
	if (left >= 3 && u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0x99 || u[2] == 0x9D))
		return 3;
	return 0;
}

int diag_is_linker_name(const char *p, size_t n)
{
	static const char *const exact[] = {"ld", "lld", "gold", "mold"};
	const char *base = p;

	for (size_t i = 0; i < n; i++)
		if (p[i] == '/')
			base = p + i + 1;
	n -= (size_t)(base - p);
	for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
		if (n == strlen(exact[i]) && !memcmp(base, exact[i], n))
			return 1;
	/* ld.bfd, ld.gold, ld.lld, ld64.lld */
	if ((n > 3 && !memcmp(base, "ld.", 3)) || (n > 5 && !memcmp(base, "ld64.", 5)))
		return 1;
	/* a cross linker: x86_64-elf-ld, x86_64-linux-gnu-ld.bfd */
	for (size_t i = 0; i + 3 <= n; i++)
		if (!memcmp(base + i, "-ld", 3) && (i + 3 == n || base[i + 3] == '.'))
			return 1;
	return 0;
}

/* Position where the lazy hole at element k ends, or (size_t)-1 when its
 * closing literal does not occur at or after pos. */
static size_t lazy_end(struct matcher *m, size_t k, size_t pos)
{
	const struct elem *next = k + 1 < m->nelem ? &m->elem[k + 1] : NULL;
	const char *hit;

	if (!next || next->hole)
		return next ? (size_t)-1 : m->len;
	if (m->have_found[k] && m->found[k] >= pos)
		return m->found[k];
	hit = memmem(m->line + pos, m->len - pos, next->lit, next->lit_len);
	if (!hit)
		return (size_t)-1;
	m->found[k] = (size_t)(hit - m->line);
	m->have_found[k] = true;
	return m->found[k];
}

enum { NO_MATCH = -1, GIVE_UP = -2 };

/* Match the elements from pos on; returns the end position or a negative
 * code. GIVE_UP means no later start can match either. */
static long match_at(struct matcher *m, size_t pos, struct diag_capture *caps, int *ncaps)
{
	for (size_t k = 0; k < m->nelem; k++) {
		const struct elem *e = &m->elem[k];
		size_t left = m->len - pos, start = pos, q, end;

		switch (e->hole) {
		case 0:
			if (left < e->lit_len || memcmp(m->line + pos, e->lit, e->lit_len))
				return NO_MATCH;
			pos += e->lit_len;
			continue;
		case 'q':
			q = open_quote(m->line + pos, left);
			if (!q)
				return NO_MATCH;
			start = pos += q;
			while (pos < m->len && !close_quote(m->line + pos, m->len - pos))
				pos++;
			if (pos == m->len || pos == start)
				return NO_MATCH;
			caps[(*ncaps)++] = (struct diag_capture){m->line + start, pos - start};
			pos += close_quote(m->line + pos, m->len - pos);
			continue;
		case 't':
		case 'w':
		case 'L':
			while (pos < m->len &&
			       (e->hole == 'w' ? !is_space((unsigned char)m->line[pos])
					       : is_token_byte((unsigned char)m->line[pos])))
				pos++;
			if (pos == start)
				return NO_MATCH;
			if (e->hole == 'L') {
				if (!diag_is_linker_name(m->line + start, pos - start))
					return NO_MATCH;
				continue;
			}
			break;
		case 'r': pos = m->len; break;
		case '*':
		case '_':
			end = lazy_end(m, k, pos);
			if (end == (size_t)-1)
				return GIVE_UP;
			pos = end;
			if (e->hole == '_')
				continue;
			break;
		default: return NO_MATCH;
		}
		/* a capture: trimmed of surrounding blanks, never empty */
		while (start < pos && is_space((unsigned char)m->line[start]))
			start++;
		end = pos;
		while (end > start && is_space((unsigned char)m->line[end - 1]))
			end--;
		if (end == start || *ncaps == DIAG_CAPS_MAX)
			return NO_MATCH;
		caps[(*ncaps)++] = (struct diag_capture){m->line + start, end - start};
	}
	return (long)pos;
}

int diag_template_match(const char *tpl, const char *line, size_t len, unsigned strips,
			struct diag_capture caps[DIAG_CAPS_MAX])
{
	struct matcher m = {.line = line, .len = len};
	bool anywhere = strips & DIAG_STRIP_PREFIX, to_end = !(strips & DIAG_STRIP_TAIL);
	size_t tail = len, start = 0;
	const char *hit;

	if (parse(tpl, &m) || m.nelem == 0 || (anywhere && m.elem[0].hole))
		return -1;
	while (tail > 0 && is_space((unsigned char)line[tail - 1]))
		tail--;
	if (anywhere) {
		hit = memmem(line, len, m.elem[0].lit, m.elem[0].lit_len);
		if (!hit)
			return -1;
		start = (size_t)(hit - line);
	}
	for (;;) {
		int ncaps = 0;
		long end;

		memset(caps, 0, sizeof(*caps) * DIAG_CAPS_MAX);
		end = match_at(&m, start, caps, &ncaps);
		if (end == GIVE_UP)
			return -1;
		if (end >= 0 && (!to_end || (size_t)end >= tail))
			return ncaps;
		if (!anywhere || start >= len)
			return -1;
		/* the next place where the leading text occurs */
		hit = memmem(line + start + 1, len - start - 1, m.elem[0].lit, m.elem[0].lit_len);
		if (!hit)
			return -1;
		start = (size_t)(hit - line);
	}
}
