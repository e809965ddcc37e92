// x86.h: inline wrappers for the x86-64 instructions C cannot express.
// Each one is a single instruction; callers own the meaning.
#ifndef RUGO_X86_H
#define RUGO_X86_H

#include "types.h"

static inline uint8 inb(uint16 port)
{
	uint8 v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outb(uint16 port, uint8 v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16 port, uint32 v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline void cli(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void sti(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void hlt(void) { __asm__ volatile("hlt" ::: "memory"); }

#endif
