// stats.c: prints the kernel's statistics JSON as `STATS: {...}` (the
// fixture checks its shape) after checking a few values make sense and
// that a short buffer is refused.
#include "user.h"

// The number after "\"key\":" in json, or -1.
static long json_field(const char *json, const char *key)
{
	size_t klen = strlen(key);
	for (const char *p = json; *p; p++) {
		if (*p != '"' || strncmp(p + 1, key, klen) != 0 || p[klen + 1] != '"')
			continue;
		long v = 0;
		for (p += klen + 3; *p >= '0' && *p <= '9'; p++)
			v = v * 10 + (*p - '0');
		return v;
	}
	return -1;
}

int main(void)
{
	char json[512], tiny[4];
	long ep = ipc_create();
	if (ipc_send(ep, "x", 1) != 0 || ipc_recv(ep, tiny, sizeof(tiny)) != 1)
		fail("stats ipc");
	if (stats(tiny, sizeof(tiny)) != ERR_NOSPACE)
		fail("stats short buffer");
	long n = stats(json, sizeof(json) - 1);
	if (n <= 0)
		fail("stats");
	json[n] = '\0';
	if (json_field(json, "pages_free") <= 0 || json_field(json, "procs") < 1 ||
	    json_field(json, "threads") < 1 || json_field(json, "ipc_sent") < 1)
		fail("stats values");
	printf("STATS: %s\n", json);
	return 0;
}
