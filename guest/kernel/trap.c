// trap.c: the IDT and the C side of every trap: CPU exceptions (markers,
// then panic or resume), hardware interrupts (timer) and the int 0x80
// system call. The marker formats are documented in docs/guest.md.
#include "types.h"
#include "x86.h"
#include "defs.h"
#include "mmu.h"
#include "proc.h"
#include "trap.h"
#include "lx.h"

struct gate {
	uint16 off_lo;
	uint16 sel;
	uint8 ist;
	uint8 type; // P | DPL | type (0xE = 64-bit interrupt gate)
	uint16 off_mid;
	uint32 off_hi;
	uint32 reserved;
} __attribute__((packed));

static struct gate idt[256];
extern uint64 trap_vectors[48];
extern char vector128[];

#define GATE_KERNEL 0x8E // present, DPL 0, interrupt gate (IF cleared)
#define GATE_USER 0xEE	 // present, DPL 3: ring 3 may raise it with int n

// Names of the 32 exception vectors (Intel SDM vol. 3, table 6-1).
static const char *const exception_names[32] = {
	[T_DIVIDE] = "divide_error",
	[1] = "debug",
	[2] = "nmi",
	[T_BREAKPOINT] = "breakpoint",
	[4] = "overflow",
	[5] = "bound_range",
	[T_INVALID_OPCODE] = "invalid_opcode",
	[7] = "device_not_available",
	[T_DOUBLE_FAULT] = "double_fault",
	[9] = "coprocessor_segment_overrun",
	[10] = "invalid_tss",
	[11] = "segment_not_present",
	[12] = "stack_fault",
	[T_GPF] = "general_protection",
	[T_PAGE_FAULT] = "page_fault",
	[15] = "reserved",
	[16] = "x87_fp_error",
	[17] = "alignment_check",
	[18] = "machine_check",
	[19] = "simd_fp",
	[20] = "virtualization",
	[21] = "control_protection",
	[22] = "reserved",
	[23] = "reserved",
	[24] = "reserved",
	[25] = "reserved",
	[26] = "reserved",
	[27] = "reserved",
	[28] = "hypervisor_injection",
	[29] = "vmm_communication",
	[30] = "security",
	[31] = "reserved",
};

// The name of an exception vector, for markers and kill reasons.
const char *trap_name(uint64 vector)
{
	return vector < 32 ? exception_names[vector] : "interrupt";
}

static void idt_set(int vector, uint64 handler, uint8 type, uint8 ist)
{
	idt[vector] = (struct gate){
		.off_lo = handler & 0xffff,
		.sel = SEG_KCODE,
		.ist = ist,
		.type = type,
		.off_mid = (handler >> 16) & 0xffff,
		.off_hi = handler >> 32,
	};
}

// Fill and load the IDT: exceptions and IRQs as kernel interrupt gates, the
// double fault on IST1, int3 and int 0x80 callable from ring 3.
void idt_init(void)
{
	struct {
		uint16 limit;
		uint64 base;
	} __attribute__((packed)) desc = {sizeof(idt) - 1, (uintptr)idt};

	for (int v = 0; v < 48; v++)
		idt_set(v, trap_vectors[v], GATE_KERNEL, 0);
	idt_set(T_DOUBLE_FAULT, trap_vectors[T_DOUBLE_FAULT], GATE_KERNEL, 1);
	idt_set(T_BREAKPOINT, trap_vectors[T_BREAKPOINT], GATE_USER, 0);
	idt_set(T_SYSCALL, (uintptr)vector128, GATE_USER, 0);
	__asm__ volatile("lidt %0" : : "m"(desc));
}

// Print the non-marker detail line of a trap: where it happened.
static void trap_print_frame(const struct trapframe *tf)
{
	kprintf("trap: rip=%p cs=0x%lx rflags=0x%lx rsp=%p err=0x%lx\n", (void *)tf->rip, tf->cs,
		tf->rflags, (void *)tf->rsp, tf->err);
}

// Say whether the double fault handler runs on its IST stack and, when the
// page fault that caused it hit a stack guard page (CR2 keeps that
// address), whose kernel stack overflowed.
static void trap_report_double_fault(const struct trapframe *tf)
{
	const char *owner = thread_guard_owner(read_cr2());
	kprintf("DF: ist=1 stack=%s\n", tss_on_df_stack((uintptr)tf) ? "ok" : "bad");
	if (owner)
		kprintf("DF: kernel stack overflow in thread %s\n", owner);
}

// A CPU exception in the kernel. int3 resumes; anything else is fatal:
// markers first, then panic with code PANIC_TRAP_BASE + vector.
static void trap_kernel_exception(struct trapframe *tf)
{
	uint64 v = tf->vector;

	if (v == T_PAGE_FAULT)
		kprintf("PF: addr=0x%lx err=0x%lx\n", read_cr2(), tf->err);
	kprintf("TRAP: vector=%lu %s\n", v, trap_name(v));
	if (v == T_BREAKPOINT)
		return;
	if (v == T_DOUBLE_FAULT)
		trap_report_double_fault(tf);
	trap_print_frame(tf);
	panic(PANIC_TRAP_BASE + (uint32)v, "fatal trap %lu (%s) at rip=%p", v, trap_name(v),
	      (void *)tf->rip);
}

// Entry from alltraps with interrupts off, on the kernel stack of the
// running thread (or the IST stack for a double fault). A fault in ring 3
// kills the process; a killed process's thread exits here instead of
// returning to ring 3.
void trap(struct trapframe *tf)
{
	bool from_user = (tf->cs & 3) == 3;

	if (tf->vector == T_SYSCALL)
		syscall_dispatch(tf);
	else if (tf->vector == T_LXSYSCALL)
		lx_syscall(tf);
	else if (from_user && tf->vector == T_PAGE_FAULT && lx_fault(myproc(), read_cr2(), tf->err))
		; // a Linux process touched a page of its mapping for the first time
	else if (tf->vector >= T_IRQ0 && tf->vector < T_IRQ0 + 16)
		irq_dispatch(tf->vector - T_IRQ0);
	else if (from_user && tf->vector == T_BREAKPOINT)
		kprintf("TRAP: vector=3 breakpoint\n"); // resumes, as in the kernel
	else if (from_user)
		proc_user_fault(tf);
	else
		trap_kernel_exception(tf);
	if (from_user && proc_killed())
		proc_thread_exit(0); // the trap already set the exit code
}
