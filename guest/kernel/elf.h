// elf.h: the ELF64 file and program headers the program loader reads
// (System V gABI, x86-64 psABI).
#ifndef RUGO_ELF_H
#define RUGO_ELF_H

#include "types.h"

#define ELF_MAGIC 0x464c457fU // "\x7fELF" little-endian
#define ELFCLASS64 2
#define ET_EXEC 2
#define EM_X86_64 62

struct elf64_ehdr {
	uint32 magic;
	uint8 ident[12]; // class, data, version, ABI, padding
	uint16 type, machine;
	uint32 version;
	uint64 entry, phoff, shoff;
	uint32 flags;
	uint16 ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

#define PT_LOAD 1
#define PF_X 1
#define PF_W 2

struct elf64_phdr {
	uint32 type, flags;
	uint64 offset, vaddr, paddr, filesz, memsz, align;
};

#endif
