/* discover.c: find and load fixtures. See kiln/discover.h. */
#include "kiln/discover.h"

#include <dirent.h>
#include <jansson.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kiln/util.h"

struct path_list {
	char **v;
	size_t n, cap;
};

static void path_add(struct path_list *l, char *owned)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 32;
		l->v = realloc(l->v, l->cap * sizeof(char *));
		if (!l->v)
			abort();
	}
	l->v[l->n++] = owned;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_json(const char *name)
{
	size_t n = strlen(name);

	return n > 5 && strcmp(name + n - 5, ".json") == 0;
}

static int walk(const char *dir, struct path_list *out)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct path_list here = {0};

	if (!d) {
		util_err("%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		path_add(&here, util_path_join(dir, e->d_name));
	}
	closedir(d);
	if (here.n > 1)
		qsort(here.v, here.n, sizeof(char *), cmp_str);
	for (size_t i = 0; i < here.n; i++) {
		struct stat st;
		if (stat(here.v[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			walk(here.v[i], out);
			free(here.v[i]);
		} else if (is_json(here.v[i])) {
			path_add(out, here.v[i]);
		} else {
			free(here.v[i]);
		}
	}
	free(here.v);
	return 0;
}

int discover_fixtures(char *const *paths, size_t n_paths, const char *filter,
		      struct fixture_list *out)
{
	struct path_list files = {0};
	int rc = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < n_paths; i++) {
		struct stat st;
		if (stat(paths[i], &st) < 0) {
			util_err("%s: %s", paths[i], strerror(errno));
			rc = -1;
		} else if (S_ISDIR(st.st_mode)) {
			size_t len = strlen(paths[i]);
			char *dir = strndup(paths[i],
					    len > 1 && paths[i][len - 1] == '/' ? len - 1 : len);
			if (walk(dir, &files) < 0)
				rc = -1;
			free(dir);
		} else {
			path_add(&files, util_strdup(paths[i]));
		}
	}
	out->items = calloc(files.n + 1, sizeof(struct fixture *));
	if (!out->items)
		abort();
	/* Case name -> the fixture that took it: names must be unique in a run. */
	json_t *names = json_object();
	for (size_t i = 0; i < files.n; i++) {
		char err[1024];
		struct fixture *f = fixture_load(files.v[i], err, sizeof(err));
		const char *prev;
		if (!f) {
			dprintf(2, "%s\n", err);
			rc = -1;
		} else if (filter && fnmatch(filter, f->name, 0) != 0) {
			fixture_free(f);
		} else if ((prev = json_string_value(json_object_get(names, f->name)))) {
			util_err("%s and %s both name the case '%s'", prev, f->path, f->name);
			fixture_free(f);
			rc = -1;
		} else {
			json_object_set_new(names, f->name, json_string(f->path));
			out->items[out->n++] = f;
		}
		free(files.v[i]);
	}
	json_decref(names);
	free(files.v);
	return rc;
}

void discover_free(struct fixture_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		fixture_free(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->n = 0;
}
