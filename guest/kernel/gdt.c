// gdt.c: the real GDT (kernel and user segments, one TSS) and the TSS, which
// gives the CPU the kernel stack to use on a trap from ring 3 (rsp0) and the
// separate double-fault stack (IST1).
#include "types.h"
#include "defs.h"
#include "mmu.h"
#include "lx.h"

struct tss {
	uint32 reserved0;
	uint64 rsp[3];
	uint64 reserved1;
	uint64 ist[7];
	uint64 reserved2;
	uint16 reserved3;
	uint16 iomap_base;
} __attribute__((packed));

static struct tss tss;

// Null, kernel code/data, user data/code (DPL 3), then the 16-byte TSS
// descriptor in two slots. Code segments set L (64-bit).
static uint64 gdt[7] = {
	0,
	0x00209A0000000000ULL, // 0x08 kernel code
	0x0000920000000000ULL, // 0x10 kernel data
	0x0000F20000000000ULL, // 0x18 user data
	0x0020FA0000000000ULL, // 0x20 user code
};

#define DF_STACK_SIZE 8192
static uint8 df_stack[DF_STACK_SIZE] __attribute__((aligned(16)));

// Fill the two GDT slots of an available 64-bit TSS descriptor.
static void gdt_set_tss(uint64 base, uint32 limit)
{
	gdt[5] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ULL << 40) |
		 ((uint64)((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	gdt[6] = base >> 32;
}

// Load the GDT, reload every segment register, load the task register.
// Runs once on the boot stack with interrupts off.
void gdt_init(void)
{
	struct {
		uint16 limit;
		uint64 base;
	} __attribute__((packed)) desc = {sizeof(gdt) - 1, (uintptr)gdt};

	tss.ist[0] = (uintptr)df_stack + DF_STACK_SIZE;
	tss.iomap_base = sizeof(tss); // no I/O bitmap: ring 3 gets no ports
	gdt_set_tss((uintptr)&tss, sizeof(tss) - 1);
	__asm__ volatile("lgdt %0" : : "m"(desc));
	__asm__ volatile("pushq %0; leaq 1f(%%rip), %%rax; pushq %%rax; lretq; 1:"
			 :
			 : "i"(SEG_KCODE)
			 : "rax", "memory");
	__asm__ volatile("movw %w0, %%ds; movw %w0, %%es; movw %w0, %%ss" : : "r"(SEG_KDATA));
	__asm__ volatile("ltr %w0" : : "r"(SEG_TSS));
}

// The kernel stack the CPU switches to on a trap from user mode.
// Called by the scheduler on every switch to a thread.
void tss_set_rsp0(uint64 rsp0)
{
	tss.rsp[0] = rsp0;
	lx_kstack_top = rsp0; // `syscall` switches stacks itself (lx_entry.S)
}

// Is addr within the double-fault IST stack? For the double fault marker.
bool tss_on_df_stack(uint64 addr)
{
	return addr >= (uintptr)df_stack && addr < (uintptr)df_stack + DF_STACK_SIZE;
}
