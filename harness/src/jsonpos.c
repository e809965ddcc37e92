/* jsonpos.c: a position index over valid JSON text. See kiln/jsonpos.h.
 *
 * This is not a parser: Jansson has already validated the text, so the scan
 * only tracks strings, brackets and the current pointer path.
 */
#include "kiln/jsonpos.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiln/util.h"

struct jsonpos_entry {
	char *pointer;
	int line, column;
};

struct jsonpos {
	struct jsonpos_entry *entries;
	size_t n, cap;
};

struct jsonpos_scan {
	const char *p, *end;
	int line, column;
	struct jsonpos *idx;
};

static void jsonpos_add(struct jsonpos *idx, const char *pointer, int line, int column)
{
	if (idx->n == idx->cap) {
		idx->cap = idx->cap ? idx->cap * 2 : 64;
		idx->entries = realloc(idx->entries, idx->cap * sizeof(*idx->entries));
		if (!idx->entries)
			abort();
	}
	idx->entries[idx->n++] = (struct jsonpos_entry){util_strdup(pointer), line, column};
}

static void jsonpos_advance(struct jsonpos_scan *s)
{
	if (*s->p == '\n') {
		s->line++;
		s->column = 1;
	} else if (((unsigned char)*s->p & 0xC0) != 0x80) {
		/* Count characters, not UTF-8 continuation bytes. */
		s->column++;
	}
	s->p++;
}

static void jsonpos_skip_space(struct jsonpos_scan *s)
{
	while (s->p < s->end && strchr(" \t\r\n", *s->p))
		jsonpos_advance(s);
}

/* Read a string token; its raw contents (escapes kept, except that JSON
 * pointer needs '~' and '/' escaped) go to out when out is not NULL. */
static void jsonpos_string(struct jsonpos_scan *s, char *out, size_t outlen)
{
	size_t n = 0;

	jsonpos_advance(s); /* opening quote */
	while (s->p < s->end && *s->p != '"') {
		const char *piece = NULL;
		char one[2] = {*s->p, 0};

		if (*s->p == '\\') {
			jsonpos_advance(s);
			one[0] = *s->p;
		}
		piece = one[0] == '~' ? "~0" : one[0] == '/' ? "~1" : one;
		for (; out && *piece && n + 1 < outlen; piece++)
			out[n++] = *piece;
		jsonpos_advance(s);
	}
	if (s->p < s->end)
		jsonpos_advance(s);
	if (out)
		out[n] = '\0';
}

static void jsonpos_value(struct jsonpos_scan *s, char *path, size_t pathlen);

static void jsonpos_members(struct jsonpos_scan *s, char *path, size_t pathlen, bool object)
{
	size_t base = strlen(path);
	int index = 0;

	jsonpos_advance(s); /* '{' or '[' */
	for (;;) {
		jsonpos_skip_space(s);
		if (s->p >= s->end || *s->p == '}' || *s->p == ']')
			break;
		if (*s->p == ',') {
			jsonpos_advance(s);
			continue;
		}
		int line = s->line, column = s->column;
		char key[256];

		if (object) {
			jsonpos_string(s, key, sizeof(key));
			jsonpos_skip_space(s);
			if (s->p < s->end && *s->p == ':')
				jsonpos_advance(s);
			jsonpos_skip_space(s);
		} else {
			snprintf(key, sizeof(key), "%d", index++);
		}
		snprintf(path + base, pathlen - base, "/%s", key);
		jsonpos_add(s->idx, path, line, column);
		jsonpos_value(s, path, pathlen);
		path[base] = '\0';
	}
	if (s->p < s->end)
		jsonpos_advance(s);
}

static void jsonpos_value(struct jsonpos_scan *s, char *path, size_t pathlen)
{
	jsonpos_skip_space(s);
	if (s->p >= s->end)
		return;
	if (*s->p == '{' || *s->p == '[') {
		jsonpos_members(s, path, pathlen, *s->p == '{');
	} else if (*s->p == '"') {
		jsonpos_string(s, NULL, 0);
	} else {
		while (s->p < s->end && !strchr(",}] \t\r\n", *s->p))
			jsonpos_advance(s);
	}
}

struct jsonpos *jsonpos_new(const char *text, size_t len)
{
	struct jsonpos *idx = calloc(1, sizeof(*idx));
	struct jsonpos_scan s = {text, text + len, 1, 1, idx};
	char path[4096] = "";

	if (!idx)
		abort();
	jsonpos_skip_space(&s);
	jsonpos_add(idx, "", s.line, s.column);
	jsonpos_value(&s, path, sizeof(path));
	return idx;
}

void jsonpos_free(struct jsonpos *idx)
{
	if (!idx)
		return;
	for (size_t i = 0; i < idx->n; i++)
		free(idx->entries[i].pointer);
	free(idx->entries);
	free(idx);
}

void jsonpos_lookup(const struct jsonpos *idx, const char *pointer, int *line, int *column)
{
	char *want = util_strdup(pointer);

	*line = 1;
	*column = 1;
	for (;;) {
		for (size_t i = 0; i < idx->n; i++) {
			if (strcmp(idx->entries[i].pointer, want) == 0) {
				*line = idx->entries[i].line;
				*column = idx->entries[i].column;
				free(want);
				return;
			}
		}
		char *slash = strrchr(want, '/');
		if (!slash)
			break;
		*slash = '\0';
	}
	free(want);
}
