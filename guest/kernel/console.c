// console.c: kprintf, the kernel's formatted output to the serial console.
// Markers are whole kprintf calls, so one marker never interleaves with
// another once the console lock exists (see lock in kprintf).
#include "types.h"
#include "defs.h"

static void console_put(char c, void *arg)
{
	(void)arg;
	uart_putc(c);
}

// Print formatted output on COM1. Safe with interrupts off.
void kvprintf(const char *fmt, va_list ap)
{
	fmt_vformat(console_put, NULL, fmt, ap);
}

void kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
}
