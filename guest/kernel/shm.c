// shm.c: shared memory objects and the address-space system calls
// (vm_map, vm_unmap, shm_create, shm_map).
//
// A shm object owns up to SHM_MAX_LEN of frames; every handle and every
// mapping holds a reference, and the frames are freed with the last one.
// Its pages carry PTE_SHARED, so unmapping them never frees a frame.
// vm_unmap of a shm mapping must cover exactly that mapping.
#include "types.h"
#include "defs.h"
#include "mmu.h"
#include "proc.h"
#include "spinlock.h"

#define SHM_PAGES (SHM_MAX_LEN / PGSIZE)
#define NSHM 16

struct shm {
	int refs; // 0: free slot
	uint64 npages;
	void *frames[SHM_PAGES];
};

static struct spinlock shm_lock = SPINLOCK_INIT("shm");
static struct shm shms[NSHM];

void shm_get(struct shm *s)
{
	acquire(&shm_lock);
	s->refs++;
	release(&shm_lock);
}

// Drop a reference; the last one frees the frames.
void shm_put(struct shm *s)
{
	acquire(&shm_lock);
	if (--s->refs == 0)
		for (uint64 i = 0; i < s->npages; i++)
			kfree(s->frames[i]);
	release(&shm_lock);
}

// Pick where a mapping of len bytes goes: the caller's address if it is
// valid and free, or (addr 0) the next free range of the process's mmap
// area. Returns the address or an error. Caller holds proc_lock.
static int64 vm_place(struct proc *p, uint64 addr, uint64 len)
{
	if (addr == 0) {
		while (p->mmap_next < USER_TOP && uvm_any_mapped(p->pml4, p->mmap_next, len))
			p->mmap_next += PGSIZE;
		addr = p->mmap_next;
		if (!uvm_range_ok(addr, len))
			return ERR_NOMEM;
		p->mmap_next += len + PGSIZE; // leave an unmapped gap
		return (int64)addr;
	}
	if (!uvm_range_ok(addr, len) || uvm_any_mapped(p->pml4, addr, len))
		return ERR_INVAL;
	return (int64)addr;
}

// Translate a vm prot argument into page flags. False if prot has
// unknown bits.
static bool vm_prot_flags(uint64 prot, uint64 *flags)
{
	if (prot & ~(uint64)(VM_WRITE | VM_EXEC))
		return false;
	*flags = (prot & VM_WRITE ? PTE_W : 0) | (prot & VM_EXEC ? 0 : PTE_NX);
	return true;
}

// vm_map(addr, len, prot): fresh zeroed memory; returns its address.
int64 sys_vm_map(const uint64 *arg)
{
	struct proc *p = myproc();
	uint64 flags, len = PGROUNDUP(arg[1]);
	int64 va;

	if (!vm_prot_flags(arg[2], &flags) || arg[1] == 0 || arg[1] > VM_MAP_MAX_LEN)
		return ERR_INVAL;
	acquire(&proc_lock);
	va = vm_place(p, arg[0], len);
	if (va >= 0 && uvm_alloc(p->pml4, (uint64)va, len, flags) < 0)
		va = ERR_NOMEM;
	release(&proc_lock);
	return va;
}

// The shm mapping slot of p that overlaps [va, va + len), or NULL.
static struct shm_mapping *shm_mapping_find(struct proc *p, uint64 va, uint64 len)
{
	for (int i = 0; i < NSHM_MAP; i++) {
		struct shm_mapping *m = &p->shm_maps[i];
		if (m->shm && va < m->va + m->len && m->va < va + len)
			return m;
	}
	return NULL;
}

// vm_unmap(addr, len): remove mappings (unmapped pages are skipped).
int64 sys_vm_unmap(const uint64 *arg)
{
	struct proc *p = myproc();
	uint64 va = arg[0], len = PGROUNDUP(arg[1]);
	struct shm *drop = NULL;

	if (arg[1] == 0 || !uvm_range_ok(va, len))
		return ERR_INVAL;
	acquire(&proc_lock);
	struct shm_mapping *m = shm_mapping_find(p, va, len);
	if (m && (m->va != va || m->len != len)) {
		release(&proc_lock);
		return ERR_INVAL;
	}
	uvm_unmap(p->pml4, va, len);
	if (m) {
		drop = m->shm;
		m->shm = NULL;
	}
	release(&proc_lock);
	if (drop)
		shm_put(drop);
	return 0;
}

// Claim a free shm slot with npages fresh frames. NULL if out of either.
static struct shm *shm_alloc(uint64 npages)
{
	struct shm *s = NULL;
	acquire(&shm_lock);
	for (int i = 0; i < NSHM && !s; i++)
		if (shms[i].refs == 0)
			s = &shms[i];
	if (s) {
		s->refs = 1;
		s->npages = 0;
	}
	release(&shm_lock);
	for (; s && s->npages < npages; s->npages++) {
		if ((s->frames[s->npages] = kalloc()) == NULL) {
			shm_put(s);
			return NULL;
		}
	}
	return s;
}

// shm_create(len): a new zeroed shm object; returns its handle.
int64 sys_shm_create(const uint64 *arg)
{
	if (arg[0] == 0 || arg[0] > SHM_MAX_LEN)
		return ERR_INVAL;
	struct shm *s = shm_alloc(PGROUNDUP(arg[0]) / PGSIZE);
	if (s == NULL)
		return ERR_NOMEM;
	return handle_install(myproc(), H_SHM, s);
}

// Map s's frames at va in p and record the mapping. Caller holds
// proc_lock. Returns 0 or an error.
static int shm_map_into(struct proc *p, struct shm *s, uint64 va, uint64 flags)
{
	struct shm_mapping *slot = NULL;
	for (int i = 0; i < NSHM_MAP && !slot; i++)
		if (!p->shm_maps[i].shm)
			slot = &p->shm_maps[i];
	if (slot == NULL)
		return ERR_FULL;
	for (uint64 i = 0; i < s->npages; i++) {
		uint64 pa = (uintptr)s->frames[i];
		if (vm_map_page(p->pml4, va + i * PGSIZE, pa, flags | PTE_U | PTE_SHARED) < 0) {
			uvm_unmap(p->pml4, va, i * PGSIZE);
			return ERR_NOMEM;
		}
	}
	*slot = (struct shm_mapping){s, va, s->npages * PGSIZE};
	return 0;
}

// shm_map(handle, addr, prot): map the whole object; returns its address.
int64 sys_shm_map(const uint64 *arg)
{
	struct proc *p = myproc();
	struct shm *s = handle_get(arg[0], H_SHM, NULL);
	uint64 flags;
	int64 va;

	if (s == NULL)
		return ERR_BADHANDLE;
	if (!vm_prot_flags(arg[2], &flags))
		return ERR_INVAL;
	acquire(&proc_lock);
	va = vm_place(p, arg[1], s->npages * PGSIZE);
	if (va >= 0) {
		int err = shm_map_into(p, s, (uint64)va, flags);
		va = err < 0 ? err : va;
	}
	release(&proc_lock);
	if (va >= 0)
		shm_get(s); // the mapping's reference
	return va;
}
