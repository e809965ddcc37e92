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

static inline uint16 inw(uint16 port)
{
	uint16 v;
	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outw(uint16 port, uint16 v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint32 inl(uint16 port)
{
	uint32 v;
	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint64 read_rflags(void)
{
	uint64 f;
	__asm__ volatile("pushfq; popq %0" : "=r"(f));
	return f;
}

static inline bool intr_enabled(void)
{
	return (read_rflags() >> 9) & 1;
}

static inline uint64 read_cr2(void)
{
	uint64 v;
	__asm__ volatile("movq %%cr2, %0" : "=r"(v));
	return v;
}

static inline uint64 read_cr3(void)
{
	uint64 v;
	__asm__ volatile("movq %%cr3, %0" : "=r"(v));
	return v;
}

static inline void write_cr3(uint64 v)
{
	__asm__ volatile("movq %0, %%cr3" : : "r"(v) : "memory");
}

static inline uint64 read_cr0(void)
{
	uint64 v;
	__asm__ volatile("movq %%cr0, %0" : "=r"(v));
	return v;
}

static inline uint64 rdmsr(uint32 msr)
{
	uint32 lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64)hi << 32) | lo;
}

static inline void wrmsr(uint32 msr, uint64 v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32)v), "d"((uint32)(v >> 32)));
}

static inline void invlpg(uint64 va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static inline void cli(void)
{
	__asm__ volatile("cli" ::: "memory");
}
static inline void sti(void)
{
	__asm__ volatile("sti" ::: "memory");
}
static inline void hlt(void)
{
	__asm__ volatile("hlt" ::: "memory");
}

#endif
