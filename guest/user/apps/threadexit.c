// threadexit.c: a second thread exits, then the first exits at once, so the
// process's last thread tears it down while the other exiting thread still
// waits to run again (scenario thread_exit_race, which makes every exiting
// thread but the last yield on its way out). Prints `THREADEXIT: ok` just
// before main returns.
#include "user.h"

static volatile int worker_done;

static void worker(void *arg)
{
	(void)arg;
	worker_done = 1;
}

int main(long arg)
{
	(void)arg;
	if (thread_create(worker, NULL, 8192) <= 0)
		fail("thread_create");
	for (int i = 0; i < 1000 && !worker_done; i++)
		yield();
	if (!worker_done)
		fail("worker ran");
	printf("THREADEXIT: ok\n");
	return 0;
}
