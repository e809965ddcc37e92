// lx_signal.c: signal calls of the Linux personality. Rugo delivers no
// signals: rt_sigaction, rt_sigprocmask and sigaltstack record what they
// are given and report it back, which is what the Go runtime checks at
// start-up; tgkill (Go's preemption request, SIGURG) is accepted and
// dropped. A synchronous fault does not reach the program's handler: the
// process is killed with Rugo's `USER: killed` report (proc.c).
#include "types.h"
#include "defs.h"
#include "mmu.h"
#include "proc.h"
#include "lx.h"

#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2
#define SS_DISABLE 2
#define SIGKILL 9
#define SIGSTOP 19

// rt_sigaction(sig, act, oldact, sigsetsize): the 32-byte struct kernel
// sigaction (handler, flags, restorer, mask) is stored per process.
int64 lx_sys_rt_sigaction(const uint64 *a)
{
	struct lx_proc *lx = lx_me();
	uint64 sig = a[0], old[4];
	if (sig < 1 || sig > LX_NSIG || a[3] != 8)
		return -LX_EINVAL;
	if (a[1] && (sig == SIGKILL || sig == SIGSTOP))
		return -LX_EINVAL;
	memcpy(old, lx->sigact[sig], sizeof(old));
	if (a[1] && copyin(myproc()->pml4, lx->sigact[sig], a[1], sizeof(old)) < 0)
		return -LX_EFAULT;
	if (a[2] && copyout(myproc()->pml4, a[2], old, sizeof(old)) < 0)
		return -LX_EFAULT;
	return 0;
}

// rt_sigprocmask(how, set, oldset, sigsetsize): this thread's mask.
int64 lx_sys_rt_sigprocmask(const uint64 *a)
{
	uint64 set, old = cpu.thread->lx_sigmask;
	if (a[3] != 8 || a[0] > SIG_SETMASK)
		return -LX_EINVAL;
	if (a[1]) {
		if (copyin(myproc()->pml4, &set, a[1], sizeof(set)) < 0)
			return -LX_EFAULT;
		if (a[0] == SIG_BLOCK)
			cpu.thread->lx_sigmask |= set;
		else if (a[0] == SIG_UNBLOCK)
			cpu.thread->lx_sigmask &= ~set;
		else
			cpu.thread->lx_sigmask = set;
	}
	if (a[2] && copyout(myproc()->pml4, a[2], &old, sizeof(old)) < 0)
		return -LX_EFAULT;
	return 0;
}

// sigaltstack(ss, old): this thread's stack_t (sp, flags, size); a thread
// starts with none (SS_DISABLE).
int64 lx_sys_sigaltstack(const uint64 *a)
{
	uint64 *cur = cpu.thread->lx_altstack, old[3];
	memcpy(old, cur, sizeof(old));
	if (old[0] == 0 && old[2] == 0)
		old[1] = SS_DISABLE;
	if (a[0] && copyin(myproc()->pml4, cur, a[0], sizeof(old)) < 0)
		return -LX_EFAULT;
	if (a[1] && copyout(myproc()->pml4, a[1], old, sizeof(old)) < 0)
		return -LX_EFAULT;
	return 0;
}

// tgkill(tgid, tid, sig): the target must be this process; nothing is
// delivered.
int64 lx_sys_tgkill(const uint64 *a)
{
	if (a[2] > LX_NSIG)
		return -LX_EINVAL;
	if ((int64)a[0] != myproc()->pid)
		return -LX_ESRCH;
	return 0;
}
