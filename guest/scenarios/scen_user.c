// scen_user.c: user-mode scenarios. Each starts one or more of the embedded
// user programs (guest/user/apps) as processes and waits for them to end;
// the markers come from the programs themselves (and from the kernel when
// it kills one). Returning means the kernel is still in charge.
#include "types.h"
#include "defs.h"
#include "scenario.h"

// Start each program (arg 0) and wait for all of them to exit.
static void run_programs(const char *const *names, int n)
{
	int pids[8];
	for (int i = 0; i < n; i++)
		if ((pids[i] = proc_spawn(names[i], 0)) < 0)
			panic(PANIC_SCENARIO, "spawn %s: error %d", names[i], pids[i]);
	for (int i = 0; i < n; i++)
		proc_wait(pids[i], 0);
}

// Start one program with arg and wait for it.
static void run_program(const char *name, uint64 arg)
{
	int pid = proc_spawn(name, arg);
	if (pid < 0)
		panic(PANIC_SCENARIO, "spawn %s: error %d", name, pid);
	proc_wait(pid, 0);
}

// user_hello: `USER: hello` from ring 3.
void scen_user_hello(void)
{
	run_program("hello", 0);
}

// syscall: every ABI v0 call round-trips; `SYSCALL: ok`.
void scen_syscall(void)
{
	run_program("syscall", 0);
}

// thread_exit_race: a thread preempted on its way out after another
// thread of its process tore the process down must still end cleanly
// (`THREADEXIT: ok`, then `USER: no pages leaked`). The hook makes the
// preemption that a timer tick makes only now and then.
void scen_thread_exit_race(void)
{
	uint64 free_before, free_after, total;
	kalloc_stats(&free_before, &total);
	proc_exit_preempt = true;
	run_program("threadexit", 0);
	proc_exit_preempt = false;
	kalloc_stats(&free_after, &total);
	if (free_after != free_before)
		panic(PANIC_SCENARIO, "thread_exit_race: %lu pages leaked",
		      free_before - free_after);
	kprintf("USER: no pages leaked\n");
}

#define FAULT_KINDS 4 // see guest/user/apps/fault.c

// user_fault: four programs fault in four ways and are killed, each with
// a `USER: killed` marker; then a fresh program still runs (`USER: hello`)
// and every frame the five processes used is back on the free list.
void scen_user_fault(void)
{
	uint64 free_before, free_after, total;
	kalloc_stats(&free_before, &total);
	for (uint64 how = 0; how < FAULT_KINDS; how++)
		run_program("fault", how);
	run_program("hello", 0);
	kalloc_stats(&free_after, &total);
	if (free_after != free_before)
		panic(PANIC_SCENARIO, "user_fault: %lu pages leaked", free_before - free_after);
	kprintf("USER: no pages leaked\n");
}

// ping_pong: two processes exchange messages: `PONG: ok`, `PING: ok`.
void scen_ping_pong(void)
{
	static const char *const names[] = {"pong", "ping"};
	run_programs(names, 2);
}

// shm: bulk data through a shared memory object: `SHM: checksum ok`.
void scen_shm(void)
{
	static const char *const names[] = {"shmread", "shmwrite"};
	run_programs(names, 2);
}

// hostile: bad syscall arguments, one `HOSTILE:` marker each.
void scen_hostile(void)
{
	run_program("hostile", 0);
}

// hostile_io: bad arguments to the block, spawn, wait, handle, console and
// filesystem calls, with the test image attached.
void scen_hostile_io(void)
{
	run_program("hostile_io", 0);
}

// stats: the statistics call's JSON, `STATS: {...}`.
void scen_stats(void)
{
	run_program("stats", 0);
}
