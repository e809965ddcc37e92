// lib.h: the freestanding helpers shared by the kernel and user space:
// string routines (string.c), printf-style formatting (fmt.c) and the
// words for ABI errors (err_text.c).
#ifndef RUGO_LIB_H
#define RUGO_LIB_H

#include "types.h"

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

// fmt_vformat calls put(c, arg) for each output byte and returns the count.
// Conversions: %s %c %d %u %x %p %%, with l/ll, a width and '0' padding.
typedef void (*fmt_put_fn)(char c, void *arg);
int fmt_vformat(fmt_put_fn put, void *arg, const char *fmt, va_list ap);

// fmt_snprintf formats into buf (always NUL-terminated when size > 0) and
// returns the length the full output would have had, like C's snprintf.
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

// The words for err, a negative ABI v0 error (abi.h), or "unknown error".
const char *err_text(long err);

#endif
