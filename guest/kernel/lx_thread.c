// lx_thread.c: threads and time for the Linux personality: clone (threads
// in the same address space, as Go's runtime makes them), futex, exit and
// exit_group, arch_prctl(ARCH_SET_FS), nanosleep and clock_gettime. Time
// is the timer's tick count (10 ms resolution); there is no wall clock, so
// CLOCK_REALTIME counts from boot as CLOCK_MONOTONIC does. Every kernel
// wait is bounded: a futex wait sleeps at most one second before returning
// 0, which futex's callers must treat as a possible spurious wakeup anyway.
#include "types.h"
#include "x86.h"
#include "defs.h"
#include "mmu.h"
#include "proc.h"
#include "spinlock.h"
#include "lx.h"

#define CLONE_VM 0x100
#define CLONE_FS 0x200
#define CLONE_FILES 0x400
#define CLONE_SIGHAND 0x800
#define CLONE_SYSVSEM 0x40000
#define CLONE_THREAD 0x10000
#define CLONE_SETTLS 0x80000
#define CLONE_PARENT_SETTID 0x100000
#define CLONE_NEEDED (CLONE_VM | CLONE_SIGHAND | CLONE_THREAD)
#define CLONE_KNOWN \
	(CLONE_NEEDED | CLONE_FS | CLONE_FILES | CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID)

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_CMD_MASK 0x7f // without FUTEX_PRIVATE_FLAG and FUTEX_CLOCK_REALTIME

#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003

#define NS_PER_TICK (1000000000ULL / TIMER_HZ)
#define FUTEX_MAX_TICKS TIMER_HZ // one second

static struct spinlock futex_lock = SPINLOCK_INIT("futex");

struct lx_timespec {
	int64 sec, nsec;
};

// Read a struct timespec at va as nanoseconds. Returns 0, -EFAULT or
// -EINVAL.
static int64 timespec_in(uint64 va, uint64 *ns)
{
	struct lx_timespec ts;
	if (copyin(myproc()->pml4, &ts, va, sizeof(ts)) < 0)
		return -LX_EFAULT;
	if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000 || ts.sec > (int64)(1ULL << 33))
		return -LX_EINVAL;
	*ns = (uint64)ts.sec * 1000000000ULL + (uint64)ts.nsec;
	return 0;
}

// clone(flags, stack, ptid, ctid, tls): a thread of this process only. The
// child starts with the caller's registers (Go's clone stub passes its
// arguments in r9, r12 and r13), rax = 0 and rsp = stack.
int64 lx_sys_clone(const uint64 *a, const struct trapframe *tf)
{
	uint64 flags = a[0], stack = a[1];
	if ((flags & CLONE_NEEDED) != CLONE_NEEDED || (flags & ~(uint64)(CLONE_KNOWN | 0xff)))
		return -LX_EINVAL; // no fork: only threads
	if (stack <= USER_BASE || stack > USER_TOP)
		return -LX_EINVAL;
	struct trapframe child = *tf;
	child.rax = 0;
	child.rsp = stack;
	uint64 fsbase = flags & CLONE_SETTLS ? a[4] : cpu.thread->fsbase;
	if (fsbase >= USER_TOP)
		return -LX_EINVAL;
	int tid = proc_add_thread_tf(myproc(), &child, fsbase);
	if (tid < 0)
		return -LX_EAGAIN;
	if ((flags & CLONE_PARENT_SETTID) && copyout(myproc()->pml4, a[2], &tid, sizeof(int32)) < 0)
		return -LX_EFAULT;
	return tid;
}

// The sleep channel of the futex word at va: its physical address, made
// odd so that it cannot equal a kernel object's. 0 if va is not mapped.
static void *futex_chan(uint64 va)
{
	uint64 pa = vm_translate(myproc()->pml4, va, PTE_P | PTE_U);
	return pa ? (void *)(uintptr)(pa | 1) : NULL;
}

// FUTEX_WAIT: sleep while *uaddr == val, until woken or the timeout.
static int64 futex_wait(uint64 uaddr, uint32 val, uint64 timeout)
{
	uint64 ns = 0, ticks = FUTEX_MAX_TICKS;
	uint32 word;
	if (timeout) {
		int64 err = timespec_in(timeout, &ns);
		if (err < 0)
			return err;
		ticks = (ns + NS_PER_TICK - 1) / NS_PER_TICK;
		if (ticks > FUTEX_MAX_TICKS)
			ticks = FUTEX_MAX_TICKS;
	}
	acquire(&futex_lock);
	if (copyin(myproc()->pml4, &word, uaddr, sizeof(word)) < 0) {
		release(&futex_lock);
		return -LX_EFAULT;
	}
	if (word != val) {
		release(&futex_lock);
		return -LX_EAGAIN;
	}
	uint64 deadline = timer_ticks() + (ticks ? ticks : 1);
	sleep_until(futex_chan(uaddr), &futex_lock, deadline);
	release(&futex_lock);
	bool expired = timer_ticks() >= deadline;
	return timeout && expired && ns <= FUTEX_MAX_TICKS * NS_PER_TICK ? -LX_ETIMEDOUT : 0;
}

// futex(uaddr, op, val, timeout, ...): FUTEX_WAIT and FUTEX_WAKE. A wake
// wakes every waiter on the word (the others see a spurious wakeup) and
// returns 0.
int64 lx_sys_futex(const uint64 *a)
{
	uint64 uaddr = a[0];
	if (uaddr % 4)
		return -LX_EINVAL;
	switch (a[1] & FUTEX_CMD_MASK) {
	case FUTEX_WAIT: return futex_wait(uaddr, (uint32)a[2], a[3]);
	case FUTEX_WAKE: {
		acquire(&futex_lock);
		void *chan = futex_chan(uaddr);
		if (chan)
			wakeup(chan);
		release(&futex_lock);
		return 0;
	}
	default: return -LX_ENOSYS;
	}
}

// exit(code): end this thread; the last one ends the process.
int64 lx_sys_exit(const uint64 *a)
{
	proc_thread_exit((int64)a[0]);
}

// exit_group(code): end the process with code; the other threads leave at
// their next return towards ring 3.
int64 lx_sys_exit_group(const uint64 *a)
{
	struct proc *p = myproc();
	acquire(&proc_lock);
	if (!p->killed)
		p->exit_code = (int)(a[0] & 0xff);
	release(&proc_lock);
	proc_kill(p);
	proc_thread_exit((int64)a[0]);
}

// arch_prctl(code, addr): set or get this thread's FS base.
int64 lx_sys_arch_prctl(const uint64 *a)
{
	if (a[0] == ARCH_SET_FS) {
		if (a[1] >= USER_TOP)
			return -LX_EPERM;
		fpu_set_fsbase(cpu.thread, a[1]);
		return 0;
	}
	if (a[0] == ARCH_GET_FS)
		return copyout(myproc()->pml4, a[1], &cpu.thread->fsbase, 8) < 0 ? -LX_EFAULT : 0;
	return -LX_EINVAL;
}

// nanosleep(req, rem): whole ticks, at least one; 0 yields. rem is never
// written (a sleep is not interrupted; a killed process leaves early).
int64 lx_sys_nanosleep(const uint64 *a)
{
	uint64 ns;
	int64 err = timespec_in(a[0], &ns);
	if (err < 0)
		return err;
	if (ns == 0) {
		yield();
		return 0;
	}
	for (uint64 n = (ns + NS_PER_TICK - 1) / NS_PER_TICK; n > 0 && !proc_killed(); n--)
		timer_sleep(1);
	return 0;
}

// clock_gettime(clock, ts): every supported clock is time since boot.
int64 lx_sys_clock_gettime(const uint64 *a)
{
	// REALTIME, MONOTONIC, the CPU-time clocks, MONOTONIC_RAW, the COARSE
	// ones and BOOTTIME (0-7).
	if (a[0] > 7)
		return -LX_EINVAL;
	uint64 ns = timer_ticks() * NS_PER_TICK;
	struct lx_timespec ts = {(int64)(ns / 1000000000ULL), (int64)(ns % 1000000000ULL)};
	return copyout(myproc()->pml4, a[1], &ts, sizeof(ts)) < 0 ? -LX_EFAULT : 0;
}
