/* diag/diag_prefilter.h: finding any of a set of literals in a big buffer.
 *
 * Owner: diagnostics. Internal to harness/src/diag_*.c. Most of a log is
 * lines no rule cares about; this skips them without looking at every byte,
 * so that `kiln diag` keeps up with `grep -E` on the same trigger literals.
 */
#ifndef KILN_DIAG_PREFILTER_H
#define KILN_DIAG_PREFILTER_H

#include <stddef.h>
#include <stdint.h>

#define DIAG_PREFILTER_MAX 256 /* literals per prefilter */
#define DIAG_PREFILTER_MIN_LEN 4

struct diag_prefilter;

/* A prefilter for lits[0..n), each at least DIAG_PREFILTER_MIN_LEN bytes and
 * n <= DIAG_PREFILTER_MAX; NULL otherwise. The strings are borrowed and must
 * outlive it. Free with diag_prefilter_free() (NULL is accepted). */
struct diag_prefilter *diag_prefilter_new(const char *const *lits, size_t n);
void diag_prefilter_free(struct diag_prefilter *pf);

/* Offset in buf of the leftmost occurrence of any literal that starts at or
 * after from, or SIZE_MAX. */
size_t diag_prefilter_find(const struct diag_prefilter *pf, const char *buf, size_t len,
			   size_t from);

/* Set bit i of seen (DIAG_PREFILTER_MAX bits) for each literal i occurring
 * in buf[0..len). */
void diag_prefilter_collect(const struct diag_prefilter *pf, const char *buf, size_t len,
			    uint64_t seen[DIAG_PREFILTER_MAX / 64]);

#endif
