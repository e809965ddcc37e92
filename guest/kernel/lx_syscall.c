// lx_syscall.c: the Linux personality's system-call entry and table
// (docs/guest.md, "Linux personality"). A `syscall` from ring 3 arrives
// here through lx_entry.S and trap(): the number in rax is Linux's
// (<asm/unistd_64.h>), the arguments rdi, rsi, rdx, r10, r8, r9, and the
// result or -errno goes back in rax. A call the table lacks returns -ENOSYS
// and prints `LINUX: unimplemented syscall N (name)` once per process and
// number, so that a missing piece is a one-line diagnosis. The table is
// what ci/checks/lx_syscall_doc.sh compares with the docs.
#include <asm/unistd_64.h>
#include "types.h"
#include "x86.h"
#include "defs.h"
#include "mmu.h"
#include "proc.h"
#include "lx.h"

#define MSR_EFER 0xC0000080
#define MSR_STAR 0xC0000081
#define MSR_LSTAR 0xC0000082
#define MSR_SFMASK 0xC0000084
#define EFER_SCE (1ULL << 0)
// IF, TF, DF and AC are cleared on entry: no interrupt until the stack is
// the kernel's, and the C code's direction flag is the ABI's.
#define SFMASK_BITS ((1ULL << 9) | (1ULL << 8) | (1ULL << 10) | (1ULL << 18))

void lx_syscall_entry(void);

// rugo.lxtrace=1 on the kernel command line: list each call a Linux
// process makes, the first time it makes it (to see what a program needs).
static bool lx_trace;

// Enable `syscall` (EFER.SCE) with its entry point. STAR's kernel half
// gives CS = SEG_KCODE, SS = SEG_KDATA; its user half is what SYSRET would
// use (0x13: SS 0x1b, CS 0x23), though the return is an iretq.
void lx_init(void)
{
	wrmsr(MSR_STAR, ((uint64)0x13 << 48) | ((uint64)SEG_KCODE << 32));
	wrmsr(MSR_LSTAR, (uintptr)lx_syscall_entry);
	wrmsr(MSR_SFMASK, SFMASK_BITS);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	char v[4];
	lx_trace = cmdline_get("rugo.lxtrace", v, sizeof(v)) && strcmp(v, "1") == 0;
}

static int64 lx_sys_getpid(const uint64 *a)
{
	(void)a;
	return myproc()->pid;
}

static int64 lx_sys_gettid(const uint64 *a)
{
	(void)a;
	return cpu.thread->tid;
}

static int64 lx_sys_sched_yield(const uint64 *a)
{
	(void)a;
	yield();
	return 0;
}

// sched_getaffinity(pid, size, mask): one CPU, CPU 0. Returns the bytes
// written, as the raw call does.
static int64 lx_sys_sched_getaffinity(const uint64 *a)
{
	uint64 mask = 1;
	if (a[1] < sizeof(mask))
		return -LX_EINVAL;
	return copyout(myproc()->pml4, a[2], &mask, sizeof(mask)) < 0 ? -LX_EFAULT : 8;
}

#define RLIMIT_STACK 3
#define RLIMIT_NOFILE 7
#define RLIM_INFINITY (~0ULL)

// getrlimit(resource, rlim): soft = hard, so nothing tries to raise it.
static int64 lx_sys_getrlimit(const uint64 *a)
{
	uint64 lim[2] = {RLIM_INFINITY, RLIM_INFINITY};
	if (a[0] >= 16)
		return -LX_EINVAL;
	if (a[0] == RLIMIT_NOFILE)
		lim[0] = lim[1] = LX_NFD;
	else if (a[0] == RLIMIT_STACK)
		lim[0] = lim[1] = LX_STACK_SIZE;
	return copyout(myproc()->pml4, a[1], lim, sizeof(lim)) < 0 ? -LX_EFAULT : 0;
}

typedef int64 (*lx_fn)(const uint64 *a);

// The implemented calls, in number order; docs/guest.md has one row each.
// clang-format off
static const lx_fn lx_calls[] = {
	[__NR_read] = lx_sys_read,
	[__NR_write] = lx_sys_write,
	[__NR_close] = lx_sys_close,
	[__NR_fstat] = lx_sys_fstat,
	[__NR_mmap] = lx_sys_mmap,
	[__NR_mprotect] = lx_sys_mprotect,
	[__NR_munmap] = lx_sys_munmap,
	[__NR_rt_sigaction] = lx_sys_rt_sigaction,
	[__NR_rt_sigprocmask] = lx_sys_rt_sigprocmask,
	[__NR_sched_yield] = lx_sys_sched_yield,
	[__NR_madvise] = lx_sys_madvise,
	[__NR_nanosleep] = lx_sys_nanosleep,
	[__NR_getpid] = lx_sys_getpid,
	[__NR_exit] = lx_sys_exit,
	[__NR_fcntl] = lx_sys_fcntl,
	[__NR_getrlimit] = lx_sys_getrlimit,
	[__NR_sigaltstack] = lx_sys_sigaltstack,
	[__NR_arch_prctl] = lx_sys_arch_prctl,
	[__NR_gettid] = lx_sys_gettid,
	[__NR_futex] = lx_sys_futex,
	[__NR_sched_getaffinity] = lx_sys_sched_getaffinity,
	[__NR_clock_gettime] = lx_sys_clock_gettime,
	[__NR_exit_group] = lx_sys_exit_group,
	[__NR_epoll_ctl] = lx_sys_epoll_ctl,
	[__NR_tgkill] = lx_sys_tgkill,
	[__NR_openat] = lx_sys_openat,
	[__NR_epoll_pwait] = lx_sys_epoll_pwait,
	[__NR_epoll_create1] = lx_sys_epoll_create1,
	[__NR_pipe2] = lx_sys_pipe2,
};
// clang-format on

// Set num's bit in a 512-bit per-process set; was it clear?
static bool first_time(uint64 *set, uint64 num)
{
	uint64 bit = num < 512 ? num : 511;
	bool first = !(set[bit / 64] & (1ULL << (bit % 64)));
	set[bit / 64] |= 1ULL << (bit % 64);
	return first;
}

// -ENOSYS for a call the table lacks, with its report line the first time
// this process makes it.
static int64 lx_unimplemented(struct lx_proc *lx, uint64 num)
{
	if (first_time(lx->reported, num))
		kprintf("LINUX: unimplemented syscall %lu (%s)\n", num, lx_syscall_name(num));
	return -LX_ENOSYS;
}

// Run the Linux call in tf. Entered from trap() with interrupts off; they
// go back on so that a blocking call can be preempted. A process without
// the personality gets -ENOSYS (Rugo's own ABI is int 0x80).
void lx_syscall(struct trapframe *tf)
{
	struct proc *p = myproc();
	uint64 num = tf->rax;
	uint64 a[6] = {tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8, tf->r9};

	sti();
	if (p && p->lx && lx_trace && first_time(p->lx->traced, num))
		kprintf("lx: pid %d first call %lu (%s)\n", p->pid, num, lx_syscall_name(num));
	if (p == NULL || p->lx == NULL)
		tf->rax = (uint64)-LX_ENOSYS;
	else if (num == __NR_clone)
		tf->rax = (uint64)lx_sys_clone(a, tf);
	else if (num >= NELEM(lx_calls) || lx_calls[num] == NULL)
		tf->rax = (uint64)lx_unimplemented(p->lx, num);
	else
		tf->rax = (uint64)lx_calls[num](a);
}
