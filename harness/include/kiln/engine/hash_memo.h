/* kiln/engine/hash_memo.h: the sha256 of a guest input, remembered for the
 * life of the process.
 *
 * Owner: engine (the replay recipe, kiln/engine/replay_recipe.h). Every
 * case's recipe hashes its kernel, symbols, modules and read-only disks,
 * the same few MB for every case of a run. So the runner warms the memo
 * (replay_recipe_warm) before it forks each worker, and the worker, a copy
 * of the runner, finds the hashes there; libkiln's callers, one process,
 * find them too. An entry is used only while stat(2) still gives the
 * device, inode, size, mtime and ctime it was made with, so a file changed
 * during the run is hashed again. File times are only as fine as the
 * kernel's clock tick, so an edit in place that keeps the size, within the
 * tick the file was hashed in, would not be seen; a build replaces its
 * outputs (a new inode), which is. Safe to call from several threads.
 */
#ifndef KILN_HASH_MEMO_H
#define KILN_HASH_MEMO_H

/* The sha256 of path's bytes as 64 lowercase hex digits and a NUL, from
 * the memo when the file is unchanged. Returns 0, or -1 with errno set. */
int hash_memo_sha256(const char *path, char hex[65]);

/* How many files this process has hashed in full (not from the memo): for
 * the tests, which check that the memo is used and that a change is not
 * missed. */
unsigned hash_memo_computed(void);

#endif
