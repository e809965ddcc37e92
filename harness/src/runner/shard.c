/* shard.c: a deterministic, balanced share of the cases. See shard.h. */
#include "shard.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kiln/lib/util.h"
#include "kiln/report/run_dir.h"

int shard_parse(const char *text, struct shard *s)
{
	const char *slash = strchr(text, '/');
	char *k = slash ? util_strndup(text, (size_t)(slash - text)) : NULL;
	int rc = -1;

	if (k && util_parse_int(k, 1, 4096, &s->k) == 0 &&
	    util_parse_int(slash + 1, 1, 4096, &s->n) == 0 && s->k <= s->n)
		rc = 0;
	else
		util_err("run: --shard takes K/N with 1 <= K <= N <= 4096, not '%s'", text);
	free(k);
	return rc;
}

/* The mean duration of the case's attempts in report, or -1 if absent. */
static double shard_case_ms(const json_t *report, const char *name)
{
	const json_t *c, *a;
	size_t i, k;

	json_array_foreach (json_object_get(report, "cases"), i, c) {
		const char *cn = json_string_value(json_object_get(c, "name"));
		double sum = 0;
		size_t n = 0;
		if (!cn || strcmp(cn, name))
			continue;
		json_array_foreach (json_object_get(c, "attempts"), k, a) {
			sum += (double)json_integer_value(json_object_get(a, "duration_ms"));
			n++;
		}
		return n ? sum / (double)n : -1;
	}
	return -1;
}

struct shard_item {
	const char *name;
	size_t index;
	double weight;
};

static int shard_by_weight(const void *a, const void *b)
{
	const struct shard_item *x = a, *y = b;

	if (x->weight != y->weight)
		return x->weight > y->weight ? -1 : 1;
	return strcmp(x->name, y->name);
}

void shard_assign(const char *const *names, size_t n, int shards, const json_t *durations, int *out)
{
	struct shard_item *items = util_calloc(n ? n : 1, sizeof(*items));
	double *load = util_calloc((size_t)shards, sizeof(*load)), known = 0;
	size_t n_known = 0, i;

	for (i = 0; i < n; i++) {
		items[i] = (struct shard_item){names[i], i, 1.0};
		if (durations && (items[i].weight = shard_case_ms(durations, names[i])) >= 0) {
			known += items[i].weight;
			n_known++;
		}
	}
	for (i = 0; durations && i < n; i++)
		if (items[i].weight < 0)
			items[i].weight = n_known ? known / (double)n_known : 1.0;
	qsort(items, n, sizeof(*items), shard_by_weight);
	for (i = 0; i < n; i++) {
		int best = 0;
		for (int s = 1; s < shards; s++)
			if (load[s] < load[best])
				best = s;
		load[best] += items[i].weight;
		out[items[i].index] = best;
	}
	free(items);
	free(load);
}

void shard_select(struct fixture_list *list, const struct shard *s, const json_t *durations)
{
	const char **names = util_calloc(list->n ? list->n : 1, sizeof(*names));
	int *to = util_calloc(list->n ? list->n : 1, sizeof(*to));
	size_t kept = 0;

	for (size_t i = 0; i < list->n; i++)
		names[i] = list->items[i]->name;
	shard_assign(names, list->n, s->n, durations, to);
	for (size_t i = 0; i < list->n; i++) {
		if (to[i] == s->k - 1)
			list->items[kept++] = list->items[i];
		else
			fixture_free(list->items[i]);
	}
	list->n = kept;
	free(names);
	free(to);
}

int shard_apply(const struct shard *s, const char *durations, struct fixture_list *list)
{
	json_t *prev = NULL;

	if (durations && !s->n) {
		util_err("run: --durations balances --shard; give --shard K/N");
		return -1;
	}
	if (!s->n)
		return 0;
	if (durations && !(prev = run_dir_load_report(durations)))
		return -1;
	shard_select(list, s, prev);
	json_decref(prev);
	return 0;
}

void shard_note_report(json_t *report, const struct shard *s, const char *durations_from)
{
	char host[256];

	if (gethostname(host, sizeof(host)) == 0) {
		host[sizeof(host) - 1] = '\0';
		json_object_set_new(report, "host", json_string(host));
	}
	if (s->n == 0)
		return;
	char *text = util_strdup_printf("%d/%d", s->k, s->n);
	json_object_set_new(report, "shard", json_string(text));
	free(text);
	if (durations_from)
		json_object_set_new(report, "shard_durations_from", json_string(durations_from));
}
