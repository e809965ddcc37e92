// lx.h: the Linux system-call personality (docs/guest.md, "Linux
// personality"): what the lx_*.c files share. A process started by
// proc_spawn_linux has a struct lx_proc; its `syscall` instructions reach
// lx_syscall with Linux's numbers, arguments and errno convention, while
// its int 0x80 still reaches Rugo's ABI v0. Owned by the Linux personality.
#ifndef RUGO_LX_H
#define RUGO_LX_H

#include "types.h"
#include "mmu.h"

struct proc;
struct thread;
struct trapframe;

// The pseudo-vector lx_entry.S stores in the frame of a `syscall`.
#define T_LXSYSCALL 0x81

// Linux errno values the personality returns (negated).
#define LX_EPERM 1
#define LX_ENOENT 2
#define LX_ESRCH 3
#define LX_EINTR 4
#define LX_EBADF 9
#define LX_EAGAIN 11
#define LX_ENOMEM 12
#define LX_EFAULT 14
#define LX_EEXIST 17
#define LX_ENODEV 19
#define LX_EINVAL 22
#define LX_EMFILE 24
#define LX_ENOSYS 38
#define LX_ETIMEDOUT 110

// Address space layout of a Linux process (inside Rugo's user space).
#define LX_MMAP_BASE 0x1000000000ULL // 64 GiB: mmap without MAP_FIXED looks from here
#define LX_STACK_TOP 0x7f00000000ULL // the main thread's stack ends here
#define LX_STACK_SIZE (8ULL << 20)   // reserved; pages appear when touched

#define LX_PROT_READ 0x1
#define LX_PROT_WRITE 0x2
#define LX_PROT_EXEC 0x4

// One anonymous mapping [start, end) with its Linux prot bits.
struct lx_vma {
	uint64 start, end;
	uint32 prot;
};

#define LX_NVMA 128
#define LX_NFD 32
#define LX_NSIG 64

struct lx_file;

// The Linux half of a process. Guarded by lx_lock (lx_proc.c) except the
// vma table, which only the process's own threads change, with interrupts
// off (one CPU) around each edit.
struct lx_proc {
	bool used;
	struct lx_vma vma[LX_NVMA]; // sorted by start, disjoint
	int nvma;
	struct lx_file *fd[LX_NFD];
	uint64 sigact[LX_NSIG + 1][4]; // recorded, never delivered
	uint64 reported[8];	       // unimplemented calls already reported
	uint64 traced[8];	       // calls already listed by rugo.lxtrace=1
};

// lx_proc.c
struct lx_proc *lx_proc_alloc(void);
void lx_proc_free(struct proc *p);
struct lx_proc *lx_me(void);

// lx_exec.c
int lx_load(struct proc *p, const uint8 *image, uint64 size, uint64 *entry, uint64 *stack_top);

// lx_entry.S and lx_syscall.c
void lx_init(void);
void lx_syscall(struct trapframe *tf);
extern uint64 lx_kstack_top;
const char *lx_syscall_name(uint64 num); // generated from <asm/unistd_64.h>

// lx_mm.c
bool lx_fault(struct proc *p, uint64 va, uint64 err);
bool lx_fault_in(pagetable_t pml4, uint64 va, bool write);
int64 lx_vma_add(struct lx_proc *lx, uint64 start, uint64 end, uint32 prot);
int64 lx_sys_mmap(const uint64 *a);
int64 lx_sys_munmap(const uint64 *a);
int64 lx_sys_mprotect(const uint64 *a);
int64 lx_sys_madvise(const uint64 *a);

// lx_fd.c
void lx_fd_init(struct lx_proc *lx);
void lx_fd_release(struct lx_proc *lx);
int64 lx_sys_read(const uint64 *a);
int64 lx_sys_write(const uint64 *a);
int64 lx_sys_close(const uint64 *a);
int64 lx_sys_fcntl(const uint64 *a);
int64 lx_sys_pipe2(const uint64 *a);
int64 lx_sys_openat(const uint64 *a);
int64 lx_sys_fstat(const uint64 *a);
int64 lx_sys_epoll_create1(const uint64 *a);
int64 lx_sys_epoll_ctl(const uint64 *a);
int64 lx_sys_epoll_pwait(const uint64 *a);

// lx_thread.c
int64 lx_sys_clone(const uint64 *a, const struct trapframe *tf);
int64 lx_sys_futex(const uint64 *a);
int64 lx_sys_exit(const uint64 *a);
int64 lx_sys_exit_group(const uint64 *a);
int64 lx_sys_arch_prctl(const uint64 *a);
int64 lx_sys_nanosleep(const uint64 *a);
int64 lx_sys_clock_gettime(const uint64 *a);

// lx_signal.c
int64 lx_sys_rt_sigaction(const uint64 *a);
int64 lx_sys_rt_sigprocmask(const uint64 *a);
int64 lx_sys_sigaltstack(const uint64 *a);
int64 lx_sys_tgkill(const uint64 *a);

// fpu.c: x87/SSE state per thread, and the FS base
void fpu_init(void);
void fpu_thread_init(struct thread *t);
void cpu_state_load(struct thread *t);
void cpu_state_save(struct thread *t);
void fpu_set_fsbase(struct thread *t, uint64 base);

#endif
