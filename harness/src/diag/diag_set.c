/* diag_set.c: the findings of a diagnosis, deduplicated and in order.
 *
 * Owner: diagnostics. See kiln/diag.h (public) and kiln/diag_engine.h.
 * Findings are keyed on (code, subject) in a chained hash table and kept in
 * an array sorted by the position of their first raw line. Lines arrive in
 * order, so an add is almost always an append; only a kernel report, whose
 * finding is known once its last line is read, inserts behind later ones.
 */
#include "diag_engine.h"

#include <stdlib.h>
#include <string.h>

#include "kiln/lib/text.h"
#include "kiln/lib/util.h"

struct entry {
	struct diag_finding pub; /* first member: a finding pointer is an entry */
	uint64_t order;
	unsigned flags;
	unsigned source;
	size_t index; /* position in set->sorted */
	size_t hash;
	struct entry *chain; /* next in the same bucket */
	char *subject;
	char *raw;
};

struct diag_set {
	struct entry **sorted;
	size_t count, cap;
	struct entry **bucket;
	size_t nbucket; /* a power of two */
	uint64_t clock;
	size_t ld_specific_errors; /* hides fallbacks while non-zero */
};

static void *xcalloc(size_t n, size_t size)
{
	void *p = util_calloc(n ? n : 1, size);

	return p;
}

struct diag_set *diag_set_new(void)
{
	struct diag_set *set = xcalloc(1, sizeof(*set));

	set->nbucket = 64;
	set->bucket = xcalloc(set->nbucket, sizeof(*set->bucket));
	return set;
}

void diag_set_free(struct diag_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->count; i++) {
		free(set->sorted[i]->subject);
		free(set->sorted[i]->raw);
		free(set->sorted[i]);
	}
	free(set->sorted);
	free(set->bucket);
	free(set);
}

/* FNV-1a over code, a separator, and subject. */
static size_t key_hash(const char *code, const char *subject)
{
	uint64_t h = 1469598103934665603ull;

	for (const char *p = code; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ull;
	h = (h ^ 0xff) * 1099511628211ull;
	for (const char *p = subject ? subject : ""; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ull;
	return (size_t)h;
}

static bool same_key(const struct entry *e, const char *code, const char *subject)
{
	return !strcmp(e->pub.code, code) &&
	       !strcmp(e->pub.subject ? e->pub.subject : "", subject ? subject : "");
}

static struct entry *lookup(const struct diag_set *set, const char *code, const char *subject)
{
	size_t h = key_hash(code, subject);

	for (struct entry *e = set->bucket[h & (set->nbucket - 1)]; e; e = e->chain)
		if (e->hash == h && same_key(e, code, subject))
			return e;
	return NULL;
}

static void bucket_insert(struct diag_set *set, struct entry *e)
{
	size_t b = e->hash & (set->nbucket - 1);

	e->chain = set->bucket[b];
	set->bucket[b] = e;
}

static void bucket_remove(struct diag_set *set, struct entry *e)
{
	struct entry **pp = &set->bucket[e->hash & (set->nbucket - 1)];

	while (*pp != e)
		pp = &(*pp)->chain;
	*pp = e->chain;
}

static void grow_buckets(struct diag_set *set)
{
	free(set->bucket);
	set->nbucket *= 2;
	set->bucket = xcalloc(set->nbucket, sizeof(*set->bucket));
	for (size_t i = 0; i < set->count; i++)
		bucket_insert(set, set->sorted[i]);
}

/* Does this entry hide the linker fallbacks? */
static bool is_ld_specific_error(const struct entry *e)
{
	return e->source == DIAG_FROM_LD && e->pub.severity == DIAG_ERR &&
	       !(e->flags & DIAG_RULE_FALLBACK);
}

/* Put e at its place in the sorted array, from index `from` (its current
 * place, or count for a new entry). */
static void place(struct diag_set *set, struct entry *e, size_t from)
{
	size_t at = from;

	while (at > 0 && set->sorted[at - 1]->order > e->order)
		at--;
	memmove(&set->sorted[at + 1], &set->sorted[at], (from - at) * sizeof(*set->sorted));
	set->sorted[at] = e;
	for (size_t i = at; i <= from; i++)
		set->sorted[i]->index = i;
}

static void set_raw(struct entry *e, const char *raw, size_t raw_len)
{
	size_t n = raw_len < DIAG_RAW_MAX ? raw_len : DIAG_RAW_MAX;

	free(e->raw);
	while (n > 0 && (raw[n - 1] == '\r' || raw[n - 1] == '\n'))
		n--;
	e->raw = text_utf8_clean(raw ? raw : "", raw ? n : 0);
	/* U+FFFD is three bytes, so keep the promise of DIAG_RAW_MAX bytes */
	if (strlen(e->raw) > DIAG_RAW_MAX) {
		size_t k = DIAG_RAW_MAX;

		while (k > 0 && ((unsigned char)e->raw[k] & 0xC0) == 0x80)
			k--;
		e->raw[k] = '\0';
	}
	e->pub.first_raw_line = e->raw;
}

void diag_set_add(struct diag_set *set, const struct diag_hit *hit)
{
	char *subject = hit->subject ? text_utf8_clean(hit->subject, strlen(hit->subject)) : NULL;
	struct entry *e = lookup(set, hit->code, subject);

	if (e) {
		free(subject);
		if (set->ld_specific_errors && is_ld_specific_error(e))
			set->ld_specific_errors--;
		if (hit->severity > e->pub.severity)
			e->pub.severity = hit->severity;
		if (hit->order < e->order) { /* a report that began earlier */
			e->order = hit->order;
			set_raw(e, hit->raw, hit->raw_len);
			place(set, e, e->index);
		}
		if (is_ld_specific_error(e))
			set->ld_specific_errors++;
		return;
	}
	e = xcalloc(1, sizeof(*e));
	e->pub.code = hit->code;
	e->pub.severity = hit->severity;
	e->pub.subject = e->subject = subject;
	e->order = hit->order;
	e->flags = hit->flags;
	e->source = hit->source;
	e->hash = key_hash(hit->code, subject);
	set_raw(e, hit->raw, hit->raw_len);
	if (set->count == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 16;
		set->sorted = util_realloc(set->sorted, set->cap * sizeof(*set->sorted));
	}
	set->count++;
	place(set, e, set->count - 1);
	if (set->count > set->nbucket)
		grow_buckets(set);
	else
		bucket_insert(set, e);
	if (is_ld_specific_error(e))
		set->ld_specific_errors++;
}

/* Is code one of the space-separated words of codes? */
static bool code_in(const char *code, const char *codes)
{
	size_t n = strlen(code);

	for (const char *p = codes; *p;) {
		size_t k = strcspn(p, " ");

		if (k == n && !strncmp(p, code, n))
			return true;
		p += k;
		p += strspn(p, " ");
	}
	return false;
}

bool diag_set_has(const struct diag_set *set, const char *codes)
{
	for (size_t i = 0; i < set->count; i++)
		if (code_in(set->sorted[i]->pub.code, codes))
			return true;
	return false;
}

bool diag_set_rename(struct diag_set *set, const char *from_code, const char *subject,
		     const char *to_code)
{
	struct entry *e = lookup(set, from_code, subject), *dup = lookup(set, to_code, subject);

	if (!e)
		return false;
	bucket_remove(set, e);
	if (is_ld_specific_error(e))
		set->ld_specific_errors--;
	if (dup) { /* already known under the new code: the renamed one goes */
		memmove(&set->sorted[e->index], &set->sorted[e->index + 1],
			(set->count - e->index - 1) * sizeof(*set->sorted));
		set->count--;
		for (size_t i = e->index; i < set->count; i++)
			set->sorted[i]->index = i;
		free(e->subject);
		free(e->raw);
		free(e);
		return true;
	}
	e->pub.code = to_code;
	e->hash = key_hash(to_code, subject);
	bucket_insert(set, e);
	if (is_ld_specific_error(e))
		set->ld_specific_errors++;
	return true;
}

void diag_set_soften(struct diag_set *set, const char *codes)
{
	for (size_t i = 0; i < set->count; i++) {
		struct entry *e = set->sorted[i];

		if (!code_in(e->pub.code, codes))
			continue;
		if (is_ld_specific_error(e))
			set->ld_specific_errors--;
		e->pub.severity = DIAG_WARN;
	}
}

bool diag_set_has_error_from(const struct diag_set *set, unsigned source)
{
	for (size_t i = 0; i < set->count; i++) {
		const struct entry *e = set->sorted[i];

		if (e->source == source && e->pub.severity == DIAG_ERR &&
		    !(e->flags & DIAG_RULE_FALLBACK))
			return true;
	}
	return false;
}

uint64_t diag_set_reserve(struct diag_set *set, uint64_t len)
{
	uint64_t base = set->clock;

	set->clock += len + 1;
	return base;
}

static bool visible(const struct diag_set *set, const struct entry *e)
{
	return !(e->flags & DIAG_RULE_FALLBACK) || set->ld_specific_errors == 0;
}

static const struct diag_finding *visible_from(const struct diag_set *set, size_t i)
{
	for (; i < set->count; i++)
		if (visible(set, set->sorted[i]))
			return &set->sorted[i]->pub;
	return NULL;
}

const struct diag_finding *diag_set_first(const struct diag_set *set)
{
	return visible_from(set, 0);
}

const struct diag_finding *diag_set_next(const struct diag_set *set, const struct diag_finding *f)
{
	return visible_from(set, ((const struct entry *)f)->index + 1);
}

size_t diag_set_count(const struct diag_set *set)
{
	size_t n = 0;

	for (size_t i = 0; i < set->count; i++)
		n += visible(set, set->sorted[i]);
	return n;
}
