// fmt.c: printf-style formatting for the kernel console and user programs.
// One engine, fmt_vformat, writes through a callback so the same code serves
// the serial port, a user write buffer and snprintf.
#include "types.h"
#include "lib.h"

struct fmt_spec {
	int width;
	bool zero;
	int longs; // number of 'l' modifiers
};

// Emit a number in base 10 or 16, padded to spec->width. Returns the count.
static int fmt_number(fmt_put_fn put, void *arg, uint64 v, int base, bool neg,
		      const struct fmt_spec *spec)
{
	char tmp[24];
	int n = 0, out = 0;
	do {
		tmp[n++] = "0123456789abcdef"[v % (uint64)base];
		v /= (uint64)base;
	} while (v);
	if (neg)
		tmp[n++] = '-';
	for (int pad = spec->width - n; pad > 0; pad--, out++)
		put(spec->zero ? '0' : ' ', arg);
	while (n)
		put(tmp[--n], arg), out++;
	return out;
}

// Fetch the next integer argument with the size the modifiers say.
static uint64 fmt_arg(va_list *ap, const struct fmt_spec *spec, bool is_signed)
{
	if (spec->longs)
		return is_signed ? (uint64)va_arg(*ap, long) : va_arg(*ap, unsigned long);
	return is_signed ? (uint64)(int64)va_arg(*ap, int) : va_arg(*ap, unsigned int);
}

// Format one conversion c; *ap advances. Returns the byte count written.
static int fmt_conv(fmt_put_fn put, void *arg, char c, va_list *ap, struct fmt_spec *spec)
{
	const char *s;
	int64 sv;
	int n = 0;
	switch (c) {
	case 'd':
		sv = (int64)fmt_arg(ap, spec, true);
		return fmt_number(put, arg, sv < 0 ? -(uint64)sv : (uint64)sv, 10, sv < 0, spec);
	case 'u': return fmt_number(put, arg, fmt_arg(ap, spec, false), 10, false, spec);
	case 'x': return fmt_number(put, arg, fmt_arg(ap, spec, false), 16, false, spec);
	case 'p':
		put('0', arg), put('x', arg);
		return 2 + fmt_number(put, arg, (uintptr)va_arg(*ap, void *), 16, false, spec);
	case 'c': put((char)va_arg(*ap, int), arg); return 1;
	case 's':
		s = va_arg(*ap, const char *);
		for (s = s ? s : "(null)"; *s; s++, n++)
			put(*s, arg);
		return n;
	default: // "%%" and unknown conversions print themselves
		put(c, arg);
		return 1;
	}
}

int fmt_vformat(fmt_put_fn put, void *arg, const char *fmt, va_list ap)
{
	va_list cur;
	int n = 0;
	va_copy(cur, ap);
	for (; *fmt; fmt++) {
		struct fmt_spec spec = {0, false, 0};
		if (*fmt != '%') {
			put(*fmt, arg), n++;
			continue;
		}
		if (*++fmt == '0')
			spec.zero = true, fmt++;
		for (; *fmt >= '0' && *fmt <= '9'; fmt++)
			spec.width = spec.width * 10 + (*fmt - '0');
		for (; *fmt == 'l'; fmt++)
			spec.longs++;
		if (!*fmt)
			break;
		n += fmt_conv(put, arg, *fmt, &cur, &spec);
	}
	va_end(cur);
	return n;
}

struct fmt_buf {
	char *buf;
	size_t size, len;
};

static void fmt_buf_put(char c, void *arg)
{
	struct fmt_buf *b = arg;
	if (b->len + 1 < b->size)
		b->buf[b->len] = c;
	b->len++;
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_buf b = {buf, size, 0};
	fmt_vformat(fmt_buf_put, &b, fmt, ap);
	if (size)
		buf[b.len < size ? b.len : size - 1] = '\0';
	return (int)b.len;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
