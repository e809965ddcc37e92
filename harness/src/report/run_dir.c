/* run_dir.c: reading a finished run back. See kiln/report/run_dir.h. */
#include "kiln/report/run_dir.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kiln/lib/util.h"

static json_t *run_dir_load_json(const char *path, const char *schema)
{
	json_error_t err;
	json_t *j = json_load_file(path, 0, &err);
	const char *s;

	if (!j) {
		if (err.line < 0)
			util_err("%s: cannot read: %s", path, strerror(errno));
		else
			util_err("%s:%d:%d: %s", path, err.line, err.column, err.text);
		return NULL;
	}
	s = json_string_value(json_object_get(j, "schema"));
	if (!s || strcmp(s, schema) != 0) {
		util_err("%s: not a kiln file of schema %s (\"schema\" is %s)", path, schema,
			 s ? s : "missing");
		json_decref(j);
		return NULL;
	}
	return j;
}

static bool run_dir_is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && !S_ISDIR(st.st_mode);
}

/* The run directory of path: path itself, or the folder of its report. */
static char *run_dir_root(const char *path)
{
	return run_dir_is_file(path) ? util_dirname(path) : util_strdup(path);
}

/* The report of path: path itself when a file, else path/report.json. */
static char *run_dir_report_path(const char *path)
{
	return run_dir_is_file(path) ? util_strdup(path)
				     : util_strdup_printf("%s/report.json", path);
}

static int run_dir_load_records(struct run_dir *rd)
{
	json_t *cases = json_object_get(rd->report, "cases"), *c;
	size_t i;

	if (!json_is_array(cases)) {
		util_err("%s/report.json: \"cases\" is not an array", rd->path);
		return -1;
	}
	json_array_foreach (cases, i, c) {
		json_t *attempts = json_object_get(c, "attempts"), *a;
		size_t k;
		json_array_foreach (attempts, k, a) {
			const char *dir = json_string_value(json_object_get(a, "dir"));
			if (!dir || !*dir || dir[0] == '/' || strstr(dir, "..")) {
				util_err(
					"%s/report.json: case %zu attempt %zu has no usable \"dir\"",
					rd->path, i + 1, k + 1);
				return -1;
			}
			char *p = util_strdup_printf("%s/%s/case.json", rd->path, dir);
			json_t *rec = run_dir_load_json(p, "kiln.case/1");
			free(p);
			if (!rec)
				return -1;
			json_object_set_new(rec, "dir", json_string(dir));
			json_array_append_new(rd->records, rec);
		}
	}
	return 0;
}

int run_dir_load(const char *path, struct run_dir *out)
{
	*out = (struct run_dir){.path = run_dir_root(path), .records = json_array()};
	char *report = run_dir_report_path(path);

	out->report = run_dir_load_json(report, "kiln.report/1");
	free(report);
	if (!out->report || run_dir_load_records(out) < 0) {
		run_dir_free(out);
		return -1;
	}
	return 0;
}

json_t *run_dir_load_report(const char *path)
{
	char *report = run_dir_report_path(path);
	json_t *j = run_dir_load_json(report, "kiln.report/1");

	free(report);
	return j;
}

void run_dir_free(struct run_dir *rd)
{
	free(rd->path);
	json_decref(rd->report);
	json_decref(rd->records);
	*rd = (struct run_dir){0};
}

long long run_dir_marker_ms(const json_t *record, const char *pattern)
{
	json_t *m;
	size_t i;

	json_array_foreach (json_object_get(record, "markers"), i, m) {
		const char *p = json_string_value(json_object_get(m, "pattern"));
		if (p && !strcmp(p, pattern))
			return json_integer_value(json_object_get(m, "t_ms"));
	}
	return -1;
}
