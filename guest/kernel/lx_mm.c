// lx_mm.c: anonymous memory of Linux-personality processes: mmap, munmap,
// mprotect, madvise and the page faults that fill them. A mapping is only
// a record in the process's vma table; its pages are zeroed frames mapped
// on first touch, by the process (lx_fault from trap()) or by the kernel
// copying to or from it (lx_fault_in from uvm.c). So the Go heap's large
// PROT_NONE reservations cost nothing until used. Files cannot be mapped.
// The vma table and page tables are edited with interrupts off: Rugo has
// one CPU, so no other thread of the process runs meanwhile.
#include "types.h"
#include "x86.h"
#include "defs.h"
#include "mmu.h"
#include "proc.h"
#include "spinlock.h"
#include "lx.h"

#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_FIXED_NOREPLACE 0x100000
#define MADV_DONTNEED 4

// mmap without MAP_FIXED places mappings in [LX_MMAP_BASE, LX_MMAP_TOP);
// the main stack and a 1 MiB gap sit above.
#define LX_MMAP_TOP (LX_STACK_TOP - LX_STACK_SIZE - (1ULL << 20))

// Index of the vma holding va, or -1.
static int vma_find(const struct lx_proc *lx, uint64 va)
{
	for (int i = 0; i < lx->nvma; i++)
		if (va >= lx->vma[i].start && va < lx->vma[i].end)
			return i;
	return -1;
}

static bool vma_overlaps(const struct lx_proc *lx, uint64 a, uint64 b)
{
	for (int i = 0; i < lx->nvma; i++)
		if (lx->vma[i].start < b && a < lx->vma[i].end)
			return true;
	return false;
}

static void vma_insert_at(struct lx_proc *lx, int i, struct lx_vma v)
{
	for (int j = lx->nvma; j > i; j--)
		lx->vma[j] = lx->vma[j - 1];
	lx->vma[i] = v;
	lx->nvma++;
}

static void vma_delete_at(struct lx_proc *lx, int i)
{
	for (int j = i; j + 1 < lx->nvma; j++)
		lx->vma[j] = lx->vma[j + 1];
	lx->nvma--;
}

// Drop [a, b) from the table, trimming or splitting the vmas it cuts.
// The caller has checked that two slots are free.
static void vma_remove(struct lx_proc *lx, uint64 a, uint64 b)
{
	for (int i = 0; i < lx->nvma; i++) {
		struct lx_vma *v = &lx->vma[i];
		if (v->end <= a || v->start >= b)
			continue;
		if (v->start < a && v->end > b) { // split in two
			struct lx_vma right = {b, v->end, v->prot};
			v->end = a;
			vma_insert_at(lx, i + 1, right);
			return;
		}
		if (v->start < a)
			v->end = a;
		else if (v->end > b)
			v->start = b;
		else
			vma_delete_at(lx, i--);
	}
}

// Record [a, b) with prot, merging with equal neighbours. [a, b) is free.
static void vma_insert(struct lx_proc *lx, uint64 a, uint64 b, uint32 prot)
{
	int i = 0;
	while (i < lx->nvma && lx->vma[i].start < a)
		i++;
	vma_insert_at(lx, i, (struct lx_vma){a, b, prot});
	if (i + 1 < lx->nvma && lx->vma[i + 1].start == b && lx->vma[i + 1].prot == prot) {
		lx->vma[i].end = lx->vma[i + 1].end;
		vma_delete_at(lx, i + 1);
	}
	if (i > 0 && lx->vma[i - 1].end == a && lx->vma[i - 1].prot == prot) {
		lx->vma[i - 1].end = lx->vma[i].end;
		vma_delete_at(lx, i);
	}
}

// Add a mapping at a free [start, end) (the loader's main stack). Returns
// 0 or -ENOMEM.
int64 lx_vma_add(struct lx_proc *lx, uint64 start, uint64 end, uint32 prot)
{
	if (lx->nvma + 2 > LX_NVMA || vma_overlaps(lx, start, end))
		return -LX_ENOMEM;
	vma_insert(lx, start, end, prot);
	return 0;
}

// The leaf entry of va, or NULL, and in *skip the bytes to the next table
// that might exist when a level is missing (so sparse ranges walk fast).
static pte_t *leaf(pagetable_t pml4, uint64 va, uint64 *skip)
{
	pagetable_t t = pml4;
	for (int level = 3; level > 0; level--) {
		pte_t e = t[PX(level, va)];
		if (!(e & PTE_P) || (e & PTE_PS)) {
			uint64 span = 1ULL << (12 + 9 * level);
			*skip = span - (va & (span - 1));
			return NULL;
		}
		t = (pagetable_t)(uintptr)PTE_ADDR(e);
	}
	*skip = PGSIZE;
	return &t[PX(0, va)];
}

// Free the frames mapped in [a, b); the range stays recorded (or not) as
// the caller decides, and pages come back zeroed when touched.
static void free_frames(pagetable_t pml4, uint64 a, uint64 b)
{
	uint64 skip;
	for (uint64 va = a; va < b; va += skip) {
		pte_t *pte = leaf(pml4, va, &skip);
		if (pte == NULL || !(*pte & PTE_P))
			continue; // skip covers a whole missing table
		uint64 old = *pte;
		*pte = 0;
		if (!(old & PTE_SHARED))
			kfree((void *)(uintptr)PTE_ADDR(old));
		invlpg(va);
	}
}

// Page flags for a Linux prot (PROT_NONE pages lose PTE_U: kept, not used).
static uint64 prot_flags(uint32 prot)
{
	uint64 f = PTE_P;
	if (prot & (LX_PROT_READ | LX_PROT_WRITE | LX_PROT_EXEC))
		f |= PTE_U;
	if (prot & LX_PROT_WRITE)
		f |= PTE_W;
	if (!(prot & LX_PROT_EXEC))
		f |= PTE_NX;
	return f;
}

// A page fault at va in ring 3 (err as the CPU pushed it), or a kernel copy
// that needs the page: map a zeroed frame if va is in a mapping that allows
// the access. Returns false for a real fault (the caller kills the process).
bool lx_fault(struct proc *p, uint64 va, uint64 err)
{
	if (p == NULL || p->lx == NULL || (err & 1)) // err bit 0: page was present
		return false;
	int i = vma_find(p->lx, va);
	if (i < 0)
		return false;
	uint32 prot = p->lx->vma[i].prot;
	if (prot == 0 || ((err & 2) && !(prot & LX_PROT_WRITE)) ||
	    ((err & 16) && !(prot & LX_PROT_EXEC)))
		return false;
	void *frame = kalloc();
	if (frame == NULL) {
		kprintf("LINUX: out of memory at 0x%lx\n", va);
		return false;
	}
	if (vm_map_page(p->pml4, PGROUNDDOWN(va), (uintptr)frame, prot_flags(prot)) < 0) {
		kfree(frame);
		return false;
	}
	return true;
}

// uvm.c's hook: a kernel copy found no page at va in pml4. Fill it if it
// belongs to the running Linux process's mapping.
bool lx_fault_in(pagetable_t pml4, uint64 va, bool write)
{
	struct proc *p = myproc();
	if (p == NULL || p->lx == NULL || p->pml4 != pml4 || vm_translate(pml4, va, PTE_P))
		return false;
	return lx_fault(p, va, write ? 2 : 0);
}

// Is [a, a + len) page-aligned, non-empty and in user space? Sets *b.
static bool range_ok(uint64 a, uint64 len, uint64 *b)
{
	len = PGROUNDUP(len);
	*b = a + len;
	return len > 0 && a % PGSIZE == 0 && uvm_range_ok(a, len);
}

// The lowest free range of len bytes in [LX_MMAP_BASE, LX_MMAP_TOP), or 0.
static uint64 find_gap(const struct lx_proc *lx, uint64 len)
{
	uint64 cand = LX_MMAP_BASE;
	for (int i = 0; i < lx->nvma; i++) {
		if (lx->vma[i].end <= cand)
			continue;
		if (lx->vma[i].start >= cand + len)
			break;
		cand = lx->vma[i].end;
	}
	return cand + len <= LX_MMAP_TOP ? cand : 0;
}

// mmap(addr, len, prot, flags, fd, off): anonymous private memory only.
// Without MAP_FIXED a free hint inside the mmap area is taken, else the
// lowest gap; Go's arena hints lie above Rugo's 512 GiB and so fall back
// to that (the runtime then takes any address, malloc.go).
int64 lx_sys_mmap(const uint64 *a)
{
	struct lx_proc *lx = lx_me();
	uint64 addr = a[0], len = PGROUNDUP(a[1]), flags = a[3], b;
	uint32 prot = (uint32)a[2];
	if (!(flags & MAP_ANONYMOUS))
		return -LX_ENODEV; // no file mappings
	if (a[1] > USER_TOP)
		return -LX_ENOMEM; // as Linux: more than the address space
	if ((flags & 3) != MAP_PRIVATE || a[1] == 0 ||
	    (prot & ~(uint32)(LX_PROT_READ | LX_PROT_WRITE | LX_PROT_EXEC)))
		return -LX_EINVAL;
	int64 ret;
	push_off();
	if (lx->nvma + 2 > LX_NVMA) {
		ret = -LX_ENOMEM;
	} else if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (!range_ok(addr, len, &b))
			ret = -LX_EINVAL;
		else if ((flags & MAP_FIXED_NOREPLACE) && vma_overlaps(lx, addr, b))
			ret = -LX_EEXIST;
		else {
			vma_remove(lx, addr, b);
			free_frames(myproc()->pml4, addr, b);
			vma_insert(lx, addr, b, prot);
			ret = (int64)addr;
		}
	} else {
		if (!(addr % PGSIZE == 0 && addr >= LX_MMAP_BASE && addr < LX_MMAP_TOP &&
		      len <= LX_MMAP_TOP - addr && !vma_overlaps(lx, addr, addr + len)))
			addr = find_gap(lx, len);
		if (addr == 0) {
			ret = -LX_ENOMEM;
		} else {
			vma_insert(lx, addr, addr + len, prot);
			ret = (int64)addr;
		}
	}
	pop_off();
	return ret;
}

// munmap(addr, len): forget the range and free its frames.
int64 lx_sys_munmap(const uint64 *a)
{
	struct lx_proc *lx = lx_me();
	uint64 b;
	if (!range_ok(a[0], a[1], &b))
		return -LX_EINVAL;
	int64 ret = 0;
	push_off();
	if (lx->nvma + 2 > LX_NVMA) {
		ret = -LX_ENOMEM;
	} else {
		vma_remove(lx, a[0], b);
		free_frames(myproc()->pml4, a[0], b);
	}
	pop_off();
	return ret;
}

// Bytes of [a, b) that the table covers.
static uint64 covered(const struct lx_proc *lx, uint64 a, uint64 b)
{
	uint64 n = 0;
	for (int i = 0; i < lx->nvma; i++) {
		uint64 s = lx->vma[i].start > a ? lx->vma[i].start : a;
		uint64 e = lx->vma[i].end < b ? lx->vma[i].end : b;
		if (s < e)
			n += e - s;
	}
	return n;
}

// mprotect(addr, len, prot): the whole range must be mapped (else
// -ENOMEM); its pages that exist get the new flags.
int64 lx_sys_mprotect(const uint64 *a)
{
	struct lx_proc *lx = lx_me();
	uint64 b, skip;
	uint32 prot = (uint32)a[2];
	if (!range_ok(a[0], a[1], &b) || (prot & ~(uint32)7))
		return -LX_EINVAL;
	int64 ret = 0;
	push_off();
	if (lx->nvma + 2 > LX_NVMA || covered(lx, a[0], b) != b - a[0]) {
		ret = -LX_ENOMEM;
	} else {
		vma_remove(lx, a[0], b);
		vma_insert(lx, a[0], b, prot);
		pagetable_t pml4 = myproc()->pml4;
		for (uint64 va = a[0]; va < b; va += skip) {
			pte_t *pte = leaf(pml4, va, &skip);
			if (pte && (*pte & PTE_P)) {
				*pte = PTE_ADDR(*pte) | (*pte & PTE_SHARED) | prot_flags(prot);
				invlpg(va);
			}
		}
	}
	pop_off();
	return ret;
}

// madvise(addr, len, advice): MADV_DONTNEED frees the frames (the range
// reads as zeros again); every other advice is a hint and is ignored.
int64 lx_sys_madvise(const uint64 *a)
{
	uint64 b;
	if (!range_ok(a[0], a[1], &b))
		return -LX_EINVAL;
	if (a[2] == MADV_DONTNEED) {
		push_off();
		free_frames(myproc()->pml4, a[0], b);
		pop_off();
	}
	return 0;
}
