// proc.h: the trap frame, kernel threads and the per-CPU state.
// Rugo runs on one CPU; `cpu` is that CPU.
#ifndef RUGO_PROC_H
#define RUGO_PROC_H

#include "types.h"

// What trapasm.S pushes, lowest address first; the last five are the CPU's.
struct trapframe {
	uint64 r15, r14, r13, r12, r11, r10, r9, r8;
	uint64 rdi, rsi, rbp, rdx, rcx, rbx, rax;
	uint64 vector, err;
	uint64 rip, cs, rflags, rsp, ss;
};

enum thread_state { T_UNUSED, T_RUNNABLE, T_RUNNING, T_SLEEPING, T_ZOMBIE };

struct proc;

struct thread {
	enum thread_state state; // guarded by sched_lock
	int tid;
	char name[16];
	uint64 ctx; // saved stack pointer (swtch)
	uint8 *kstack; // lowest usable byte; the page below is a guard
	void *chan; // what it sleeps on, when T_SLEEPING
	struct thread *next; // run queue link
	struct proc *proc; // NULL for a kernel thread
	void (*fn)(void *);
	void *arg;
};

struct cpu {
	int noff; // push_off depth
	bool intena; // were interrupts on before the outermost push_off?
	struct thread *thread; // running thread, NULL in the scheduler
	uint64 sched_ctx; // the scheduler's saved stack pointer
};

extern struct cpu cpu;

#define NTHREAD 32
#define KSTACK_SIZE (16 * 1024) // includes the 4 KiB guard page

#endif
