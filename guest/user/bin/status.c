// status.c: /bin/status N: exits with code N (0-255, default 1), for the
// shell's exit-code report.
#include "user.h"

int main(const char *args)
{
	int code = 0;
	if (args[0] == '\0')
		code = 1;
	for (const char *s = args; *s >= '0' && *s <= '9'; s++)
		code = code * 10 + (*s - '0');
	printf("status: exiting with %d\n", code & 0xff);
	return code;
}
