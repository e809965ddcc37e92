/* kiln/report/report_cli.h: the commands that work on finished runs.
 *
 * Owner: report. Each takes argv as main() does with argv[0] its own name,
 * and returns kiln's exit code (docs/reports.md):
 *   kiln report RUN_DIR          junit.xml, report.tap and report.html again
 *                                from report.json and the case files;
 *   kiln compare BASE_RUN NEW_RUN   what changed (kiln/report/compare.h);
 *   kiln merge [--reports DIR] RUN_DIR...   one run from several shards.
 */
#ifndef KILN_REPORT_CLI_H
#define KILN_REPORT_CLI_H

int report_main(int argc, char **argv);
int compare_main(int argc, char **argv);
int merge_main(int argc, char **argv);

#endif
