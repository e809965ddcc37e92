// proc.h: the trap frame, kernel threads and the per-CPU state.
// Rugo runs on one CPU; `cpu` is that CPU.
#ifndef RUGO_PROC_H
#define RUGO_PROC_H

#include "types.h"
#include "mmu.h"

// What trapasm.S pushes, lowest address first; the last five are the CPU's.
struct trapframe {
	uint64 r15, r14, r13, r12, r11, r10, r9, r8;
	uint64 rdi, rsi, rbp, rdx, rcx, rbx, rax;
	uint64 vector, err;
	uint64 rip, cs, rflags, rsp, ss;
};

enum thread_state { T_UNUSED, T_RUNNABLE, T_RUNNING, T_SLEEPING, T_ZOMBIE };

struct proc;
struct lx_proc;

struct thread {
	enum thread_state state; // guarded by sched_lock
	int tid;
	char name[16];
	uint64 ctx;	     // saved stack pointer (swtch)
	uint8 *kstack;	     // lowest usable byte; the page below is a guard
	void *chan;	     // what it sleeps on, when T_SLEEPING
	uint64 wake_tick;    // nonzero: the timer wakes it at this tick (sleep_until)
	struct thread *next; // run queue link
	struct proc *proc;   // NULL for a kernel thread
	void (*fn)(void *);
	void *arg;
	// Linux personality (lx.h): FS base, signal mask, sigaltstack.
	uint64 fsbase;
	uint64 lx_sigmask;
	uint64 lx_altstack[3];
	// x87/SSE state while switched out (fpu.c): the FXSAVE area.
	uint8 fpu[512] __attribute__((aligned(16)));
};

struct cpu {
	int noff;	       // push_off depth
	bool intena;	       // were interrupts on before the outermost push_off?
	struct thread *thread; // running thread, NULL in the scheduler
	uint64 sched_ctx;      // the scheduler's saved stack pointer
};

extern struct cpu cpu;

#define NTHREAD 32
#define KSTACK_SIZE (16 * 1024) // includes the 4 KiB guard page

// A handle names a kernel object in one process's table (index = handle).
enum handle_kind { H_NONE, H_ENDPOINT, H_SHM, H_UDP };
struct handle {
	enum handle_kind kind;
	void *obj; // struct endpoint or struct shm; the handle holds a reference
};

// A shm object mapped into the process; the mapping holds a reference.
struct shm_mapping {
	struct shm *shm; // NULL if the slot is free
	uint64 va, len;
};

enum proc_state { P_UNUSED, P_ALIVE, P_ZOMBIE };

#define NPROC 16
#define NHANDLE 16
#define NSHM_MAP 4

// A user process: an address space, its threads and its handles. All
// fields but pml4 are guarded by proc_lock (proc.c); pml4 changes only
// while the process's own threads hold proc_lock, and is freed by its last
// thread.
struct proc {
	enum proc_state state;
	int pid;
	char name[16];
	pagetable_t pml4;
	int nthreads;
	bool killed;
	int parent;	    // pid of the process that spawned it; 0 the kernel, -1 orphaned
	int main_tid;	    // its first thread, whose thread_exit code is the exit code
	int exit_code;	    // 0-255; 128 + vector when killed by a trap
	uint64 mmap_next;   // where vm_map(0, ...) looks next
	struct lx_proc *lx; // the Linux personality's state, or NULL (lx.h)
	struct handle handles[NHANDLE];
	struct shm_mapping shm_maps[NSHM_MAP];
};

int handle_install(struct proc *p, enum handle_kind kind, void *obj);
void *handle_get(uint64 h, enum handle_kind kind, enum handle_kind *kind_out);
void kobj_get(enum handle_kind kind, void *obj);
void kobj_put(enum handle_kind kind, void *obj);

#endif
