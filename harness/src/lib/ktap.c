/* ktap.c: the streaming KTAP/TAP parser. See kiln/lib/ktap.h.
 *
 * Owner: ring0 core. Blocks are kept per depth (indentation / 4). A block
 * opens at a version line, a "# Subtest:" line, a plan or a result one
 * level below an open block, and closes at the result line of its parent
 * (KTAP: the suite's own "ok 1 kasan" after its tests). Results without
 * subtests are leaves; a closing block prefixes its leaves' names with its
 * own ("# Subtest:" name, else the parent's result description), so names
 * are whole paths by the end.
 */
#include "kiln/lib/ktap.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "kiln/lib/text.h"
#include "kiln/lib/util.h"

#define KTAP_DEPTH_MAX 8
#define KTAP_LINE_MAX 4096 /* longer lines are cut: no result line is that long */

struct ktap_block {
	bool open;
	char *name;   /* "# Subtest:" name, or NULL */
	long plan;    /* -1 until "1..N" */
	long count;   /* results so far */
	size_t first; /* index of its first leaf in results */
	long line;    /* console line that opened it */
};

struct ktap {
	enum ktap_kind kind;
	char line[KTAP_LINE_MAX + 1];
	size_t len;
	long lineno; /* console lines so far, 1-based once one has ended */
	int64_t last_t;
	bool seen; /* a top-level stream started */
	struct ktap_block b[KTAP_DEPTH_MAX];
	json_t *results, *errors;
};

int ktap_kind_parse(const char *name, enum ktap_kind *out)
{
	if (!strcmp(name, "ktap"))
		*out = KTAP_KTAP;
	else if (!strcmp(name, "tap"))
		*out = KTAP_TAP;
	else
		return -1;
	return 0;
}

const char *ktap_kind_name(enum ktap_kind kind)
{
	return kind == KTAP_TAP ? "tap" : kind == KTAP_KTAP ? "ktap" : "none";
}

struct ktap *ktap_new(enum ktap_kind kind)
{
	struct ktap *k = util_calloc(1, sizeof(*k));

	k->kind = kind;
	k->results = json_array();
	k->errors = json_array();
	return k;
}

void ktap_free(struct ktap *k)
{
	if (!k)
		return;
	for (int d = 0; d < KTAP_DEPTH_MAX; d++)
		free(k->b[d].name);
	json_decref(k->results);
	json_decref(k->errors);
	free(k);
}

static void ktap_error(struct ktap *k, long line, const char *reason)
{
	json_array_append_new(k->errors,
			      json_pack("{s:I, s:s}", "line", (json_int_t)line, "reason", reason));
}

static void ktap_open(struct ktap *k, int d)
{
	struct ktap_block *b = &k->b[d];

	free(b->name);
	*b = (struct ktap_block){
		.open = true, .plan = -1, .first = json_array_size(k->results), .line = k->lineno};
	if (d == 0)
		k->seen = true;
}

static void ktap_leaf(struct ktap *k, const char *name, const char *status, long number,
		      const char *directive, const char *reason)
{
	json_t *r = json_pack("{s:o, s:s, s:I, s:I, s:I, s:I}", "name",
			      text_json_string(name, strlen(name)), "status", status, "number",
			      (json_int_t)number, "line", (json_int_t)k->lineno, "t_ms",
			      (json_int_t)k->last_t, "duration_ms", (json_int_t)0);
	if (directive)
		json_object_set_new(r, "directive", json_string(directive));
	if (reason && *reason)
		json_object_set_new(r, "reason", text_json_string(reason, strlen(reason)));
	json_array_append_new(k->results, r);
}

/* Tests first..last of block d, promised by its plan but never reported. */
static void ktap_missing(struct ktap *k, int d, long first, long last, const char *status,
			 const char *reason)
{
	for (long n = first; n <= last; n++) {
		char name[32];
		snprintf(name, sizeof(name), "#%ld", n);
		ktap_leaf(k, name, status, n, NULL, reason);
		k->b[d].count++;
	}
}

/* Close block d (and any deeper): its leaves get its name as a prefix. */
static void ktap_close(struct ktap *k, int d, const char *fallback_name)
{
	struct ktap_block *b = &k->b[d];
	const char *prefix = b->name ? b->name : fallback_name;
	json_t *r;
	size_t i;

	if (d + 1 < KTAP_DEPTH_MAX && k->b[d + 1].open) {
		ktap_error(k, k->b[d + 1].line, "a subtest block was never closed by its result");
		ktap_close(k, d + 1, NULL);
	}
	if (b->plan >= 0 && b->count != b->plan) {
		char why[96];
		snprintf(why, sizeof(why), "plan 1..%ld but %ld results", b->plan, b->count);
		ktap_error(k, b->line, why);
		ktap_missing(k, d, b->count + 1, b->plan, "not_run", "never reported");
	}
	for (i = b->first; prefix && *prefix && i < json_array_size(k->results); i++) {
		r = json_array_get(k->results, i);
		char *full = util_strdup_printf("%s.%s", prefix,
						json_string_value(json_object_get(r, "name")));
		json_object_set_new(r, "name", json_string(full));
		free(full);
	}
	free(b->name);
	b->name = NULL;
	b->open = false;
}

/* "ok N desc # DIRECTIVE reason" after "ok " or "not ok " (p). */
static void ktap_result(struct ktap *k, int d, bool ok, const char *p)
{
	struct ktap_block *b = &k->b[d];
	char *end;
	long number = strtol(p, &end, 10);
	const char *status = ok ? "pass" : "fail", *directive = NULL, *reason = NULL;

	if (end == p || number < 1) {
		ktap_error(k, k->lineno, "a result line without a test number");
		return;
	}
	if (number != b->count + 1) {
		char why[96];
		snprintf(why, sizeof(why), "test number %ld, expected %ld", number, b->count + 1);
		ktap_error(k, k->lineno, why);
	}
	while (*end == ' ')
		end++;
	if (end[0] == '-' && end[1] == ' ')
		end += 2;
	char *desc = util_strdup(end);
	char *hash = strstr(desc, " # "), *dir = hash ? hash + 3 : NULL;
	if (!hash && desc[0] == '#' && desc[1] == ' ')
		hash = desc, dir = desc + 2; /* "ok 1 # SKIP": no description */
	if (hash) {
		if (!strncasecmp(dir, "SKIP", 4))
			status = "skip", directive = "skip";
		else if (!strncasecmp(dir, "TODO", 4))
			status = "skip", directive = "todo";
		else if (!strncasecmp(dir, "XFAIL", 5))
			directive = "xfail";
		if (directive) {
			reason = dir + strlen(directive);
			while (*reason == ' ')
				reason++;
		}
		*hash = '\0';
	}
	b->count++;
	if (d + 1 < KTAP_DEPTH_MAX && k->b[d + 1].open) {
		bool empty = k->b[d + 1].first == json_array_size(k->results) &&
			     k->b[d + 1].count == 0;
		ktap_close(k, d + 1, desc);
		if (!empty) {
			free(desc);
			return;
		}
	}
	/* "ok 5 # SKIP why": kselftest 6.1 drops the name */
	char *name = *desc ? util_strdup(desc) : util_strdup_printf("#%ld", number);
	ktap_leaf(k, name, status, number, directive, reason);
	free(name);
	free(desc);
}

static bool ktap_is_version(const struct ktap *k, const char *p)
{
	if (!strcmp(p, "KTAP version 1"))
		return true;
	if (!strcmp(p, "TAP version 13")) /* kselftest's, which KTAP accepts */
		return true;
	return k->kind == KTAP_TAP && !strcmp(p, "TAP version 14");
}

/* Judge one whole line (no newline, printk prefix already gone). */
static void ktap_line(struct ktap *k, const char *p)
{
	size_t spaces = strspn(p, " ");
	int d = (int)(spaces / 4);

	if (spaces % 4 || d >= KTAP_DEPTH_MAX)
		return;
	p += spaces;
	if (!strncmp(p, "KTAP version ", 13) || !strncmp(p, "TAP version ", 12)) {
		if (!ktap_is_version(k, p)) {
			ktap_error(k, k->lineno, "an unsupported version line");
			return;
		}
		if (d == 0 && k->b[0].open)
			ktap_close(k, 0, NULL);
		if (d > 0 && !k->b[d - 1].open) {
			ktap_error(k, k->lineno, "a nested version line outside any block");
			return;
		}
		if (d > 0 && k->b[d].open) {
			ktap_error(k, k->b[d].line,
				   "a subtest block was never closed by its result");
			ktap_close(k, d, NULL);
		}
		ktap_open(k, d);
		return;
	}
	if (!k->b[d].open) {
		/* KTAP lets a subtest start with "# Subtest:" or its plan. */
		bool starts = !strncmp(p, "# Subtest: ", 11) || !strncmp(p, "1..", 3) ||
			      !strncmp(p, "ok ", 3) || !strncmp(p, "not ok ", 7);
		if (d == 0 || !starts || !k->b[d - 1].open)
			return; /* not KTAP: boot messages, a shell, diagnostics */
		ktap_open(k, d);
	}
	if (!strncmp(p, "# Subtest: ", 11)) {
		free(k->b[d].name);
		k->b[d].name = util_strdup(p + 11);
	} else if (!strncmp(p, "1..", 3)) {
		char *end;
		long plan = strtol(p + 3, &end, 10);
		if (end == p + 3 || *end || plan < 0)
			ktap_error(k, k->lineno, "a bad plan line");
		else if (k->b[d].plan >= 0)
			ktap_error(k, k->lineno, "a second plan in one block");
		else
			k->b[d].plan = plan;
	} else if (!strncmp(p, "ok ", 3)) {
		ktap_result(k, d, true, p + 3);
	} else if (!strncmp(p, "not ok ", 7)) {
		ktap_result(k, d, false, p + 7);
	}
}

/* Drop "[    2.642580] ", the printk time stamp of a Linux console. */
static const char *ktap_strip_printk(const char *p)
{
	if (*p != '[')
		return p;
	const char *q = p + 1;
	while (*q == ' ' || *q == '.' || isdigit((unsigned char)*q))
		q++;
	return q[0] == ']' && q[1] == ' ' && q > p + 1 ? q + 2 : p;
}

static void ktap_end_line(struct ktap *k)
{
	while (k->len && (k->line[k->len - 1] == '\r'))
		k->len--;
	k->line[k->len] = '\0';
	k->len = 0;
	ktap_line(k, ktap_strip_printk(k->line));
}

void ktap_feed(struct ktap *k, const char *buf, size_t len, int64_t t_ms)
{
	k->last_t = t_ms;
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\n') {
			k->lineno++;
			ktap_end_line(k);
		} else if (k->len < KTAP_LINE_MAX) {
			k->line[k->len++] = buf[i] ? buf[i] : '?';
		}
	}
}

/* The running test of each open block, deepest first: crashed, the rest of
 * each plan not run. */
static void ktap_crash(struct ktap *k, const char *crash_class)
{
	int d = KTAP_DEPTH_MAX - 1;
	char why[128];

	while (d >= 0 && !k->b[d].open)
		d--;
	snprintf(why, sizeof(why), "the guest stopped here: %s", crash_class);
	if (d >= 0 && (k->b[d].plan < 0 || k->b[d].count < k->b[d].plan))
		ktap_missing(k, d, k->b[d].count + 1, k->b[d].count + 1, "crashed", why);
	for (; d >= 0; d--) {
		struct ktap_block *b = &k->b[d];
		ktap_missing(k, d, b->count + 1, b->plan, "not_run", "after the crash");
		if (d > 0) {
			char name[32];
			k->b[d - 1].count++; /* the parent's running test is this block */
			snprintf(name, sizeof(name), "#%ld", k->b[d - 1].count);
			ktap_close(k, d, name);
		} else {
			ktap_close(k, d, NULL);
		}
	}
}

/* Each result's duration: from the previous result (or the stream's start). */
static void ktap_durations(json_t *results)
{
	json_int_t prev = -1;
	json_t *r;
	size_t i;

	json_array_foreach (results, i, r) {
		json_int_t t = json_integer_value(json_object_get(r, "t_ms"));
		json_object_set_new(r, "duration_ms",
				    json_integer(prev >= 0 && t > prev ? t - prev : 0));
		prev = t;
	}
}

json_t *ktap_finish(struct ktap *k, const char *crash_class)
{
	json_t *counts = json_pack("{s:i, s:i, s:i, s:i, s:i}", "pass", 0, "fail", 0, "skip", 0,
				   "crashed", 0, "not_run", 0);
	json_t *r;
	size_t i;

	if (k->len) {
		k->lineno++;
		ktap_end_line(k);
	}
	if (crash_class) {
		ktap_crash(k, crash_class);
	} else {
		for (int d = KTAP_DEPTH_MAX - 1; d > 0; d--)
			if (k->b[d].open) {
				ktap_error(k, k->b[d].line, "the stream stopped inside a subtest");
				k->b[d - 1].count++;
				ktap_close(k, d, NULL);
			}
		if (k->b[0].open)
			ktap_close(k, 0, NULL);
		if (!k->seen)
			ktap_error(k, k->lineno,
				   k->kind == KTAP_TAP ? "the console had no TAP version line"
						       : "the console had no KTAP version line");
	}
	ktap_durations(k->results);
	json_array_foreach (k->results, i, r) {
		const char *s = json_string_value(json_object_get(r, "status"));
		json_object_set_new(
			counts, s,
			json_integer(json_integer_value(json_object_get(counts, s)) + 1));
	}
	json_t *out = json_pack("{s:s, s:O, s:o, s:O}", "format", ktap_kind_name(k->kind),
				"results", k->results, "counts", counts, "errors", k->errors);
	return out;
}
