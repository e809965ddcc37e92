/* report_cli.c: `kiln report RUN_DIR`, the reports of an old run rendered
 * again by this Kiln. See kiln/report/report_cli.h.
 *
 * Only what is derived is written (junit.xml, report.tap, report.html);
 * report.json and the case files are the run's facts and stay as they are.
 */
#include <stdio.h>
#include <string.h>

#include "kiln/lib/outcome.h"
#include "kiln/lib/util.h"
#include "kiln/report/report_cli.h"
#include "kiln/report/run_dir.h"
#include "kiln/report/run_report.h"

int report_main(int argc, char **argv)
{
	struct run_dir rd;
	int rc;

	if (argc != 2 || argv[1][0] == '-') {
		util_err("usage: kiln report RUN_DIR");
		return KILN_EXIT_USAGE;
	}
	if (run_dir_load(argv[1], &rd) < 0)
		return KILN_EXIT_USAGE;
	/* a --baseline run keeps its comparison in report.json */
	rc = run_report_render(rd.path, rd.report, rd.records, true,
			       json_object_get(rd.report, "baseline"));
	if (rc == 0)
		util_note("wrote %s/report.html, junit.xml and report.tap", rd.path);
	run_dir_free(&rd);
	return rc == 0 ? 0 : outcome_exit_code(OUTCOME_HARNESS_ERROR);
}
