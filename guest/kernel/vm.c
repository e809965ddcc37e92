// vm.c: page tables. Builds the kernel's own identity map (replacing the
// boot stub's 1 GiB of writable, executable 2 MiB pages) with per-section
// permissions, and offers the walk/map/unmap primitives that user address
// spaces (uvm.c) reuse. The layout is in mmu.h and docs/guest.md.
#include "types.h"
#include "x86.h"
#include "defs.h"
#include "mmu.h"

extern char __kernel_start[], __text_end[], __rodata_start[], __data_start[];
extern char __kernel_end[];

pagetable_t kernel_pml4;
pagetable_t kernel_pd; // maps [0, 1 GiB); shared by every address space

// Return the address of the leaf PTE for va, allocating missing tables when
// alloc is set. Returns NULL if a table is missing (or memory ran out).
// Interior entries carry PTE_U; the leaf decides who may access the page.
pte_t *vm_walk(pagetable_t pml4, uint64 va, bool alloc)
{
	pagetable_t t = pml4;
	for (int level = 3; level > 0; level--) {
		pte_t *pte = &t[PX(level, va)];
		if (*pte & PTE_P) {
			if (*pte & PTE_PS)
				panic(PANIC_VM, "vm_walk: huge page at %p", (void *)va);
			t = (pagetable_t)(uintptr)PTE_ADDR(*pte);
			continue;
		}
		if (!alloc || (t = kalloc()) == NULL)
			return NULL;
		*pte = (uintptr)t | PTE_P | PTE_W | PTE_U;
	}
	return &t[PX(0, va)];
}

// Map the 4 KiB page at va to pa with flags (PTE_P is added). Returns 0, or
// -1 if out of memory. Mapping over a present page is a kernel bug.
int vm_map_page(pagetable_t pml4, uint64 va, uint64 pa, uint64 flags)
{
	pte_t *pte = vm_walk(pml4, va, true);
	if (pte == NULL)
		return -1;
	if (*pte & PTE_P)
		panic(PANIC_VM, "vm_map_page: remap %p", (void *)va);
	*pte = pa | flags | PTE_P;
	return 0;
}

// Unmap the page at va if it is mapped and return the frame it held (0 if
// none). The caller flushes the TLB and owns the frame.
uint64 vm_unmap_page(pagetable_t pml4, uint64 va)
{
	pte_t *pte = vm_walk(pml4, va, false);
	if (pte == NULL || !(*pte & PTE_P))
		return 0;
	uint64 pa = PTE_ADDR(*pte);
	*pte = 0;
	return pa;
}

// Permissions of the kernel's own page at pa (below the first 2 MiB
// boundary after the image): W^X per section, NX for everything else.
static uint64 vm_kernel_flags(uint64 pa)
{
	if (pa >= (uintptr)__kernel_start && pa < (uintptr)__text_end)
		return 0; // text: read-only, executable
	if (pa >= (uintptr)__rodata_start && pa < (uintptr)__data_start)
		return PTE_NX;
	return PTE_W | PTE_NX;
}

// Map [4 KiB, end) with 4 KiB pages; page 0 stays unmapped to catch NULL.
static void vm_map_kernel_small(uint64 end)
{
	for (uint64 pa = PGSIZE; pa < end; pa += PGSIZE)
		if (vm_map_page(kernel_pml4, pa, pa, vm_kernel_flags(pa)) < 0)
			panic(PANIC_NO_MEMORY, "vm_init: out of memory");
}

// Build and load the kernel page tables; prints `MM: paging=on`. Runs once
// on the boot stack after kalloc_init.
void vm_init(void)
{
	uint64 small_end = ((uintptr)__kernel_end + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	uint64 top = (kalloc_ram_top() + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	pagetable_t pdpt;

	if ((kernel_pml4 = kalloc()) == NULL || (pdpt = kalloc()) == NULL ||
	    (kernel_pd = kalloc()) == NULL)
		panic(PANIC_NO_MEMORY, "vm_init: out of memory");
	kernel_pml4[0] = (uintptr)pdpt | PTE_P | PTE_W | PTE_U;
	pdpt[0] = (uintptr)kernel_pd | PTE_P | PTE_W; // no PTE_U: user never sees it
	vm_map_kernel_small(small_end);
	for (uint64 pa = small_end; pa < top; pa += HUGE_PAGE)
		kernel_pd[PX(1, pa)] = pa | PTE_P | PTE_W | PTE_PS | PTE_NX;
	write_cr3((uintptr)kernel_pml4);
	kprintf("mm: kernel %p-%p, ram top %p\n", (void *)__kernel_start, (void *)__kernel_end,
		(void *)top);
	kprintf("MM: paging=on\n");
}

// Unmap one page of the kernel image (a stack guard page) so that touching
// it faults. The frame stays with its owner.
void vm_kernel_guard(uint64 va)
{
	if (vm_unmap_page(kernel_pml4, va) == 0)
		panic(PANIC_VM, "vm_kernel_guard: %p not mapped", (void *)va);
	invlpg(va);
}

// Physical address behind va in pml4, or 0 if unmapped or the leaf lacks
// any of the required flags (e.g. PTE_U | PTE_W for a user write).
uint64 vm_translate(pagetable_t pml4, uint64 va, uint64 required)
{
	pte_t *pte = vm_walk(pml4, va, false);
	if (pte == NULL || !(*pte & PTE_P) || (*pte & required) != required)
		return 0;
	return PTE_ADDR(*pte) | (va & (PGSIZE - 1));
}

// Load pml4 into CR3 unless it is already there (a reload flushes the TLB).
void vm_switch(pagetable_t pml4)
{
	if (read_cr3() != (uintptr)pml4)
		write_cr3((uintptr)pml4);
}
