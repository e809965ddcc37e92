// fpu.c: the x87/SSE state of user threads and the FS base. The kernel is
// built without SSE or x87 code (guest.mk), so between a trap from ring 3
// and the next return to it the registers still hold the user thread's
// state: the scheduler saves them with FXSAVE when a thread is switched out
// and restores them with FXRSTOR when it is switched in. Rugo's own
// programs use none of it; Go programs (the Linux personality) need both.
#include "types.h"
#include "x86.h"
#include "defs.h"
#include "proc.h"
#include "lx.h"

#define CR0_MP (1ULL << 1)
#define CR0_EM (1ULL << 2)
#define CR0_TS (1ULL << 3)
#define CR4_OSFXSR (1ULL << 9)
#define CR4_OSXMMEXCPT (1ULL << 10)
#define MSR_FS_BASE 0xC0000100

// The state of a fresh thread: FNINIT's x87 control word and the reset
// MXCSR (all exceptions masked), captured once by fpu_init.
static uint8 fpu_initial[512] __attribute__((aligned(16)));
static uint64 fs_loaded; // the FS base in the MSR now

// Turn on SSE for ring 3 (CR0.EM off, MP on; CR4.OSFXSR, OSXMMEXCPT) and
// capture the initial state. Runs once at boot.
void fpu_init(void)
{
	uint64 cr0, cr4;
	__asm__ volatile("movq %%cr0, %0" : "=r"(cr0));
	cr0 = (cr0 & ~(CR0_EM | CR0_TS)) | CR0_MP;
	__asm__ volatile("movq %0, %%cr0" : : "r"(cr0));
	__asm__ volatile("movq %%cr4, %0" : "=r"(cr4));
	cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT;
	__asm__ volatile("movq %0, %%cr4" : : "r"(cr4));
	uint32 mxcsr = 0x1f80;
	__asm__ volatile("fninit; ldmxcsr %1; fxsave %0" : "=m"(fpu_initial) : "m"(mxcsr));
	wrmsr(MSR_FS_BASE, 0);
}

// Give a new thread the initial state.
void fpu_thread_init(struct thread *t)
{
	memcpy(t->fpu, fpu_initial, sizeof(t->fpu));
}

// Load t's state before the scheduler switches to it.
void cpu_state_load(struct thread *t)
{
	__asm__ volatile("fxrstor %0" : : "m"(t->fpu));
	if (t->fsbase != fs_loaded) {
		wrmsr(MSR_FS_BASE, t->fsbase);
		fs_loaded = t->fsbase;
	}
}

// Save t's state once it has switched back to the scheduler.
void cpu_state_save(struct thread *t)
{
	__asm__ volatile("fxsave %0" : "=m"(t->fpu));
}

// The FS base of the running thread changed (arch_prctl): load it now.
void fpu_set_fsbase(struct thread *t, uint64 base)
{
	t->fsbase = base;
	wrmsr(MSR_FS_BASE, base);
	fs_loaded = base;
}
