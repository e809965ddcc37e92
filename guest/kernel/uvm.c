// uvm.c: user address spaces. Each process has its own PML4 and PDPT; the
// PDPT's first entry is the shared kernel_pd (supervisor only), the other
// 511 cover user space [1 GiB, 512 GiB) with 4 KiB pages. The kernel never
// dereferences a user virtual address: copyin/copyout translate each page
// through the process's tables and copy via the identity map, so a bad user
// pointer is an error code, never a kernel fault.
#include "types.h"
#include "x86.h"
#include "defs.h"
#include "mmu.h"
#include "proc.h"
#include "spinlock.h"
#include "lx.h"

// A new address space with only the kernel mapped. Returns NULL when out of
// memory.
pagetable_t uvm_create(void)
{
	pagetable_t pml4 = kalloc(), pdpt = kalloc();
	if (!pml4 || !pdpt) {
		if (pml4)
			kfree(pml4);
		if (pdpt)
			kfree(pdpt);
		return NULL;
	}
	pml4[0] = (uintptr)pdpt | PTE_P | PTE_W | PTE_U;
	pdpt[0] = (uintptr)kernel_pd | PTE_P | PTE_W;
	return pml4;
}

// Is [va, va + len) a non-empty, page-aligned range inside user space?
bool uvm_range_ok(uint64 va, uint64 len)
{
	return len > 0 && va % PGSIZE == 0 && len % PGSIZE == 0 && va >= USER_BASE &&
	       va < USER_TOP && len <= USER_TOP - va;
}

// Map fresh zeroed frames at [va, va + len) with flags (PTE_U is added).
// On failure unmaps what it mapped and returns -1. va/len page-aligned.
int uvm_alloc(pagetable_t pml4, uint64 va, uint64 len, uint64 flags)
{
	for (uint64 off = 0; off < len; off += PGSIZE) {
		void *frame = kalloc();
		if (!frame || vm_map_page(pml4, va + off, (uintptr)frame, flags | PTE_U) < 0) {
			if (frame)
				kfree(frame);
			uvm_unmap(pml4, va, off);
			return -1;
		}
	}
	return 0;
}

// Is any page of [va, va + len) mapped?
bool uvm_any_mapped(pagetable_t pml4, uint64 va, uint64 len)
{
	for (uint64 off = 0; off < len; off += PGSIZE)
		if (vm_translate(pml4, va + off, 0))
			return true;
	return false;
}

// Unmap [va, va + len), freeing frames the process owns (not shm frames)
// and flushing the TLB if pml4 is live. Unmapped pages are skipped.
void uvm_unmap(pagetable_t pml4, uint64 va, uint64 len)
{
	for (uint64 off = 0; off < len; off += PGSIZE) {
		pte_t *pte = vm_walk(pml4, va + off, false);
		if (!pte || !(*pte & PTE_P))
			continue;
		uint64 old = *pte;
		*pte = 0;
		if (!(old & PTE_SHARED))
			kfree((void *)(uintptr)PTE_ADDR(old));
		if (read_cr3() == (uintptr)pml4)
			invlpg(va + off);
	}
}

// Free a page table subtree at level (2 = PD, 1 = PT, 0 = leaf frames).
static void uvm_free_level(pagetable_t t, int level)
{
	for (int i = 0; i < 512; i++) {
		pte_t e = t[i];
		if (!(e & PTE_P))
			continue;
		if (level > 0)
			uvm_free_level((pagetable_t)(uintptr)PTE_ADDR(e), level - 1);
		else if (!(e & PTE_SHARED))
			kfree((void *)(uintptr)PTE_ADDR(e));
	}
	kfree(t);
}

// Free a whole address space: user frames, tables, PDPT and PML4 (never
// the shared kernel_pd). pml4 must not be loaded in CR3.
void uvm_destroy(pagetable_t pml4)
{
	pagetable_t pdpt = (pagetable_t)(uintptr)PTE_ADDR(pml4[0]);
	for (int i = 1; i < 512; i++)
		if (pdpt[i] & PTE_P)
			uvm_free_level((pagetable_t)(uintptr)PTE_ADDR(pdpt[i]), 1);
	kfree(pdpt);
	kfree(pml4);
}

// Copy one page's worth (at most) between kbuf and user va. Returns the
// byte count, or 0 if the page lacks the leaf flags `need`.
static uint64 uvm_copy_page(pagetable_t pml4, uint8 *k, uint64 va, uint64 len, uint64 need,
			    bool to_user)
{
	uint64 pa = vm_translate(pml4, va, need);
	uint64 n = PGSIZE - (va % PGSIZE);
	// A Linux process's mapping gets its pages when first touched, by the
	// kernel as by the process.
	if (pa == 0 && lx_fault_in(pml4, va, need & PTE_W))
		pa = vm_translate(pml4, va, need);
	if (pa == 0)
		return 0;
	if (n > len)
		n = len;
	if (to_user)
		memcpy((void *)(uintptr)pa, k, n);
	else
		memcpy(k, (void *)(uintptr)pa, n);
	return n;
}

// Copy len bytes between kernel memory and user va, one page at a time,
// requiring the leaf flags `need` on every user page. Returns 0 or
// ERR_FAULT (with a partial copy done). Interrupts stay off for the copy:
// Rugo runs on one CPU, so no other thread of the process can unmap and
// free a page between its translation and the copy. (An SMP kernel needs
// an address-space lock here.)
static int uvm_copy(pagetable_t pml4, void *kbuf, uint64 va, uint64 len, uint64 need, bool to_user)
{
	uint8 *k = kbuf;
	int ret = 0;
	if (va < USER_BASE || va >= USER_TOP || len > USER_TOP - va)
		return ERR_FAULT;
	push_off();
	while (len > 0 && ret == 0) {
		uint64 n = uvm_copy_page(pml4, k, va, len, need, to_user);
		if (n == 0)
			ret = ERR_FAULT;
		k += n, va += n, len -= n;
	}
	pop_off();
	return ret;
}

// Copy len bytes from user va into dst. Returns 0 or ERR_FAULT.
int copyin(pagetable_t pml4, void *dst, uint64 va, uint64 len)
{
	return uvm_copy(pml4, dst, va, len, PTE_P | PTE_U, false);
}

// Copy len bytes from src to user va, which must be writable. Returns 0 or
// ERR_FAULT.
int copyout(pagetable_t pml4, uint64 va, const void *src, uint64 len)
{
	return uvm_copy(pml4, (void *)src, va, len, PTE_P | PTE_U | PTE_W, true);
}

// Fill user memory at va regardless of PTE_W (the loader writes text and
// rodata). Returns 0 or ERR_FAULT.
int uvm_write(pagetable_t pml4, uint64 va, const void *src, uint64 len)
{
	return uvm_copy(pml4, (void *)src, va, len, PTE_P | PTE_U, true);
}

// Copy a NUL-terminated string of at most max bytes (NUL included) from
// user va. Returns its length, ERR_FAULT, or ERR_INVAL if it is too long.
int copyinstr(pagetable_t pml4, char *dst, uint64 va, uint64 max)
{
	for (uint64 i = 0; i < max; i++) {
		if (copyin(pml4, &dst[i], va + i, 1) < 0)
			return ERR_FAULT;
		if (dst[i] == '\0')
			return (int)i;
	}
	return ERR_INVAL;
}

// A string argument that must not be empty: copyinstr into dst (max bytes
// with the NUL). Returns 0, ERR_INVAL (empty or unterminated) or ERR_FAULT.
int copyin_name(char *dst, uint64 va, uint64 max)
{
	int n = copyinstr(myproc()->pml4, dst, va, max);
	if (n == 0)
		return ERR_INVAL;
	return n < 0 ? n : 0;
}
