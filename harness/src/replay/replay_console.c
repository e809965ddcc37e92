/* replay_console.c: does a replay print what the run printed? See
 * kiln/replay.h. A prefix comparison: the run's console.log ends where the
 * case stopped its guest, so the replay must print all of it, and may
 * print more. */
#include "kiln/replay/replay.h"

int replay_console_compare(const char *want, size_t want_len, const char *got, size_t got_len,
			   struct replay_console_cmp *cmp)
{
	size_t n = want_len < got_len ? want_len : got_len, i = cmp->offset;

	/* From where the last call stopped: a flooding guest costs linear
	 * time, not quadratic. */
	for (; i < n && want[i] == got[i]; i++)
		cmp->line += want[i] == '\n';
	cmp->offset = i;
	if (i < n)
		return -1;
	return got_len >= want_len ? 1 : 0;
}
