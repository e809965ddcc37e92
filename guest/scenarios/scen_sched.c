// scen_sched.c: timer, thread and lock scenarios. The worker threads here
// never yield: only timer preemption lets another thread run, so each
// scenario also proves that preemption works.
#include "types.h"
#include "x86.h"
#include "defs.h"
#include "spinlock.h"
#include "scenario.h"

// ticks: sleep on the timer until it has ticked 100 times (1 s at 100 Hz).
void scen_ticks(void)
{
	while (timer_ticks() < 100)
		timer_sleep(1);
	kprintf("TICK: 100\n");
}

#define ROUNDS 5

static volatile char turn; // whose marker is next: 'A' or 'B'
static volatile int finished;

// Print this thread's marker ROUNDS times, each time busy-waiting for the
// other thread's turn to pass. No yield: the wait ends only if the timer
// preempts us and the other thread runs.
static void marker_thread(void *arg)
{
	char self = (char)(uintptr)arg, other = self == 'A' ? 'B' : 'A';
	for (int i = 1; i <= ROUNDS; i++) {
		while (turn != self)
			__asm__ volatile("pause");
		kprintf("THREAD: %c %d\n", self, i);
		turn = other;
	}
	__atomic_fetch_add(&finished, 1, __ATOMIC_SEQ_CST);
}

// Start two workers of id (as the thread argument each) and wait for both.
static void run_pair(void (*fn)(void *), void *a, void *b)
{
	finished = 0;
	if (!thread_create("worker-a", fn, a) || !thread_create("worker-b", fn, b))
		panic(PANIC_SCENARIO, "run_pair: no thread");
	while (finished < 2)
		timer_sleep(1);
}

// two_threads: A and B print strictly alternating markers A1 B1 A2 ...
void scen_two_threads(void)
{
	turn = 'A';
	run_pair(marker_thread, (void *)(uintptr)'A', (void *)(uintptr)'B');
	kprintf("THREAD: done\n");
}

#define LOCK_ITERS 300
#define LOCK_BURSTS 3 // each worker must be preempted mid-run this often

static struct spinlock counter_lock = SPINLOCK_INIT("counter");
static uint64 counter; // guarded by counter_lock
static int last_owner; // guarded by counter_lock
static uint64 done_by[2];

// Increment counter with a slow read-modify-write under counter_lock until
// this worker has done LOCK_ITERS and has seen the other worker take the
// lock in between LOCK_BURSTS times (so preemption hit it mid-run).
// Between rounds it reads the tick count, which takes the lock the timer
// interrupt also takes: if acquire left interrupts on, that would deadlock.
static void counter_thread(void *arg)
{
	int self = (int)(uintptr)arg, bursts = 0;
	while (done_by[self] < LOCK_ITERS || bursts < LOCK_BURSTS) {
		acquire(&counter_lock);
		if (intr_enabled())
			panic(PANIC_LOCK, "lock: interrupts on while held");
		bursts += last_owner != self;
		last_owner = self;
		uint64 v = counter;
		for (volatile int k = 0; k < 200; k++)
			;
		counter = v + 1;
		done_by[self]++;
		release(&counter_lock);
		(void)timer_ticks();
	}
	__atomic_fetch_add(&finished, 1, __ATOMIC_SEQ_CST);
}

// lock: two preempted workers lose no increment, and interrupts are off
// whenever the lock is held.
void scen_lock(void)
{
	last_owner = -1;
	run_pair(counter_thread, (void *)0, (void *)1);
	if (counter != done_by[0] + done_by[1])
		panic(PANIC_SCENARIO, "lock: counter %lu != %lu + %lu", counter, done_by[0],
		      done_by[1]);
	kprintf("LOCK: counter ok\n");
}
