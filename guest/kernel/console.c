// console.c: kprintf, the kernel's formatted output to the serial console.
// Every kprintf call is atomic under console_lock, so a marker printed by
// one thread is never torn by another. A panic stops taking the lock: the
// lock may be held by whoever broke, and the last words must get out.
#include "types.h"
#include "defs.h"
#include "spinlock.h"
#include "proc.h"

static struct spinlock console_lock = SPINLOCK_INIT("console");
static bool panicking;

static void console_put(char c, void *arg)
{
	(void)arg;
	uart_putc(c);
}

// Print formatted output on COM1. Safe with interrupts off; takes
// console_lock unless the kernel is panicking.
void kvprintf(const char *fmt, va_list ap)
{
	bool locked = !panicking;
	if (locked)
		acquire(&console_lock);
	fmt_vformat(console_put, NULL, fmt, ap);
	if (locked)
		release(&console_lock);
}

// Switch the console to lock-free output for good. Called by panic.
void console_panic(void)
{
	panicking = true;
}

// console_read(buf, cap): wait for console input; returns 1 to cap bytes
// (at most CONSOLE_READ_MAX per call).
int64 sys_console_read(const uint64 *arg)
{
	uint8 buf[CONSOLE_READ_MAX];
	uint64 cap = arg[1];
	if (cap == 0 || cap > CONSOLE_READ_MAX)
		return ERR_INVAL;
	uint32 n = uart_read(buf, (uint32)cap);
	if (n == 0)
		return ERR_INVAL; // killed while waiting
	return copyout(myproc()->pml4, arg[0], buf, n) < 0 ? ERR_FAULT : (int64)n;
}

void kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
}
