// syscall.c: a round trip through every ABI v0 call with valid arguments;
// prints `SYSCALL: ok` when each returned what the ABI promises, or
// `USER: fail <call>` at the first that did not.
#include "user.h"

static volatile int thread_ran;

static void worker(void *arg)
{
	thread_ran = (int)(long)arg;
}

// thread_spawn (via thread_create) and yield: the new thread runs.
static void check_threads(void)
{
	if (yield() != 0)
		fail("yield");
	long tid = thread_create(worker, (void *)42, 8192);
	if (tid <= 0) {
		printf("syscall: thread_create returned %ld\n", tid);
		fail("thread_spawn");
	}
	for (int i = 0; i < 1000 && thread_ran != 42; i++)
		yield();
	if (thread_ran != 42)
		fail("thread_spawn ran");
}

// vm_map gives zeroed writable memory; vm_unmap takes it back.
static void check_vm(void)
{
	long a = vm_map(0, 8192, VM_WRITE);
	if (a < 0 || ((volatile char *)a)[4097] != 0)
		fail("vm_map");
	((volatile char *)a)[4097] = 'x';
	if (vm_unmap((void *)a, 8192) != 0)
		fail("vm_unmap");
}

// A message to ourselves and a shared page we can write.
static void check_ipc_shm(void)
{
	char buf[8];
	long ep = ipc_create(), shm = shm_create(4096);
	if (ep < 0 || ipc_send(ep, "abc", 3) != 0)
		fail("ipc_send");
	if (ipc_recv(ep, buf, sizeof(buf)) != 3 || memcmp(buf, "abc", 3) != 0)
		fail("ipc_recv");
	long a = shm < 0 ? shm : shm_map(shm, 0, VM_WRITE);
	if (a < 0)
		fail("shm_map");
	((volatile char *)a)[0] = 1;
}

int main(void)
{
	long t0 = time_now();
	if (debug_write("syscall: start\n", 15) != 15)
		fail("debug_write");
	if (getpid() <= 0 || t0 < 0)
		fail("getpid/time_now");
	check_threads();
	check_vm();
	check_ipc_shm();
	char json[256];
	if (stats(json, sizeof(json)) <= 0)
		fail("stats");
	if (time_now() < t0)
		fail("time_now monotonic");
	printf("SYSCALL: ok\n");
	return 0;
}
