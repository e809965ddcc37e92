/* compare_cli.c: `kiln compare [--alpha P] [--threshold F] [--min-ms N]
 * BASE_RUN NEW_RUN`. See kiln/report/compare.h.
 *
 * Text by default, the kiln.compare/1 object alone on stdout with
 * JSON_ONLY=1. Exit 0: no regressions; 1: new failures or slower markers;
 * 2: bad arguments or a run that cannot be read.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "kiln/lib/outcome.h"
#include "kiln/lib/util.h"
#include "kiln/report/compare.h"
#include "kiln/report/report_cli.h"

static int compare_parse_fraction(const char *s, double max, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || !(v > 0) || v > max)
		return -1;
	*out = v;
	return 0;
}

int compare_main(int argc, char **argv)
{
	static const struct option longopts[] = {{"alpha", required_argument, NULL, 'a'},
						 {"threshold", required_argument, NULL, 't'},
						 {"min-ms", required_argument, NULL, 'm'},
						 {NULL, 0, NULL, 0}};
	struct compare_opts o = COMPARE_OPTS_DEFAULT;
	struct run_dir base, nw;
	bool bad = false;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == 'a')
			bad |= compare_parse_fraction(optarg, 0.5, &o.alpha) < 0;
		else if (c == 't')
			bad |= compare_parse_fraction(optarg, 100, &o.threshold) < 0;
		else if (c == 'm')
			bad |= compare_parse_fraction(optarg, 1e9, &o.min_ms) < 0;
		else
			bad = true;
	}
	if (bad || argc - optind != 2) {
		util_err("usage: kiln compare [--alpha P (0-0.5]] [--threshold FRACTION] "
			 "[--min-ms MS] BASE_RUN NEW_RUN");
		return KILN_EXIT_USAGE;
	}
	if (run_dir_load(argv[optind], &base) < 0)
		return KILN_EXIT_USAGE;
	if (run_dir_load(argv[optind + 1], &nw) < 0) {
		run_dir_free(&base);
		return KILN_EXIT_USAGE;
	}
	json_t *cmp = compare_runs(&base, &nw, &o);
	char *text = util_json_only() ? json_dumps(cmp, JSON_INDENT(2)) : compare_text(cmp);
	fputs(text, stdout);
	if (util_json_only())
		fputc('\n', stdout);
	rc = json_integer_value(json_object_get(cmp, "regressions")) ? COMPARE_EXIT_REGRESSED
								     : COMPARE_EXIT_SAME;
	free(text);
	json_decref(cmp);
	run_dir_free(&base);
	run_dir_free(&nw);
	return rc;
}
