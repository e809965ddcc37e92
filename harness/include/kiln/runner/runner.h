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

struct vm_ops;

/* `kiln run [options] PATH...` (argv borrowed, getopt-style: argv[0] is
 * "run"). Runs the cases and writes the run's reports. Returns the exit
 * code (docs/reports.md): 0 all passed, the worst case's outcome code,
 * KILN_EXIT_USAGE, KILN_EXIT_BACKEND or KILN_EXIT_INTERRUPTED. */
int runner_main(int argc, char **argv);

/* runner_main() with the backend given instead of chosen: every case runs
 * through ops (borrowed; it must outlive the call) on one connection, and
 * no provider tag is printed; --backend and --connect are bad arguments
 * (KILN_EXIT_USAGE). NULL ops: runner_main() itself. For the unit tests,
 * which give it a scripted guest (harness/tests/unit/fake_backend.h). */
int runner_main_with_ops(int argc, char **argv, const struct vm_ops *ops);

#endif
