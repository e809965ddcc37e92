// kalloc.c: the physical page allocator. Usable 4 KiB frames of RAM (from
// the Multiboot memory map, below KERNEL_MAP_LIMIT, minus the kernel image
// and anything the loader left for us) are handed out in two ways: frames
// that were freed sit on a free list linked through the frames themselves
// (the identity map makes them addressable); frames never yet allocated are
// taken in address order from the memory map ranges, so that boot touches no
// frame it does not use. Under TCG, junk-filling all of RAM at boot cost
// more than the rest of Rugo's start together (docs/performance.md).
#include "types.h"
#include "defs.h"
#include "mmu.h"
#include "multiboot.h"
#include "spinlock.h"

extern char __kernel_start[], __kernel_end[];

struct run {
	struct run *next;
};

#define MAX_RANGES 32
static struct {
	struct spinlock lock;
	struct run *free;
	uint64 nfree, ntotal;
	uint64 ram_top; // end of the highest usable RAM we map
	// Never-allocated frames: [next, range[cur].end), then the later ranges.
	struct {
		uint64 start, end;
	} range[MAX_RANGES];
	int nranges, cur;
	uint64 next;
} kmem = {.lock = SPINLOCK_INIT("kmem")};

#define MAX_RESERVED 8
static struct {
	uint64 start, end;
} reserved[MAX_RESERVED];
static int nreserved;

// Keep [start, end) out of the allocator (loader data, modules).
static void kalloc_reserve(uint64 start, uint64 end)
{
	if (nreserved == MAX_RESERVED)
		panic(PANIC_KALLOC, "kalloc_reserve: table full");
	reserved[nreserved].start = PGROUNDDOWN(start);
	reserved[nreserved].end = PGROUNDUP(end);
	nreserved++;
}

// Is the frame at pa usable for allocation?
static bool kalloc_usable(uint64 pa)
{
	if (pa < (uint64)(uintptr)__kernel_end || pa + PGSIZE > KERNEL_MAP_LIMIT)
		return false;
	for (int i = 0; i < nreserved; i++)
		if (pa < reserved[i].end && pa + PGSIZE > reserved[i].start)
			return false;
	return true;
}

// Reserve what the Multiboot loader handed us: the info block, the map
// and the modules, so that reading them later stays safe.
static void kalloc_reserve_boot(const struct multiboot_info *mbi)
{
	kalloc_reserve((uintptr)mbi, (uintptr)mbi + sizeof(*mbi));
	kalloc_reserve(mbi->mmap_addr, (uint64)mbi->mmap_addr + mbi->mmap_length);
	if (!(mbi->flags & MB_INFO_MODS))
		return;
	const struct multiboot_module *mod = (const void *)(uintptr)mbi->mods_addr;
	kalloc_reserve((uintptr)mod, (uintptr)(mod + mbi->mods_count));
	for (uint32 i = 0; i < mbi->mods_count; i++)
		kalloc_reserve(mod[i].mod_start, mod[i].mod_end);
}

// Count the usable frames of one available memory map range and remember
// the range for kalloc_fresh. Touches no frame: only the loop is per frame.
static void kalloc_add_range(uint64 start, uint64 len)
{
	uint64 end = PGROUNDDOWN(start + len);
	uint64 n = 0;
	start = PGROUNDUP(start);
	for (uint64 pa = start; pa + PGSIZE <= end; pa += PGSIZE) {
		if (!kalloc_usable(pa))
			continue;
		n++;
		if (pa + PGSIZE > kmem.ram_top)
			kmem.ram_top = pa + PGSIZE;
	}
	if (n == 0)
		return;
	if (kmem.nranges == MAX_RANGES)
		panic(PANIC_KALLOC, "kalloc_add_range: too many memory map ranges");
	kmem.range[kmem.nranges].start = start;
	kmem.range[kmem.nranges].end = end;
	kmem.nranges++;
	kmem.ntotal += n;
	kmem.nfree += n;
}

// The next never-allocated usable frame, or NULL when none is left.
// Called with kmem.lock held.
static void *kalloc_fresh(void)
{
	while (kmem.cur < kmem.nranges) {
		if (kmem.next < kmem.range[kmem.cur].start)
			kmem.next = kmem.range[kmem.cur].start;
		while (kmem.next + PGSIZE <= kmem.range[kmem.cur].end) {
			uint64 pa = kmem.next;
			kmem.next += PGSIZE;
			if (kalloc_usable(pa))
				return (void *)(uintptr)pa;
		}
		kmem.cur++;
	}
	return NULL;
}

// Take the usable RAM from the Multiboot memory map. Runs once, on the boot
// page tables (which map the first 1 GiB), before any other allocation.
void kalloc_init(const struct multiboot_info *mbi)
{
	if (!(mbi->flags & MB_INFO_MMAP))
		panic(PANIC_NO_MEMORY, "kalloc_init: no Multiboot memory map");
	kalloc_reserve_boot(mbi);
	uint64 p = mbi->mmap_addr, end = p + mbi->mmap_length;
	while (p < end) {
		const struct multiboot_mmap_entry *e = (const void *)(uintptr)p;
		if (e->type == MB_MMAP_AVAILABLE)
			kalloc_add_range(e->addr, e->len);
		p += e->size + sizeof(e->size);
	}
	if (kmem.ntotal == 0)
		panic(PANIC_NO_MEMORY, "kalloc_init: no usable RAM");
}

// Allocate one zeroed 4 KiB frame. Returns its (identity) address, or NULL
// when memory is exhausted. Takes kmem.lock.
void *kalloc(void)
{
	acquire(&kmem.lock);
	struct run *r = kmem.free;
	if (r)
		kmem.free = r->next;
	else
		r = kalloc_fresh();
	if (r)
		kmem.nfree--;
	release(&kmem.lock);
	if (r)
		memset(r, 0, PGSIZE);
	return r;
}

// Return a frame from kalloc to the free list. Junk-fills it so a use after
// free shows up as garbage instead of stale data (only real frees pay it).
void kfree(void *page)
{
	uint64 pa = (uintptr)page;
	if (pa % PGSIZE || !kalloc_usable(pa))
		panic(PANIC_KALLOC, "kfree: bad frame %p", page);
	memset(page, 0x5a, PGSIZE);
	struct run *r = page;
	acquire(&kmem.lock);
	r->next = kmem.free;
	kmem.free = r;
	kmem.nfree++;
	release(&kmem.lock);
}

// Counters for the stats call and the mm scenario.
void kalloc_stats(uint64 *nfree, uint64 *ntotal)
{
	acquire(&kmem.lock);
	*nfree = kmem.nfree;
	*ntotal = kmem.ntotal;
	release(&kmem.lock);
}

// The end of the RAM the kernel maps (vm.c sizes the direct map with it).
uint64 kalloc_ram_top(void)
{
	return kmem.ram_top;
}
