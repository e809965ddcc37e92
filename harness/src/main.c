/* main.c: kiln's entry point, a table of subcommands.
 *
 * Owner: ring0 core. Each subcommand lives in its own module and is added
 * here with one line; `kiln help` lists this table.
 */
#include <stdio.h>
#include <string.h>

#include "kiln/diag/diag.h"
#include "kiln/fixture/known.h"
#include "kiln/fixture/validate.h"
#include "kiln/lib/outcome.h"
#include "kiln/replay/replay.h"
#include "kiln/report/report_cli.h"
#include "kiln/runner/runner.h"

struct command {
	const char *name;
	int (*main)(int argc, char **argv);
	const char *summary;
};

static int help_main(int argc, char **argv);

static const struct command commands[] = {
	{"run", runner_main, "boot fixtures and judge them: kiln run [-j N] FIXTURE|DIR..."},
	{"validate", validate_main, "load fixtures strictly, boot nothing"},
	{"diag", diag_main, "linker, QEMU and console logs as SMOKES_* lines: kiln diag [FILE...]"},
	{"replay", replay_main, "a failing case again, under gdb: kiln replay CASE_DIR [--gdb]"},
	{"report", report_main, "report.html, junit.xml and report.tap again: kiln report RUN_DIR"},
	{"compare", compare_main, "what changed between two runs: kiln compare BASE_RUN NEW_RUN"},
	{"merge", merge_main, "one run from several shards: kiln merge -o OUT_DIR RUN_DIR..."},
	{"known", known_main, "check known-issues files, expired entries: kiln known FILE..."},
	{"help", help_main, "this list"},
};

static int help_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("usage: kiln COMMAND [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		printf("  %-10s %s\n", commands[i].name, commands[i].summary);
	printf("\nExit codes and reports: docs/reports.md. Fixtures: docs/fixtures.md.\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		help_main(0, NULL);
		return KILN_EXIT_USAGE;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].main(argc - 1, argv + 1);
	fprintf(stderr, "kiln: unknown command '%s' (try: kiln help)\n", argv[1]);
	return KILN_EXIT_USAGE;
}
