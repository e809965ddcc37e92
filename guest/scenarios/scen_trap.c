// scen_trap.c: scenarios that raise CPU exceptions in the kernel on purpose.
// Each fatal one must end in its TRAP marker and panic code 0x100 + vector
// (trap.c); if the exception is not raised the scenario panics with
// PANIC_SCENARIO instead, so the fixture fails with a clear reason.
#include "types.h"
#include "defs.h"

#define UNMAPPED_ADDR 0xdead0000ULL // below 4 GiB, in no mapping (docs/guest.md)

// divide_error: divide by a zero the compiler cannot see.
void scen_divide_error(void)
{
	__asm__ volatile("xorl %%ecx, %%ecx; divl %%ecx" : : : "eax", "ecx", "edx");
	panic(PANIC_SCENARIO, "divide_error: no trap");
}

// breakpoint: int3 must print its marker and return here.
void scen_breakpoint(void)
{
	__asm__ volatile("int3");
	kprintf("TRAP: resumed after breakpoint\n");
}

// page_fault: write to an unmapped address (err = write, not present).
void scen_page_fault(void)
{
	*(volatile uint64 *)UNMAPPED_ADDR = 1;
	panic(PANIC_SCENARIO, "page_fault: no trap");
}

// general_protection: load through a non-canonical address.
void scen_general_protection(void)
{
	(void)*(volatile uint64 *)0x8000000000000000ULL;
	panic(PANIC_SCENARIO, "general_protection: no trap");
}

// double_fault: point the stack at unmapped memory and push. The push
// faults, and delivering that page fault needs the same bad stack, so the
// CPU raises a double fault, which runs on its own IST stack.
void scen_double_fault(void)
{
	__asm__ volatile("movq %0, %%rsp; pushq $0" : : "r"(UNMAPPED_ADDR + 64) : "memory");
	panic(PANIC_SCENARIO, "double_fault: no trap");
}

// Recurse far deeper than any kernel stack (the volatile array defeats
// tail calls and keeps each frame large).
static uint64 recurse(uint64 depth)
{
	volatile uint8 frame[256];
	frame[0] = (uint8)depth;
	if (depth > 1000000)
		return 0;
	return recurse(depth + 1) + frame[0];
}

// stack_guard: overflow this thread's kernel stack into its guard page;
// as with double_fault, the CPU escapes to the IST stack.
void scen_stack_guard(void)
{
	recurse(0);
	panic(PANIC_SCENARIO, "stack_guard: no trap");
}
