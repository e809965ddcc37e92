/* kiln/replay/replay_record.h: QEMU record/replay for `kiln run --record`,
 * `record: true` fixtures and `kiln run --record-failures`.
 *
 * Owner: ring0 core. A recorded case runs under `-icount shift=auto,
 * rr=record` with its log and a qcow2 for the snapshots kept in the case
 * directory (the bundle); `kiln replay` boots the same arguments with
 * rr=replay, so gdb sees the exact execution that failed and can run it
 * backwards. Record/replay needs TCG (icount), and reverse execution needs
 * machine pc or q35: on microvm QEMU 7.2 has hung in reverse-continue.
 * docs/replay.md says what else it costs.
 */
#ifndef KILN_REPLAY_RECORD_H
#define KILN_REPLAY_RECORD_H

#include <jansson.h>
#include <stdbool.h>

#include "kiln/engine/case_run.h"
#include "kiln/engine/replay_recipe.h"
#include "kiln/fixture/discover.h"
#include "kiln/fixture/fixture.h"

#define REPLAY_RECORD_DIR "record" /* --record-failures: the re-run's case dir */

enum replay_rr_mode { REPLAY_RR_RECORD, REPLAY_RR_REPLAY };

/* How kiln run records: every case, or the failing ones again. */
enum {
	REPLAY_RECORD_ALL = 1u << 0,
	REPLAY_RECORD_FAILURES = 1u << 1,
};

/* The QEMU arguments of one side of record/replay (new NULL-terminated
 * vector, free with qemu_argv_free()). Both sides come from here, so a
 * replay always matches its recording. */
char **replay_record_args(enum replay_rr_mode mode, const char *log_path,
			  const char *snapshots_path);

/* Why f cannot be recorded (a static string), or NULL when it can. *warning
 * gets what recording cannot give on its machine (reverse execution on
 * microvm), or NULL. */
const char *replay_record_refusal(const struct fixture *f, const char **warning);

/* Before a run: every case that will be recorded (all with
 * REPLAY_RECORD_ALL, else those with `record: true`) can be. Prints each
 * refusal and warning; returns 0, or -1 when a case cannot be recorded. */
int replay_record_check_run(const struct fixture_list *l, unsigned flags);

/* Create an empty qcow2 for the snapshots with qemu-img ($KILN_QEMU_IMG or
 * qemu-img from PATH), bounded in time. 0, or -1 with why filled. */
int replay_record_make_snapshots(const char *path, char *why, size_t why_len);

/* Whether f is run in record mode: every case under REPLAY_RECORD_ALL,
 * else the fixtures with `record: true`. */
bool replay_record_wanted(const struct fixture *f, unsigned flags);

/* Run f in record mode, its bundle kept in case_dir. When the recording
 * cannot be set up (no qemu-img, another backend), the case runs plainly
 * and its case.json says why in "record_error". Returns the verdict. */
enum outcome replay_record_case(const struct fixture *f, const char *case_dir,
				const struct case_opts *opts);

/* --record-failures, after a plain run of f failed with record (its
 * case.json object, borrowed): run it once more in record mode in
 * case_dir/record and add "record_failures" to record, which says whether
 * the failure came back. The bundle is kept only when it did. */
void replay_record_failure_again(const struct fixture *f, const char *case_dir,
				 const struct case_opts *opts, json_t *record);

/* One case as `kiln run`'s worker and libkiln run it, the one way: in
 * record mode when replay_record_wanted(), else plainly and, under
 * REPLAY_RECORD_FAILURES, once more in record mode after a failure (unless
 * opts->stop_fd is readable). Returns the verdict; *record, when record is
 * not NULL, gets the case.json object as written (new reference). */
enum outcome replay_run_case(const struct fixture *f, const char *case_dir,
			     const struct case_opts *opts, unsigned flags, json_t **record);

/* The wall-clock bound of such a case, in units of the fixture's timeout:
 * 2 when a failure may be run again. */
int replay_record_runs_per_case(unsigned flags);

#endif
