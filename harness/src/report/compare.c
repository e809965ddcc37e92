/* compare.c: two runs compared. See kiln/report/compare.h. */
#include "kiln/report/compare.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiln/lib/util.h"
#include "report_json.h"

static const json_t *compare_find_case(const json_t *report, const char *name)
{
	const json_t *c;
	size_t i;

	json_array_foreach (json_object_get(report, "cases"), i, c)
		if (!strcmp(report_str(c, "name", ""), name))
			return c;
	return NULL;
}

/* ---- the statistics ---------------------------------------------------- */

static double mean_of(const double *v, size_t n)
{
	double s = 0;

	for (size_t i = 0; i < n; i++)
		s += v[i];
	return s / (double)n;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median_of(const double *v, size_t n)
{
	double *s = util_calloc(n, sizeof(*s)), m;

	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	m = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	free(s);
	return m;
}

/* C(n, k), or SIZE_MAX when it passes limit. */
static size_t choose(size_t n, size_t k, size_t limit)
{
	double c = 1;

	for (size_t i = 1; i <= k; i++) {
		c = c * (double)(n - k + i) / (double)i;
		if (c > (double)limit)
			return SIZE_MAX;
	}
	return (size_t)llround(c);
}

/* The sum of the pooled samples chosen by mask. */
static double mask_sum(const double *pool, size_t n, uint64_t mask)
{
	double s = 0;

	for (size_t i = 0; i < n; i++)
		if (mask & ((uint64_t)1 << i))
			s += pool[i];
	return s;
}

double compare_permutation_p(const double *a, size_t na, const double *b, size_t nb)
{
	size_t n = na + nb, splits = choose(n, nb, COMPARE_EXACT_SPLITS), hits = 0, total = 0;
	double *pool = util_calloc(n, sizeof(*pool)), all = 0;
	/* The statistic mean(b) - mean(a) grows with the sum of the b side
	 * (the pooled total is fixed), so the sum is compared. A relative
	 * epsilon keeps a tie of equal sums a tie despite rounding. */
	double observed = mean_of(b, nb) * (double)nb, eps;

	memcpy(pool, a, na * sizeof(*pool));
	memcpy(pool + na, b, nb * sizeof(*pool));
	for (size_t i = 0; i < n; i++)
		all += fabs(pool[i]);
	eps = 1e-9 * (all + 1);
	if (splits != SIZE_MAX && n < 64) {
		/* every subset of nb of the n samples (Gosper's hack) */
		uint64_t m = ((uint64_t)1 << nb) - 1, limit = (uint64_t)1 << n;
		while (m < limit) {
			hits += mask_sum(pool, n, m) >= observed - eps;
			total++;
			uint64_t c = m & -m, r = m + c;
			m = (((r ^ m) >> 2) / c) | r;
		}
	} else {
		/* random splits from a fixed seed: the same answer everywhere */
		uint64_t state = 0x9E3779B97F4A7C15ull;
		size_t *idx = util_calloc(n, sizeof(*idx));
		for (total = 0; total < COMPARE_EXACT_SPLITS; total++) {
			for (size_t i = 0; i < n; i++)
				idx[i] = i;
			double s = 0;
			for (size_t i = 0; i < nb; i++) {
				state = state * 6364136223846793005ull + 1442695040888963407ull;
				size_t j = i + (size_t)((state >> 33) % (n - i));
				size_t t = idx[i];
				idx[i] = idx[j];
				idx[j] = t;
				s += pool[idx[i]];
			}
			hits += s >= observed - eps;
		}
		free(idx);
		/* the observed split counts as one of them */
		hits++;
		total++;
	}
	free(pool);
	return (double)hits / (double)total;
}

/* ---- the comparison ---------------------------------------------------- */

/* t_ms of pattern in each of the case's records that matched it. */
static double *compare_samples(const json_t *records, const char *name, const char *pattern,
			       size_t *n)
{
	double *v = util_calloc(json_array_size(records) + 1, sizeof(*v));
	const json_t *rec;
	size_t i;

	*n = 0;
	json_array_foreach (records, i, rec) {
		long long t;
		if (strcmp(report_str(rec, "name", ""), name) ||
		    (t = run_dir_marker_ms(rec, pattern)) < 0)
			continue;
		v[(*n)++] = (double)t;
	}
	return v;
}

static const char *compare_verdict(const double *b, size_t nb, const double *n, size_t nn,
				   const struct compare_opts *o, json_t *t)
{
	double mb = median_of(b, nb), mn = median_of(n, nn);
	double change = mb > 0 ? (mn - mb) / mb : 0;
	double p_slower = compare_permutation_p(b, nb, n, nn);
	double p_faster = compare_permutation_p(n, nn, b, nb);
	/* the smallest p this many runs can give */
	size_t splits = choose(nb + nn, nn, COMPARE_EXACT_SPLITS);
	double p_min = splits == SIZE_MAX ? 0 : 1.0 / (double)splits;
	double p = p_slower < p_faster ? p_slower : p_faster;

	json_object_set_new(t, "base_median_ms", json_real(mb));
	json_object_set_new(t, "new_median_ms", json_real(mn));
	json_object_set_new(t, "change", json_real(change));
	json_object_set_new(t, "p", json_real(p));
	if (p_min >= o->alpha)
		return "not_judged";
	if (p_slower < o->alpha && change > o->threshold && mn - mb > o->min_ms)
		return "slower";
	if (p_faster < o->alpha && -change > o->threshold && mb - mn > o->min_ms)
		return "faster";
	return "same";
}

static json_t *compare_json_array(const double *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_integer((json_int_t)v[i]));
	return a;
}

/* Every marker the base's records of this case matched, once, in order. */
static json_t *compare_patterns(const json_t *records, const char *name)
{
	json_t *seen = json_array(), *m;
	const json_t *rec;
	size_t i, k;

	json_array_foreach (records, i, rec) {
		if (strcmp(report_str(rec, "name", ""), name))
			continue;
		json_array_foreach (json_object_get(rec, "markers"), k, m) {
			bool dup = false;
			json_t *s;
			size_t j;
			json_array_foreach (seen, j, s)
				dup |= !strcmp(json_string_value(s), report_str(m, "pattern", ""));
			if (!dup)
				json_array_append_new(seen,
						      json_string(report_str(m, "pattern", "")));
		}
	}
	return seen;
}

static void compare_timing(const struct run_dir *base, const struct run_dir *nw, const char *name,
			   const struct compare_opts *o, json_t *timing, int *slower)
{
	json_t *patterns = compare_patterns(base->records, name), *p;
	size_t i;

	json_array_foreach (patterns, i, p) {
		size_t nb, nn;
		double *b = compare_samples(base->records, name, json_string_value(p), &nb);
		double *n = compare_samples(nw->records, name, json_string_value(p), &nn);
		if (nb && nn) {
			json_t *t = json_pack("{s:s, s:O, s:o, s:o}", "name", name, "marker", p,
					      "base_ms", compare_json_array(b, nb), "new_ms",
					      compare_json_array(n, nn));
			const char *v = compare_verdict(b, nb, n, nn, o, t);
			json_object_set_new(t, "verdict", json_string(v));
			*slower += !strcmp(v, "slower");
			json_array_append_new(timing, t);
		}
		free(b);
		free(n);
	}
	json_decref(patterns);
}

static json_t *compare_change(const char *name, const json_t *bc, const json_t *nc)
{
	json_t *e = json_pack("{s:s, s:s, s:I, s:I}", "name", name, "new_class",
			      report_str(nc, "class", ""), "new_passes",
			      (json_int_t)report_int(nc, "passes"), "new_runs",
			      (json_int_t)report_int(nc, "runs"));

	if (bc) {
		json_object_set_new(e, "base_class", json_string(report_str(bc, "class", "")));
		json_object_set_new(e, "base_passes", json_integer(report_int(bc, "passes")));
		json_object_set_new(e, "base_runs", json_integer(report_int(bc, "runs")));
	}
	return e;
}

json_t *compare_runs(const struct run_dir *base, const struct run_dir *nw,
		     const struct compare_opts *o)
{
	json_t *new_failures = json_array(), *fixed = json_array(), *still = json_array(),
	       *flaky = json_array(), *only_base = json_array(), *only_new = json_array(),
	       *timing = json_array();
	const json_t *nc, *bc;
	size_t i;
	int slower = 0;

	json_array_foreach (json_object_get(nw->report, "cases"), i, nc) {
		const char *name = report_str(nc, "name", "");
		long long np = report_int(nc, "passes"), nr = report_int(nc, "runs");
		bc = compare_find_case(base->report, name);
		if (!bc) {
			json_array_append_new(only_new, json_string(name));
			continue;
		}
		long long bp = report_int(bc, "passes"), br = report_int(bc, "runs");
		if (np > 0 && np < nr)
			json_array_append_new(flaky, compare_change(name, bc, nc));
		else if (np == 0 && bp > 0)
			json_array_append_new(new_failures, compare_change(name, bc, nc));
		else if (np == nr && bp < br)
			json_array_append_new(fixed, compare_change(name, bc, nc));
		else if (np == 0)
			json_array_append_new(still, compare_change(name, bc, nc));
		compare_timing(base, nw, name, o, timing, &slower);
	}
	json_array_foreach (json_object_get(base->report, "cases"), i, bc)
		if (!compare_find_case(nw->report, report_str(bc, "name", "")))
			json_array_append_new(only_base, json_string(report_str(bc, "name", "")));
	return json_pack("{s:s, s:s, s:s, s:{s:f, s:f, s:f}, s:I, s:i, s:o, s:o, s:o, s:o, s:o, "
			 "s:o, s:o}",
			 "schema", "kiln.compare/1", "base", base->path, "new", nw->path, "params",
			 "alpha", o->alpha, "threshold", o->threshold, "min_ms", o->min_ms,
			 "regressions",
			 (json_int_t)(json_array_size(new_failures) + (size_t)slower),
			 "timing_regressions", slower, "new_failures", new_failures, "fixed", fixed,
			 "still_failing", still, "flaky", flaky, "only_base", only_base, "only_new",
			 only_new, "timing", timing);
}

/* ---- text -------------------------------------------------------------- */

static void text_cases(FILE *out, const char *title, const json_t *list)
{
	const json_t *e;
	size_t i;

	if (!json_array_size(list))
		return;
	fprintf(out, "%s (%zu):\n", title, json_array_size(list));
	json_array_foreach (list, i, e) {
		if (json_is_string(e))
			fprintf(out, "  %s\n", json_string_value(e));
		else
			fprintf(out, "  %s: %s (%lld/%lld passed) -> %s (%lld/%lld passed)\n",
				report_str(e, "name", ""), report_str(e, "base_class", ""),
				report_int(e, "base_passes"), report_int(e, "base_runs"),
				report_str(e, "new_class", ""), report_int(e, "new_passes"),
				report_int(e, "new_runs"));
	}
}

static void text_timing(FILE *out, const json_t *timing, const char *verdict, const char *title)
{
	const json_t *t;
	size_t i, n = 0;

	json_array_foreach (timing, i, t)
		n += !strcmp(report_str(t, "verdict", ""), verdict);
	if (!n)
		return;
	fprintf(out, "%s (%zu):\n", title, n);
	json_array_foreach (timing, i, t) {
		if (strcmp(report_str(t, "verdict", ""), verdict))
			continue;
		char *marker = json_dumps(json_object_get(t, "marker"), JSON_ENCODE_ANY);
		fprintf(out, "  %s %s: %.0f ms -> %.0f ms (%+.0f%%, p=%.3g, %zu vs %zu runs)\n",
			report_str(t, "name", ""), marker,
			json_number_value(json_object_get(t, "base_median_ms")),
			json_number_value(json_object_get(t, "new_median_ms")),
			100 * json_number_value(json_object_get(t, "change")),
			json_number_value(json_object_get(t, "p")),
			json_array_size(json_object_get(t, "base_ms")),
			json_array_size(json_object_get(t, "new_ms")));
		free(marker);
	}
}

char *compare_text(const json_t *cmp)
{
	char *buf = NULL;
	size_t len = 0, same = 0, unjudged = 0, i;
	FILE *out = util_memstream(&buf, &len);
	const json_t *t, *timing = json_object_get(cmp, "timing");

	fprintf(out, "kiln compare: base %s, new %s\n", report_str(cmp, "base", ""),
		report_str(cmp, "new", ""));
	text_cases(out, "new failures", json_object_get(cmp, "new_failures"));
	text_cases(out, "fixed", json_object_get(cmp, "fixed"));
	text_cases(out, "still failing", json_object_get(cmp, "still_failing"));
	text_cases(out, "flaky", json_object_get(cmp, "flaky"));
	text_cases(out, "only in base", json_object_get(cmp, "only_base"));
	text_cases(out, "only in new", json_object_get(cmp, "only_new"));
	text_timing(out, timing, "slower", "slower markers");
	text_timing(out, timing, "faster", "faster markers");
	json_array_foreach (timing, i, t) {
		same += !strcmp(report_str(t, "verdict", ""), "same");
		unjudged += !strcmp(report_str(t, "verdict", ""), "not_judged");
	}
	fprintf(out, "%zu markers within noise", same);
	if (unjudged)
		fprintf(out, ", %zu not judged (too few runs for p < %g: use --repeat on both)",
			unjudged,
			json_number_value(
				json_object_get(json_object_get(cmp, "params"), "alpha")));
	fprintf(out, "\nkiln compare: %lld regressions (%zu new failures, %lld slower markers)\n",
		report_int(cmp, "regressions"),
		json_array_size(json_object_get(cmp, "new_failures")),
		report_int(cmp, "timing_regressions"));
	fclose(out);
	return buf;
}

/* ---- kiln run --baseline ----------------------------------------------- */

int compare_check_baseline(const char *base_path)
{
	struct run_dir rd;

	if (run_dir_load(base_path, &rd) < 0) {
		util_err("run: --baseline %s is not a run kiln can read", base_path);
		return -1;
	}
	run_dir_free(&rd);
	return 0;
}

json_t *compare_with_baseline(const char *base_path, const char *run_dir, json_t *report,
			      json_t *records)
{
	struct run_dir base, nw = {(char *)run_dir, report, records};
	struct compare_opts o = COMPARE_OPTS_DEFAULT;
	json_t *cmp;

	if (run_dir_load(base_path, &base) < 0)
		return NULL;
	cmp = compare_runs(&base, &nw, &o);
	util_note("against baseline %s: %lld regressions (%zu new failures, %lld slower markers)",
		  base.path, report_int(cmp, "regressions"),
		  json_array_size(json_object_get(cmp, "new_failures")),
		  report_int(cmp, "timing_regressions"));
	run_dir_free(&base);
	return cmp;
}
