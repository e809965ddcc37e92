// multiboot.h: the parts of the Multiboot v1 information block Rugo reads
// (command line, memory map, modules). Layout per the Multiboot 0.6.96 spec.
#ifndef RUGO_MULTIBOOT_H
#define RUGO_MULTIBOOT_H

#include "types.h"

#define MULTIBOOT_BOOT_MAGIC 0x2BADB002

#define MB_INFO_CMDLINE (1u << 2)
#define MB_INFO_MODS (1u << 3)
#define MB_INFO_MMAP (1u << 6)

struct multiboot_info {
	uint32 flags;
	uint32 mem_lower, mem_upper;
	uint32 boot_device;
	uint32 cmdline;
	uint32 mods_count, mods_addr;
	uint32 syms[4];
	uint32 mmap_length, mmap_addr;
} __attribute__((packed));

// One memory map entry; `size` counts the bytes after itself.
struct multiboot_mmap_entry {
	uint32 size;
	uint64 addr, len;
	uint32 type; // 1 = available RAM
} __attribute__((packed));

#define MB_MMAP_AVAILABLE 1

struct multiboot_module {
	uint32 mod_start, mod_end;
	uint32 string;
	uint32 reserved;
} __attribute__((packed));

#endif
