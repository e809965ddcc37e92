/* hash_memo.c: the sha256 memo of guest inputs. See kiln/engine/hash_memo.h.
 *
 * A fixed table: a run has a handful of distinct inputs (one kernel, its
 * symbols, a few disks and modules), and when the table is full a file is
 * simply hashed every time, as it was before the memo.
 */
#include "kiln/engine/hash_memo.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kiln/engine/replay_recipe.h"
#include "kiln/lib/util.h"

#define HASH_MEMO_MAX 32

struct hash_memo_entry {
	char *path;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
	char hex[65];
};

static pthread_mutex_t memo_lock = PTHREAD_MUTEX_INITIALIZER;
static struct hash_memo_entry memo[HASH_MEMO_MAX];
static size_t n_memo;
static unsigned n_computed;

static bool same_time(struct timespec a, struct timespec b)
{
	return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

static bool entry_matches(const struct hash_memo_entry *e, const char *path, const struct stat *st)
{
	return strcmp(e->path, path) == 0 && e->dev == st->st_dev && e->ino == st->st_ino &&
	       e->size == st->st_size && same_time(e->mtime, st->st_mtim) &&
	       same_time(e->ctime, st->st_ctim);
}

/* The entry for path, the stale one to refresh, or a free one; NULL when
 * the table is full of other files. Called with memo_lock held. */
static struct hash_memo_entry *entry_slot(const char *path)
{
	for (size_t i = 0; i < n_memo; i++)
		if (strcmp(memo[i].path, path) == 0)
			return &memo[i];
	if (n_memo == HASH_MEMO_MAX)
		return NULL;
	memo[n_memo].path = util_strdup(path);
	return &memo[n_memo++];
}

int hash_memo_sha256(const char *path, char hex[65])
{
	struct stat st;
	struct hash_memo_entry *e;

	if (stat(path, &st) < 0)
		return -1;
	pthread_mutex_lock(&memo_lock);
	for (size_t i = 0; i < n_memo; i++)
		if (entry_matches(&memo[i], path, &st)) {
			memcpy(hex, memo[i].hex, 65);
			pthread_mutex_unlock(&memo_lock);
			return 0;
		}
	pthread_mutex_unlock(&memo_lock);
	/* Hashed outside the lock: two threads may both hash a new file, and
	 * the second store wins with the same digest. */
	if (replay_sha256_file(path, hex) < 0)
		return -1;
	pthread_mutex_lock(&memo_lock);
	n_computed++;
	if ((e = entry_slot(path))) {
		e->dev = st.st_dev;
		e->ino = st.st_ino;
		e->size = st.st_size;
		e->mtime = st.st_mtim;
		e->ctime = st.st_ctim;
		memcpy(e->hex, hex, 65);
	}
	pthread_mutex_unlock(&memo_lock);
	return 0;
}

unsigned hash_memo_computed(void)
{
	pthread_mutex_lock(&memo_lock);
	unsigned n = n_computed;
	pthread_mutex_unlock(&memo_lock);
	return n;
}
