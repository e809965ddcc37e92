// lx_proc.c: the Linux half of a process (struct lx_proc, lx.h): a fixed
// pool, one slot per Rugo process slot at most, claimed when a process is
// started with the personality and freed with the process.
#include "types.h"
#include "defs.h"
#include "proc.h"
#include "spinlock.h"
#include "lx.h"

static struct spinlock lx_lock = SPINLOCK_INIT("lx");
static struct lx_proc lx_procs[NPROC]; // `used` guarded by lx_lock

// A cleared slot with the console on fds 0-2, or NULL if none is free.
struct lx_proc *lx_proc_alloc(void)
{
	struct lx_proc *lx = NULL;
	acquire(&lx_lock);
	for (int i = 0; i < NPROC && !lx; i++)
		if (!lx_procs[i].used)
			lx = &lx_procs[i];
	if (lx) {
		memset(lx, 0, sizeof(*lx));
		lx->used = true;
	}
	release(&lx_lock);
	if (lx)
		lx_fd_init(lx);
	return lx;
}

// Free p's Linux state (nothing if it has none): its files, then the slot.
// Called by the process's last thread, or when its start fails.
void lx_proc_free(struct proc *p)
{
	struct lx_proc *lx = p->lx;
	if (lx == NULL)
		return;
	lx_fd_release(lx);
	p->lx = NULL;
	acquire(&lx_lock);
	lx->used = false;
	release(&lx_lock);
}

// The running process's Linux state (lx_syscall checked that it has one).
struct lx_proc *lx_me(void)
{
	return myproc()->lx;
}
