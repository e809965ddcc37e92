/* validate.c: `kiln validate`. See kiln/validate.h. */
#include "kiln/validate.h"

#include <stdio.h>

#include "kiln/discover.h"
#include "kiln/outcome.h"
#include "kiln/util.h"

int validate_main(int argc, char **argv)
{
	struct fixture_list l;

	if (argc < 2) {
		util_err("usage: kiln validate FIXTURE|DIR...");
		return KILN_EXIT_USAGE;
	}
	int rc = discover_fixtures(argv + 1, (size_t)(argc - 1), NULL, &l);
	if (rc == 0)
		printf("kiln: %zu fixtures valid\n", l.n);
	discover_free(&l);
	return rc == 0 ? 0 : KILN_EXIT_USAGE;
}
