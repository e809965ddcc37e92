/* kiln/discover.h: from command-line paths to a list of loaded fixtures.
 *
 * Owner: ring0 core. A path is a fixture file or a directory searched
 * recursively for *.json (sorted, so runs are reproducible). Every fixture
 * is loaded before any case runs, so a broken fixture stops the run at once
 * with its file:line:column instead of after minutes of booting.
 */
#ifndef KILN_DISCOVER_H
#define KILN_DISCOVER_H

#include <stddef.h>

#include "kiln/fixture.h"

struct fixture_list {
	struct fixture **items;
	size_t n;
};

/* Load every fixture under paths whose name matches filter (a glob, or NULL
 * for all). Returns 0, or -1 after printing each error to stderr. */
int discover_fixtures(char *const *paths, size_t n_paths, const char *filter,
		      struct fixture_list *out);
void discover_free(struct fixture_list *l);

#endif
