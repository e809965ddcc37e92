// string.c: the mem* and str* routines shared by the kernel and user lib (the
// compiler may also emit calls to memset/memcpy/memmove/memcmp). The mem*
// routines move 8-byte words once both pointers share an alignment: under
// TCG every guest instruction costs, and kalloc zeroes each 4 KiB frame, so
// a byte loop there was a visible part of the boot (docs/performance.md).
// The str* routines stay byte loops: strings here are short.
#include "types.h"
#include "lib.h"

// A word that may alias any object, so word access is not undefined.
typedef uint64 __attribute__((may_alias)) word_t;
#define WORD sizeof(word_t)

// Can dst and src both be walked a word at a time from here?
static bool words_aligned(const void *dst, const void *src)
{
	return (((uintptr)dst | (uintptr)src) & (WORD - 1)) == 0;
}

void *memset(void *dst, int c, size_t n)
{
	uint8 *d = dst;
	while (n && ((uintptr)d & (WORD - 1))) {
		*d++ = (uint8)c;
		n--;
	}
	word_t w = (uint8)c * 0x0101010101010101ULL;
	for (; n >= WORD; n -= WORD, d += WORD)
		*(word_t *)d = w;
	while (n--)
		*d++ = (uint8)c;
	return dst;
}

// Copy forwards; also memmove's direction when dst is below src.
void *memcpy(void *dst, const void *src, size_t n)
{
	uint8 *d = dst;
	const uint8 *s = src;
	if (((uintptr)d & (WORD - 1)) == ((uintptr)s & (WORD - 1))) {
		while (n && !words_aligned(d, s)) {
			*d++ = *s++;
			n--;
		}
		for (; n >= WORD; n -= WORD, d += WORD, s += WORD)
			*(word_t *)d = *(const word_t *)s;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

// Copy n bytes where the ranges may overlap.
void *memmove(void *dst, const void *src, size_t n)
{
	uint8 *d = dst;
	const uint8 *s = src;
	if (d < s || d >= s + n)
		return memcpy(dst, src, n);
	// Backwards, from the end; words once the ends share an alignment.
	d += n;
	s += n;
	if (((uintptr)d & (WORD - 1)) == ((uintptr)s & (WORD - 1))) {
		while (n && !words_aligned(d, s)) {
			*--d = *--s;
			n--;
		}
		for (; n >= WORD; n -= WORD) {
			d -= WORD;
			s -= WORD;
			*(word_t *)d = *(const word_t *)s;
		}
	}
	while (n--)
		*--d = *--s;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8 *x = a, *y = b;
	// Skip equal words; the bytes of the first unequal word decide.
	if (((uintptr)x & (WORD - 1)) == ((uintptr)y & (WORD - 1))) {
		while (n && !words_aligned(x, y)) {
			if (*x != *y)
				return *x - *y;
			x++, y++, n--;
		}
		for (; n >= WORD && *(const word_t *)x == *(const word_t *)y; n -= WORD)
			x += WORD, y += WORD;
	}
	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n && *a && *a == *b; n--, a++, b++)
		;
	return n ? (uint8)*a - (uint8)*b : 0;
}

int strcmp(const char *a, const char *b)
{
	return strncmp(a, b, (size_t)-1);
}
