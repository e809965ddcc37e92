/* replay_console.c: does a replay print what the run printed? See
 * kiln/replay.h. A prefix comparison: the run's console.log ends where the
 * case stopped its guest, so the replay must print all of it, and may
 * print more. */
#include "kiln/replay.h"

#include <string.h>

int replay_console_compare(const char *want, size_t want_len, const char *got, size_t got_len,
			   struct replay_console_cmp *cmp)
{
	size_t n = want_len < got_len ? want_len : got_len, i = 0;

	while (i < n && want[i] == got[i])
		i++;
	cmp->offset = i;
	cmp->line = 1;
	for (size_t k = 0; k < i; k++)
		cmp->line += want[k] == '\n';
	if (i < n)
		return -1;
	return got_len >= want_len ? 1 : 0;
}
