// mmu.h: x86-64 paging, segment and gate definitions (Intel SDM vol. 3,
// chapters 3-6), and Rugo's virtual memory layout.
#ifndef RUGO_MMU_H
#define RUGO_MMU_H

#include "types.h"

typedef uint64 pte_t;
typedef pte_t *pagetable_t; // one 4 KiB table of 512 entries, any level

#define PTE_P (1ULL << 0)      // present
#define PTE_W (1ULL << 1)      // writable
#define PTE_U (1ULL << 2)      // user accessible
#define PTE_PS (1ULL << 7)     // 2 MiB page (in a page directory entry)
#define PTE_SHARED (1ULL << 9) // software bit: frame owned by a shm object
#define PTE_NX (1ULL << 63)    // no execute (EFER.NXE is set by boot.S)
#define PTE_ADDR(pte) ((pte)&0x000ffffffffff000ULL)
#define PTE_FLAGS(pte) ((pte) & ~0x000ffffffffff000ULL)

// Index of va in the table at level (3 = PML4, 0 = page table).
#define PX(level, va) (((uint64)(va) >> (12 + 9 * (level))) & 0x1ff)

#define HUGE_PAGE (2ULL << 20)

// Layout (identity mapped, see docs/guest.md):
//   [0, 4 KiB)             unmapped, so a NULL dereference faults
//   [4 KiB, 1 MiB)         RW, NX (BIOS area; nothing of ours)
//   [1 MiB, kernel end)    kernel image: text RX, rodata R NX, data RW NX,
//                          one unmapped guard page below each kernel stack
//   [kernel end, RAM top)  RW, NX: page allocator memory, 4 KiB pages up to
//                          the next 2 MiB boundary, 2 MiB pages above
//   [1 GiB, 512 GiB)       user space, one address space per process
#define KERNEL_MAP_LIMIT (1ULL << 30) // the kernel maps RAM below this only
#define USER_BASE (1ULL << 30)
#define USER_TOP (1ULL << 39) // = USER_SPACE_TOP in abi.h

// GDT selectors. The user data/code order is what SYSRET would need and
// harmless for iretq.
#define SEG_KCODE 0x08
#define SEG_KDATA 0x10
#define SEG_UDATA (0x18 | 3)
#define SEG_UCODE (0x20 | 3)
#define SEG_TSS 0x28

#define RFLAGS_IF (1ULL << 9)

#endif
