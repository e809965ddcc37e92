// types.h: fixed-width integer names and a few helpers, shared by the kernel
// and user space.
// Owns nothing but names; every guest file includes it first.
#ifndef RUGO_TYPES_H
#define RUGO_TYPES_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t uint8;
typedef uint16_t uint16;
typedef uint32_t uint32;
typedef uint64_t uint64;
typedef int32_t int32;
typedef int64_t int64;
typedef uintptr_t uintptr;

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define PGSIZE 4096ULL
#define PGROUNDUP(a) (((a) + PGSIZE - 1) & ~(PGSIZE - 1))
#define PGROUNDDOWN(a) ((a) & ~(PGSIZE - 1))

#endif
