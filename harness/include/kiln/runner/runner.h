/* kiln/runner/runner.h: `kiln run`, many cases in parallel, one report.
 *
 * Owner: ring0 core. Each case runs in its own worker process (forked, in
 * the spirit of kselftest: a crash or a hang in one case cannot take the
 * run with it). The runner keeps at most `jobs` workers, puts a hard
 * wall-clock bound on each, forwards SIGINT/SIGTERM to them, and writes the
 * run's reports on every path, Ctrl-C included.
 */
#ifndef KILN_RUNNER_H
#define KILN_RUNNER_H

/* `kiln run [options] PATH...` (argv borrowed, getopt-style: argv[0] is
 * "run"). Runs the cases and writes the run's reports. Returns the exit
 * code (docs/reports.md): 0 all passed, the worst case's outcome code,
 * KILN_EXIT_USAGE, KILN_EXIT_BACKEND or KILN_EXIT_INTERRUPTED. */
int runner_main(int argc, char **argv);

#endif
