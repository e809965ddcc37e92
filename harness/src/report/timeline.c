/* timeline.c: a case's events in time order. See kiln/report/timeline.h. */
#include "kiln/report/timeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiln/lib/util.h"
#include "report_json.h"

static void timeline_add(json_t *events, json_t *t_ms, const char *kind, const char *label)
{
	json_array_append_new(events, json_pack("{s:o?, s:s, s:s}", "t_ms", t_ms, "kind", kind,
						"label", label));
}

/* When the fail pattern matched: case.json's fail_match, or for a run
 * written before it had one, the end of the reason the engine writes,
 * "'<line>' (fail pattern '<p>') at <N> ms". -1 when neither says. */
static long long timeline_fail_ms(const json_t *record)
{
	const json_t *t = json_object_get(json_object_get(record, "fail_match"), "t_ms");
	const char *reason = report_str(record, "reason", ""), *at = NULL;
	char *end;
	long long ms;

	if (json_is_integer(t))
		return json_integer_value(t);
	for (const char *p = strstr(reason, ") at "); p; p = strstr(p + 1, ") at "))
		at = p;
	if (!at)
		return -1;
	ms = strtoll(at + 5, &end, 10);
	return end != at + 5 && !strcmp(end, " ms") && ms >= 0 ? ms : -1;
}

/* Steps already shown through their marker are not shown again. */
static int timeline_step_has_marker(const json_t *markers, size_t step)
{
	json_t *m;
	size_t i;

	json_array_foreach (markers, i, m)
		if (json_integer_value(json_object_get(m, "step")) == (json_int_t)step)
			return 1;
	return 0;
}

static int timeline_by_time(const void *a, const void *b)
{
	const json_t *ea = *(json_t *const *)a, *eb = *(json_t *const *)b;
	json_t *ta = json_object_get(ea, "t_ms"), *tb = json_object_get(eb, "t_ms");

	/* never-reached steps last; ties keep their order (index below) */
	if (json_is_null(ta) != json_is_null(tb))
		return json_is_null(ta) ? 1 : -1;
	if (!json_is_null(ta) && json_integer_value(ta) != json_integer_value(tb))
		return json_integer_value(ta) < json_integer_value(tb) ? -1 : 1;
	return (int)(json_integer_value(json_object_get(ea, "i")) -
		     json_integer_value(json_object_get(eb, "i")));
}

json_t *timeline_events(const json_t *record)
{
	json_t *ev = json_array(), *markers = json_object_get(record, "markers"), *m, *out;
	const char *outcome = report_str(record, "outcome", "");
	size_t i;

	timeline_add(ev, json_integer(0), "start", "QEMU started");
	json_array_foreach (markers, i, m) {
		timeline_add(ev, json_incref(json_object_get(m, "t_ms")), "marker",
			     report_str(m, "text", report_str(m, "pattern", "")));
	}
	json_array_foreach (json_object_get(record, "steps"), i, m) {
		bool passed = !strcmp(report_str(m, "status", ""), "pass");
		if (passed && timeline_step_has_marker(markers, i))
			continue;
		json_t *t = json_object_get(m, "t_ms");
		timeline_add(ev, passed && t ? json_incref(t) : json_null(),
			     passed ? "step" : "pending", report_str(m, "step", ""));
	}
	if (!strcmp(outcome, "guest_panicked")) {
		long long ms = timeline_fail_ms(record);
		if (ms >= 0)
			timeline_add(ev, json_integer(ms), "fail",
				     report_str(record, "reason", ""));
	}
	timeline_add(ev, json_incref(json_object_get(record, "duration_ms")), "end",
		     report_str(record, "class", outcome));
	/* qsort is not stable: the index breaks ties */
	size_t n = json_array_size(ev);
	json_t **v = util_calloc(n ? n : 1, sizeof(*v));
	for (i = 0; i < n; i++) {
		v[i] = json_array_get(ev, i);
		json_object_set_new(v[i], "i", json_integer((json_int_t)i));
	}
	qsort(v, n, sizeof(*v), timeline_by_time);
	out = json_array();
	for (i = 0; i < n; i++) {
		json_object_del(v[i], "i");
		json_array_append(out, v[i]);
	}
	free(v);
	json_decref(ev);
	return out;
}

/* "'text' at N ms" of run r's marker k, or "none". New. */
static char *timeline_marker_text(const json_t *rec, size_t k)
{
	json_t *m = json_array_get(json_object_get(rec, "markers"), k);

	if (!m)
		return util_strdup("none");
	return util_strdup_printf("'%s' at %lld ms", report_str(m, "pattern", ""),
				  (long long)json_integer_value(json_object_get(m, "t_ms")));
}

char *timeline_divergence(const json_t *records)
{
	const json_t *first = json_array_get(records, 0), *rec;
	size_t n_first = json_array_size(json_object_get(first, "markers")), i;

	if (json_array_size(records) < 2)
		return NULL;
	for (size_t k = 0;; k++) {
		json_array_foreach (records, i, rec) {
			size_t n = json_array_size(json_object_get(rec, "markers"));
			json_t *a = json_array_get(json_object_get(first, "markers"), k);
			json_t *b = json_array_get(json_object_get(rec, "markers"), k);
			if (k >= n && k >= n_first)
				continue;
			if (a && b &&
			    !strcmp(report_str(a, "pattern", ""), report_str(b, "pattern", "")))
				continue;
			char *ta = timeline_marker_text(first, k),
			     *tb = timeline_marker_text(rec, k);
			char *s = util_strdup_printf(
				"runs part at marker %zu: run %lld %s, run %lld %s", k + 1,
				(long long)json_integer_value(json_object_get(first, "attempt")),
				ta, (long long)json_integer_value(json_object_get(rec, "attempt")),
				tb);
			free(ta);
			free(tb);
			return s;
		}
		bool more = false;
		json_array_foreach (records, i, rec)
			more |= k + 1 < json_array_size(json_object_get(rec, "markers"));
		if (!more)
			break;
	}
	json_array_foreach (records, i, rec)
		if (strcmp(report_str(rec, "class", ""), report_str(first, "class", "")))
			return util_strdup_printf(
				"runs part at the end: run %lld %s, run %lld %s",
				(long long)json_integer_value(json_object_get(first, "attempt")),
				report_str(first, "class", ""),
				(long long)json_integer_value(json_object_get(rec, "attempt")),
				report_str(rec, "class", ""));
	return NULL;
}
