// lx_exec.c: starting a static Linux ELF64 executable (a Go binary). The
// segments load as Rugo's own programs do (exec.c, which checks every
// header field); each is also recorded as a mapping so that mmap never
// lands on it. The main stack is an 8 MiB mapping below LX_STACK_TOP whose
// pages appear when touched, with the System V x86-64 start-up layout at
// its top: argc, argv (the program name), an empty envp and the auxiliary
// vector (AT_PHDR, AT_PHENT, AT_PHNUM, AT_PAGESZ, AT_ENTRY, AT_RANDOM; no
// vDSO, so Go's runtime makes real clock_gettime calls).
#include "types.h"
#include "defs.h"
#include "elf.h"
#include "mmu.h"
#include "proc.h"
#include "lx.h"

#define PT_PHDR 6
#define AT_NULL 0
#define AT_PHDR 3
#define AT_PHENT 4
#define AT_PHNUM 5
#define AT_PAGESZ 6
#define AT_ENTRY 9
#define AT_RANDOM 25

static uint32 seg_prot(uint32 flags)
{
	return LX_PROT_READ | (flags & PF_W ? LX_PROT_WRITE : 0) |
	       (flags & PF_X ? LX_PROT_EXEC : 0);
}

// Record each PT_LOAD segment and find where the program headers are in
// memory (0 if no segment holds them). exec_load has validated them.
static int record_segments(struct lx_proc *lx, const uint8 *image, uint64 *phdr_va)
{
	const struct elf64_ehdr *eh = (const void *)image;
	const struct elf64_phdr *ph = (const void *)(image + eh->phoff);
	*phdr_va = 0;
	for (int i = 0; i < eh->phnum; i++) {
		if (ph[i].type != PT_LOAD || ph[i].memsz == 0)
			continue;
		uint64 s = PGROUNDDOWN(ph[i].vaddr), e = PGROUNDUP(ph[i].vaddr + ph[i].memsz);
		if (lx_vma_add(lx, s, e, seg_prot(ph[i].flags)) < 0)
			return ERR_INVAL;
		if (eh->phoff >= ph[i].offset && eh->phoff - ph[i].offset < ph[i].filesz)
			*phdr_va = ph[i].vaddr + (eh->phoff - ph[i].offset);
	}
	return 0;
}

// 16 bytes for AT_RANDOM. Not cryptographic: the TSC, mixed.
static void random_bytes(uint64 out[2])
{
	uint32 lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	uint64 x = ((uint64)hi << 32 | lo) ^ 0x9e3779b97f4a7c15ULL;
	for (int i = 0; i < 2; i++) {
		x ^= x >> 31, x *= 0xbf58476d1ce4e5b9ULL, x ^= x >> 27;
		out[i] = x;
	}
}

// Say so when a segment lies below user space, the mark of a Go program
// linked at Go's default 4 MiB. Reads only headers inside the image.
static void explain_low_segment(const uint8 *image, uint64 size)
{
	const struct elf64_ehdr *eh = (const void *)image;
	if (size < sizeof(*eh) || eh->phoff > size ||
	    eh->phnum > (size - eh->phoff) / sizeof(struct elf64_phdr))
		return;
	const struct elf64_phdr *ph = (const void *)(image + eh->phoff);
	for (int i = 0; i < eh->phnum; i++)
		if (ph[i].type == PT_LOAD && ph[i].memsz && ph[i].vaddr < USER_BASE) {
			kprintf("LINUX: segment at 0x%lx is below user space (1 GiB): link Go "
				"programs with -ldflags=-T 0x40001000\n",
				ph[i].vaddr);
			return;
		}
}

// Load the ELF image into p (whose pml4 exists) and build the main stack.
// Returns 0 with the entry point and initial rsp, or ERR_INVAL / ERR_NOMEM;
// on error the caller frees the address space.
int lx_load(struct proc *p, const uint8 *image, uint64 size, uint64 *entry, uint64 *stack_top)
{
	const struct elf64_ehdr *eh = (const void *)image;
	uint64 phdr_va;
	int err = exec_load(p->pml4, image, size, entry);
	if (err == ERR_INVAL)
		explain_low_segment(image, size);
	if (err < 0)
		return err;
	if (*entry < USER_BASE || *entry >= USER_TOP)
		return ERR_INVAL;
	if (record_segments(p->lx, image, &phdr_va) < 0 ||
	    lx_vma_add(p->lx, LX_STACK_TOP - LX_STACK_SIZE, LX_STACK_TOP,
		       LX_PROT_READ | LX_PROT_WRITE) < 0)
		return ERR_INVAL;
	// The loader runs in a kernel thread, so the top page is mapped now
	// rather than on first touch.
	if (uvm_alloc(p->pml4, LX_STACK_TOP - PGSIZE, PGSIZE, PTE_W | PTE_NX) < 0)
		return ERR_NOMEM;

	// Strings at the very top, the vectors below them, rsp 16-byte aligned.
	uint64 name_va = LX_STACK_TOP - 32, random_va = LX_STACK_TOP - 64;
	uint64 sp = LX_STACK_TOP - 256;
	char name[32] = {0};
	uint64 rnd[2];
	fmt_snprintf(name, sizeof(name), "%s", p->name);
	random_bytes(rnd);
	uint64 v[] = {
		1,	  name_va,   0, // argc, argv[0], end of argv
		0,			// end of envp (empty)
		AT_PHDR,  phdr_va,   AT_PHENT,	sizeof(struct elf64_phdr),
		AT_PHNUM, eh->phnum, AT_PAGESZ, PGSIZE,
		AT_ENTRY, *entry,    AT_RANDOM, random_va,
		AT_NULL,  0,
	};
	_Static_assert(sizeof(v) <= 192, "start-up vector overlaps the strings");
	if (copyout(p->pml4, name_va, name, sizeof(name)) < 0 ||
	    copyout(p->pml4, random_va, rnd, sizeof(rnd)) < 0 ||
	    copyout(p->pml4, sp, v, sizeof(v)) < 0)
		return ERR_NOMEM;
	*stack_top = sp;
	return 0;
}
