/* kiln/engine/replay_recipe.h: the replay recipe in every case.json, and checking
 * a recipe against the files as they are now.
 *
 * Owner: ring0 core (reports); `kiln replay` reads what this writes. A
 * recipe says how to boot the same guest again: the exact QEMU argv, its
 * guest-and-machine part alone (what replay reuses), the environment that
 * chose QEMU, the working directory the relative paths are against, the
 * fixture (with a copy of its text in the case directory), the sha256 of
 * every guest input, the symbol ELF and panic symbol, and the record/replay
 * bundle when the case was recorded. The schema is in docs/replay.md.
 */
#ifndef KILN_REPLAY_RECIPE_H
#define KILN_REPLAY_RECIPE_H

#include <jansson.h>

#include "kiln/backend/backend.h"
#include "kiln/fixture/fixture.h"

#define REPLAY_RECIPE_SCHEMA "kiln.replay/1"
#define REPLAY_FIXTURE_COPY "fixture.json" /* in the case directory */

/* The record/replay bundle that a recorded case leaves (kiln/replay/
 * replay_record.h makes it; the recipe names it). */
#define REPLAY_RR_LOG "rr-log.bin"		 /* in the case directory */
#define REPLAY_RR_SNAPSHOTS "rr-snapshots.qcow2" /* in the case directory */
#define REPLAY_RR_SNAPSHOT "init"		 /* taken when the machine starts */

/* The sha256 of a file's bytes as 64 lowercase hex digits and a NUL.
 * Returns 0, or -1 with errno set. */
int replay_sha256_file(const char *path, char hex[65]);

/* The recipe of a case (new reference). vm is NULL when QEMU never started;
 * accel is the accelerator resolved for the case. Writes the copy of the
 * fixture's text into case_dir as a side effect (best effort: the recipe
 * says whether it is there). */
json_t *replay_recipe_build(const struct fixture *f, const struct vm *vm, const char *case_dir,
			    const char *accel);

/* Hash the inputs of f that its case will not change (everything but its
 * writable disks) into the hash memo (kiln/engine/hash_memo.h), so that a
 * worker forked after this finds them there. The runner calls it before
 * each fork; a file it cannot read is left for the case to report. */
void replay_recipe_warm(const struct fixture *f);

/* Compare each input of recipe (borrowed) with the file now at its path
 * (relative paths against the current directory; the record bundle's
 * against case_dir). Returns a new array of one-line descriptions of the
 * inputs that changed or are missing (empty: none). */
json_t *replay_recipe_check(const json_t *recipe, const char *case_dir);

#endif
