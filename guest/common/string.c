// string.c: the mem* and str* routines shared by the kernel and user lib (the
// compiler may also emit calls to memset/memcpy/memmove/memcmp). Byte loops:
// none of this is hot.
#include "types.h"
#include "lib.h"

void *memset(void *dst, int c, size_t n)
{
	uint8 *d = dst;
	while (n--)
		*d++ = (uint8)c;
	return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	uint8 *d = dst;
	const uint8 *s = src;
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
	while (n--)
		d[n] = s[n];
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8 *x = a, *y = b;
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
