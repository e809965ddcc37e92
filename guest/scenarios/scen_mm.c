// scen_mm.c: the paging scenario. It checks what vm_init promised (the
// kernel runs on its own tables with W^X and an unmapped page 0), that a
// fresh mapping aliases the frame behind it, and that the page allocator
// hands out distinct frames and takes them back.
#include "types.h"
#include "x86.h"
#include "defs.h"
#include "mmu.h"
#include "scenario.h"

extern char __rodata_start[], __data_start[];

#define ALIAS_VA USER_BASE // unmapped in the kernel's own tables
#define ALLOC_PAGES 64

// Flags of the leaf entry for va in the kernel map (0 if unmapped).
static uint64 kernel_pte(uint64 va)
{
	pte_t *pte = vm_walk(kernel_pml4, va, false);
	return pte ? *pte : 0;
}

// The live tables are the kernel's, with page 0 unmapped and W^X sections.
static void check_kernel_map(void)
{
	uint64 text = kernel_pte((uintptr)scen_paging);
	uint64 ro = kernel_pte((uintptr)__rodata_start);
	uint64 data = kernel_pte((uintptr)__data_start);

	if (read_cr3() != (uintptr)kernel_pml4 || !(read_cr0() & (1u << 16)))
		panic(PANIC_SCENARIO, "paging: not on kernel tables with CR0.WP");
	if (kernel_pte(0) & PTE_P)
		panic(PANIC_SCENARIO, "paging: page 0 mapped");
	if (!(text & PTE_P) || (text & (PTE_W | PTE_NX)))
		panic(PANIC_SCENARIO, "paging: text pte 0x%lx", text);
	if (!(ro & PTE_NX) || (ro & PTE_W) || !(data & PTE_NX) || !(data & PTE_W))
		panic(PANIC_SCENARIO, "paging: rodata 0x%lx data 0x%lx", ro, data);
	kprintf("MM: kernel map ok\n");
}

// A frame mapped at a second address shows the same bytes at both.
static void check_alias(void)
{
	uint64 *frame = kalloc();
	volatile uint64 *alias = (volatile uint64 *)ALIAS_VA;

	if (!frame || vm_map_page(kernel_pml4, ALIAS_VA, (uintptr)frame, PTE_W | PTE_NX) < 0)
		panic(PANIC_SCENARIO, "paging: out of memory");
	alias[7] = 0x5275676f;
	if (frame[7] != 0x5275676f || vm_translate(kernel_pml4, ALIAS_VA, PTE_W) != (uintptr)frame)
		panic(PANIC_SCENARIO, "paging: alias mismatch");
	vm_unmap_page(kernel_pml4, ALIAS_VA);
	invlpg(ALIAS_VA);
	kfree(frame);
	kprintf("MM: alias ok\n");
}

// kalloc returns distinct, zeroed, page-aligned frames; kfree restores the
// free count exactly.
static void check_alloc(void)
{
	static void *pages[ALLOC_PAGES];
	uint64 free_before, free_after, total;

	kalloc_stats(&free_before, &total);
	for (int i = 0; i < ALLOC_PAGES; i++) {
		pages[i] = kalloc();
		if (!pages[i] || (uintptr)pages[i] % PGSIZE || ((uint64 *)pages[i])[9])
			panic(PANIC_SCENARIO, "paging: bad frame %p", pages[i]);
		for (int j = 0; j < i; j++)
			if (pages[j] == pages[i])
				panic(PANIC_SCENARIO, "paging: frame %p twice", pages[i]);
	}
	for (int i = 0; i < ALLOC_PAGES; i++)
		kfree(pages[i]);
	kalloc_stats(&free_after, &total);
	if (free_after != free_before)
		panic(PANIC_SCENARIO, "paging: free %lu != %lu", free_after, free_before);
	kprintf("MM: alloc ok\n");
}

void scen_paging(void)
{
	check_kernel_map();
	check_alias();
	check_alloc();
}
