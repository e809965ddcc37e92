/* shard.h: `kiln run --shard K/N`, this machine's share of the cases.
 *
 * Owner: runner. The split depends only on the fixtures' names and, with
 * --durations, on a previous run's report, so every machine of a CI job
 * computes the same split without talking to the others. Cases are dealt
 * longest first (longest processing time first, a greedy bin packing) to
 * the shard with the least work so far, ties going to the lower shard;
 * without durations every case weighs the same and the deal is round-robin
 * over the sorted names. A case the previous report does not know weighs
 * the mean of those it knows.
 */
#ifndef KILN_RUNNER_SHARD_H
#define KILN_RUNNER_SHARD_H

#include <jansson.h>

#include "kiln/fixture/discover.h"

struct shard {
	int k, n; /* 1 <= k <= n; n == 0: no sharding */
};

/* "K/N" into *s. 0, or -1 after an error saying what is wrong. */
int shard_parse(const char *text, struct shard *s);

/* Which shard (0-based) each of the n names (borrowed) goes to, into
 * out[n]. durations: a previous report.json object (borrowed) or NULL. */
void shard_assign(const char *const *names, size_t n, int shards, const json_t *durations,
		  int *out);

/* Keep only shard s's fixtures in list (the others are freed), in their
 * order. durations: as for shard_assign(). */
void shard_select(struct fixture_list *list, const struct shard *s, const json_t *durations);

/* kiln run's --shard and --durations (borrowed; s->n == 0: no --shard):
 * keep this shard's fixtures, maybe none (a shard may be empty). -1 after
 * an error when --durations is given without --shard or names no readable
 * run (a run directory, or a report.json kept alone). */
int shard_apply(const struct shard *s, const char *durations, struct fixture_list *list);

/* Record the shard and this host in report.json's object (borrowed). */
void shard_note_report(json_t *report, const struct shard *s, const char *durations_from);

#endif
