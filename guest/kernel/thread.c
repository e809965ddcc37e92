// thread.c: kernel threads, the run queue, the scheduler and sleep/wakeup.
// A FIFO run queue gives round-robin order; the scheduler loop runs on the
// boot stack and switches to each runnable thread in turn (xv6's design).
// sched_lock guards every thread's state, the queue and the thread table,
// and is held across swtch in both directions.
#include "types.h"
#include "x86.h"
#include "defs.h"
#include "mmu.h"
#include "proc.h"
#include "spinlock.h"
#include "lx.h"

struct cpu cpu;

static struct spinlock sched_lock = SPINLOCK_INIT("sched");
static struct thread threads[NTHREAD];
static struct thread *runq_head, *runq_tail;
static int next_tid = 1;

// Each slot's lowest page is unmapped (vm_kernel_guard), so an overflow
// faults instead of corrupting the neighbour.
static uint8 kstacks[NTHREAD][KSTACK_SIZE] __attribute__((aligned(4096)));

void swtch(uint64 *old, uint64 new);

// Append t to the run queue. Caller holds sched_lock.
static void runq_push(struct thread *t)
{
	t->state = T_RUNNABLE;
	t->next = NULL;
	if (runq_tail)
		runq_tail->next = t;
	else
		runq_head = t;
	runq_tail = t;
}

// Take the first runnable thread, or NULL. Caller holds sched_lock.
static struct thread *runq_pop(void)
{
	struct thread *t = runq_head;
	if (t) {
		runq_head = t->next;
		if (runq_head == NULL)
			runq_tail = NULL;
	}
	return t;
}

// Install the guard pages. Runs once after vm_init.
void thread_init(void)
{
	for (int i = 0; i < NTHREAD; i++)
		vm_kernel_guard((uintptr)kstacks[i]);
}

// The name of the thread whose stack guard page holds addr, or NULL. For
// the double fault report; reads without sched_lock (the kernel is dying).
const char *thread_guard_owner(uint64 addr)
{
	uint64 base = (uintptr)kstacks;
	if (addr < base || addr >= base + sizeof(kstacks))
		return NULL;
	uint64 slot = (addr - base) / KSTACK_SIZE;
	if ((addr - base) % KSTACK_SIZE >= PGSIZE)
		return NULL;
	return threads[slot].name;
}

// First code of every new thread, entered by swtch's ret with sched_lock
// held (the scheduler took it): drop it, then run the body.
static void thread_start(void)
{
	struct thread *t = cpu.thread;
	release(&sched_lock);
	t->fn(t->arg);
	thread_exit();
}

// Find an unused slot and mark it runnable-to-be. Caller holds sched_lock.
static struct thread *thread_alloc(void)
{
	for (int i = 0; i < NTHREAD; i++) {
		struct thread *t = &threads[i];
		if (t->state != T_UNUSED)
			continue;
		memset(t, 0, sizeof(*t));
		t->tid = next_tid++;
		t->kstack = kstacks[i] + PGSIZE;
		return t;
	}
	return NULL;
}

// Top of t's kernel stack (16-byte aligned): the TSS rsp0 for user threads.
uint64 thread_kstack_top(struct thread *t)
{
	return (uintptr)t->kstack + KSTACK_SIZE - PGSIZE;
}

// Lay out t's stack below top so the first swtch to it "returns" into
// thread_start, with the stack aligned as if thread_start had been called.
static void thread_build_context(struct thread *t, uint64 *top)
{
	uint64 *sp = top;
	*--sp = 0; // fake return address of thread_start
	*--sp = (uintptr)thread_start;
	for (int i = 0; i < 6; i++)
		*--sp = 0; // rbp rbx r12-r15, as swtch pops them
	t->ctx = (uintptr)sp;
}

// Claim a slot for a thread of proc p (NULL: kernel thread) that will run
// fn(arg). Returns it with sched_lock held, or NULL (lock released).
static struct thread *thread_new(const char *name, struct proc *p, void (*fn)(void *), void *arg)
{
	acquire(&sched_lock);
	struct thread *t = thread_alloc();
	if (t == NULL) {
		release(&sched_lock);
		return NULL;
	}
	fmt_snprintf(t->name, sizeof(t->name), "%s", name);
	fpu_thread_init(t);
	t->proc = p;
	t->fn = fn;
	t->arg = arg;
	return t;
}

// Create a kernel thread running fn(arg) and queue it. Returns the thread,
// or NULL if the table is full. When fn returns the thread exits.
struct thread *thread_create(const char *name, void (*fn)(void *), void *arg)
{
	struct thread *t = thread_new(name, NULL, fn, arg);
	if (t) {
		thread_build_context(t, (uint64 *)thread_kstack_top(t));
		runq_push(t);
		release(&sched_lock);
	}
	return t;
}

// Body of a new user thread: drop into ring 3 through the trap frame
// thread_create_user built at the top of the kernel stack.
static void thread_enter_user(void *tf)
{
	__asm__ volatile("movq %0, %%rsp; jmp trapret" : : "r"(tf) : "memory");
	__builtin_unreachable();
}

// Create a thread of process p that enters ring 3 with the registers of
// *frame (a Linux clone copies its caller's) and FS base fsbase; the
// segments and flags are forced to ring 3 with interrupts on.
struct thread *thread_create_user_tf(struct proc *p, const struct trapframe *frame, uint64 fsbase)
{
	struct thread *t = thread_new(p->name, p, thread_enter_user, NULL);
	if (t == NULL)
		return NULL;
	struct trapframe *tf = (struct trapframe *)thread_kstack_top(t) - 1;
	*tf = *frame;
	tf->cs = SEG_UCODE;
	tf->rflags = RFLAGS_IF | 0x2; // bit 1 is always set
	tf->ss = SEG_UDATA;
	t->fsbase = fsbase;
	t->arg = tf;
	thread_build_context(t, (uint64 *)tf);
	runq_push(t);
	release(&sched_lock);
	return t;
}

// Switch from the running thread to the scheduler. Caller holds sched_lock
// (and nothing else) and has already set the thread's new state. The
// saved intena belongs to this thread, not the CPU, so it travels with it.
static void sched(void)
{
	struct thread *t = cpu.thread;
	if (!holding(&sched_lock) || cpu.noff != 1)
		panic(PANIC_LOCK, "sched: locks held");
	if (t->state == T_RUNNING || intr_enabled())
		panic(PANIC_LOCK, "sched: bad state");
	bool intena = cpu.intena;
	swtch(&t->ctx, cpu.sched_ctx);
	cpu.intena = intena;
}

// Give up the CPU for one round. Called by the timer (preemption) and by
// threads that want to be polite.
void yield(void)
{
	acquire(&sched_lock);
	runq_push(cpu.thread);
	sched();
	release(&sched_lock);
}

// End the running thread; the scheduler frees its slot. Never returns.
void thread_exit(void)
{
	acquire(&sched_lock);
	cpu.thread->state = T_ZOMBIE;
	sched();
	panic(PANIC_LOCK, "thread_exit: zombie ran");
}

// Atomically release lk and sleep on chan; reacquire lk when woken.
// The caller rechecks its condition in a loop (wakeups may be spurious).
void sleep(void *chan, struct spinlock *lk)
{
	struct thread *t = cpu.thread;
	acquire(&sched_lock);
	release(lk);
	t->chan = chan;
	t->state = T_SLEEPING;
	sched();
	t->chan = NULL;
	release(&sched_lock);
	acquire(lk);
}

// As sleep, but the timer also wakes the thread once the tick count
// reaches deadline: every wait on a device is bounded this way. The caller
// compares timer_ticks() with its deadline after waking.
void sleep_until(void *chan, struct spinlock *lk, uint64 deadline)
{
	struct thread *t = cpu.thread;
	acquire(&sched_lock);
	release(lk);
	t->chan = chan;
	t->wake_tick = deadline;
	t->state = T_SLEEPING;
	sched();
	t->chan = NULL;
	t->wake_tick = 0;
	release(&sched_lock);
	acquire(lk);
}

// Wake the sleepers whose sleep_until deadline has come. Called by the
// timer on every tick.
void wakeup_expired(uint64 now)
{
	acquire(&sched_lock);
	for (int i = 0; i < NTHREAD; i++)
		if (threads[i].state == T_SLEEPING && threads[i].wake_tick &&
		    threads[i].wake_tick <= now)
			runq_push(&threads[i]);
	release(&sched_lock);
}

// Make every thread sleeping on chan runnable. Caller must not hold
// sched_lock.
void wakeup(void *chan)
{
	acquire(&sched_lock);
	for (int i = 0; i < NTHREAD; i++)
		if (threads[i].state == T_SLEEPING && threads[i].chan == chan)
			runq_push(&threads[i]);
	release(&sched_lock);
}

// Load t's address space and the stack the CPU uses on a trap from ring 3.
static void sched_enter_space(struct thread *t)
{
	tss_set_rsp0(thread_kstack_top(t));
	vm_switch(t->proc ? t->proc->pml4 : kernel_pml4);
}

// Free a zombie's slot. Caller holds sched_lock and is off t's stack.
static void thread_reap(struct thread *t)
{
	t->state = T_UNUSED;
}

// Make p's sleeping threads runnable so that they notice p->killed.
void thread_wake_proc(struct proc *p)
{
	acquire(&sched_lock);
	for (int i = 0; i < NTHREAD; i++)
		if (threads[i].state == T_SLEEPING && threads[i].proc == p)
			runq_push(&threads[i]);
	release(&sched_lock);
}

// Number of threads that exist (any state but unused), for the stats call.
int thread_count(void)
{
	int n = 0;
	acquire(&sched_lock);
	for (int i = 0; i < NTHREAD; i++)
		n += threads[i].state != T_UNUSED;
	release(&sched_lock);
	return n;
}

// Run t until it switches back. Caller holds sched_lock.
static void scheduler_run(struct thread *t)
{
	t->state = T_RUNNING;
	cpu.thread = t;
	sched_enter_space(t);
	cpu_state_load(t);
	swtch(&cpu.sched_ctx, t->ctx);
	cpu_state_save(t);
	cpu.thread = NULL;
	if (t->state == T_ZOMBIE)
		thread_reap(t);
}

// Halt until an interrupt if nothing is runnable. With one CPU, interrupts
// off is enough to read the queue; sti's one-instruction shadow means no
// wakeup can slip in between the check and the hlt.
static void scheduler_idle(void)
{
	cli();
	if (runq_head == NULL)
		__asm__ volatile("sti; hlt" ::: "memory");
}

// The scheduler loop, on the boot stack; never returns. It enables
// interrupts each round so that a new thread, which inherits the
// scheduler's saved interrupt state in thread_start, runs with them on.
void scheduler(void)
{
	for (;;) {
		sti();
		acquire(&sched_lock);
		struct thread *t = runq_pop();
		if (t)
			scheduler_run(t);
		release(&sched_lock);
		if (t == NULL)
			scheduler_idle();
	}
}
