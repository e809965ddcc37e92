// syscall.c: the int 0x80 system call entry, ABI v0 (guest/common/abi.h,
// docs/abi/syscall_v0.md). The call number in rax indexes a table built
// with designated initializers; an out-of-range or empty slot returns
// ERR_NOSYS. Arguments are rdi, rsi, rdx, r10; the result goes to rax.
// This file also holds the small calls; ipc.c and shm.c hold the rest.
#include "types.h"
#include "x86.h"
#include "defs.h"
#include "mmu.h"
#include "proc.h"
#include "spinlock.h"

typedef int64 (*syscall_fn)(const uint64 *arg);

static uint64 syscall_count;

// debug_write(buf, len): copy len bytes to the console as one write.
static int64 sys_debug_write(const uint64 *arg)
{
	static struct spinlock lock = SPINLOCK_INIT("debug_write");
	static char buf[DEBUG_WRITE_MAX + 1]; // guarded by lock
	uint64 len = arg[1];
	int64 ret = (int64)len;

	if (len > DEBUG_WRITE_MAX)
		return ERR_INVAL;
	acquire(&lock);
	if (copyin(myproc()->pml4, buf, arg[0], len) < 0) {
		ret = ERR_FAULT;
	} else {
		buf[len] = '\0';
		kprintf("%s", buf);
	}
	release(&lock);
	return ret;
}

// thread_spawn(entry, stack_top, arg): a new thread in this process.
static int64 sys_thread_spawn(const uint64 *arg)
{
	uint64 entry = arg[0], stack = arg[1];
	if (entry < USER_BASE || entry >= USER_TOP || stack <= USER_BASE || stack > USER_TOP ||
	    stack % 16)
		return ERR_INVAL;
	return proc_add_thread(myproc(), entry, stack, arg[2]);
}

// thread_exit(code): end this thread; the last one ends the process.
static int64 sys_thread_exit(const uint64 *arg)
{
	proc_thread_exit((int64)arg[0]);
}

static int64 sys_yield(const uint64 *arg)
{
	(void)arg;
	yield();
	return 0;
}

// time_now(): nanoseconds since boot, at timer tick resolution.
static int64 sys_time_now(const uint64 *arg)
{
	(void)arg;
	return (int64)(timer_ticks() * (1000000000ULL / TIMER_HZ));
}

static int64 sys_getpid(const uint64 *arg)
{
	(void)arg;
	return myproc()->pid;
}

// stats(buf, cap): a JSON object of kernel counters; returns its length,
// or ERR_NOSPACE (nothing copied) if cap is smaller.
static int64 sys_stats(const uint64 *arg)
{
	char json[256];
	uint64 nfree, ntotal, sent, received;
	kalloc_stats(&nfree, &ntotal);
	ipc_stats(&sent, &received);
	int len = fmt_snprintf(json, sizeof(json),
			       "{\"pages_free\":%lu,\"pages_used\":%lu,\"procs\":%d,\"threads\":%d,"
			       "\"ipc_sent\":%lu,\"ipc_received\":%lu,\"syscalls\":%lu}",
			       nfree, ntotal - nfree, proc_count(), thread_count(), sent, received,
			       __atomic_load_n(&syscall_count, __ATOMIC_RELAXED));
	if ((uint64)len > arg[1])
		return ERR_NOSPACE;
	return copyout(myproc()->pml4, arg[0], json, (uint64)len) < 0 ? ERR_FAULT : len;
}

// One entry per line, in number order, as docs/abi/syscall_v0.md lists them.
// clang-format off
static const syscall_fn syscalls[] = {
	[SYS_debug_write] = sys_debug_write,
	[SYS_thread_spawn] = sys_thread_spawn,
	[SYS_thread_exit] = sys_thread_exit,
	[SYS_yield] = sys_yield,
	[SYS_vm_map] = sys_vm_map,
	[SYS_vm_unmap] = sys_vm_unmap,
	[SYS_shm_create] = sys_shm_create,
	[SYS_shm_map] = sys_shm_map,
	[SYS_ipc_send] = sys_ipc_send,
	[SYS_ipc_recv] = sys_ipc_recv,
	[SYS_time_now] = sys_time_now,
	[SYS_stats] = sys_stats,
	[SYS_ipc_create] = sys_ipc_create,
	[SYS_svc_register] = sys_svc_register,
	[SYS_svc_lookup] = sys_svc_lookup,
	[SYS_getpid] = sys_getpid,
	[SYS_blk_info] = sys_blk_info,
	[SYS_blk_read] = sys_blk_read,
	[SYS_blk_write] = sys_blk_write,
	[SYS_spawn] = sys_spawn,
	[SYS_wait] = sys_wait,
	[SYS_handle_close] = sys_handle_close,
	[SYS_console_read] = sys_console_read,
	[SYS_fs_stat] = sys_fs_stat,
	[SYS_fs_read] = sys_fs_read,
	[SYS_net_bind] = sys_net_bind,
	[SYS_net_sendto] = sys_net_sendto,
	[SYS_net_recvfrom] = sys_net_recvfrom,
};
// clang-format on

_Static_assert(NELEM(syscalls) == SYS_COUNT, "syscall table and abi.h disagree");

// Run the call the user asked for. Entered from trap() with interrupts
// off; they go back on so a long or blocking call can be preempted.
void syscall_dispatch(struct trapframe *tf)
{
	uint64 num = tf->rax;
	uint64 arg[4] = {tf->rdi, tf->rsi, tf->rdx, tf->r10};

	sti();
	__atomic_fetch_add(&syscall_count, 1, __ATOMIC_RELAXED);
	if (num >= NELEM(syscalls) || syscalls[num] == NULL)
		tf->rax = (uint64)ERR_NOSYS;
	else
		tf->rax = (uint64)syscalls[num](arg);
}
