/* diag_prefilter.c: multi-literal search (Wu-Manber, 2-byte blocks).
 * See kiln/diag_prefilter.h.
 *
 * Owner: diagnostics. Why this algorithm: with m the shortest literal, a
 * window of m bytes is judged by its last two bytes alone. When that pair
 * occurs in no literal's first m bytes, the window moves by m - 1 bytes; only
 * pairs that end some literal's m-byte prefix cost a comparison. Log text
 * rarely holds those pairs in that place, so most bytes are never read. The
 * tables (64 Ki entries each) stay in the L2 cache.
 */
#include "diag_prefilter.h"
#include "kiln/lib/util.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define BLOCKS 65536

struct diag_prefilter {
	size_t m;			   /* shortest literal */
	uint8_t shift[BLOCKS];		   /* safe move for a window ending in this pair */
	uint16_t head[BLOCKS];		   /* 1 + first literal whose m-prefix ends in the pair */
	uint16_t next[DIAG_PREFILTER_MAX]; /* 1 + next literal with the same pair */
	const char *lit[DIAG_PREFILTER_MAX];
	size_t len[DIAG_PREFILTER_MAX];
	size_t n;
};

static unsigned pair(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

struct diag_prefilter *diag_prefilter_new(const char *const *lits, size_t n)
{
	struct diag_prefilter *pf;

	if (n == 0 || n > DIAG_PREFILTER_MAX)
		return NULL;
	pf = util_calloc(1, sizeof(*pf));
	pf->n = n;
	pf->m = SIZE_MAX;
	for (size_t i = 0; i < n; i++) {
		pf->lit[i] = lits[i];
		pf->len[i] = strlen(lits[i]);
		if (pf->len[i] < DIAG_PREFILTER_MIN_LEN) {
			free(pf);
			return NULL;
		}
		if (pf->len[i] < pf->m)
			pf->m = pf->len[i];
	}
	memset(pf->shift, (int)(pf->m - 1 > 255 ? 255 : pf->m - 1), sizeof(pf->shift));
	for (size_t i = n; i-- > 0;) {
		const unsigned char *p = (const unsigned char *)pf->lit[i];

		for (size_t j = 1; j < pf->m; j++) {
			unsigned b = pair(p + j - 1);
			size_t s = pf->m - 1 - j;

			if (s < pf->shift[b])
				pf->shift[b] = (uint8_t)s;
		}
		/* literals sharing a final pair are chained, lowest index first */
		unsigned b = pair(p + pf->m - 2);
		pf->next[i] = pf->head[b];
		pf->head[b] = (uint16_t)(i + 1);
	}
	return pf;
}

void diag_prefilter_free(struct diag_prefilter *pf)
{
	free(pf);
}

/* Does any literal chained on the pair ending at pos start at pos - m + 1? */
static bool verify(const struct diag_prefilter *pf, const unsigned char *t, size_t len, size_t pos,
		   uint64_t *seen)
{
	size_t start = pos + 1 - pf->m;
	bool any = false;

	for (unsigned k = pf->head[pair(t + pos - 1)]; k; k = pf->next[k - 1]) {
		size_t i = k - 1;

		if (start + pf->len[i] <= len && !memcmp(t + start, pf->lit[i], pf->len[i])) {
			if (!seen)
				return true;
			seen[i / 64] |= 1ull << (i % 64);
			any = true;
		}
	}
	return any;
}

size_t diag_prefilter_find(const struct diag_prefilter *pf, const char *buf, size_t len,
			   size_t from)
{
	const unsigned char *t = (const unsigned char *)buf;
	size_t pos = from + pf->m - 1;

	while (pos < len) {
		unsigned s = pf->shift[pair(t + pos - 1)];

		if (s) {
			pos += s;
			continue;
		}
		if (verify(pf, t, len, pos, NULL))
			return pos + 1 - pf->m;
		pos++;
	}
	return SIZE_MAX;
}

void diag_prefilter_collect(const struct diag_prefilter *pf, const char *buf, size_t len,
			    uint64_t seen[DIAG_PREFILTER_MAX / 64])
{
	const unsigned char *t = (const unsigned char *)buf;

	for (size_t pos = pf->m - 1; pos < len;) {
		unsigned s = pf->shift[pair(t + pos - 1)];

		if (s) {
			pos += s;
			continue;
		}
		verify(pf, t, len, pos, seen);
		pos++;
	}
}
