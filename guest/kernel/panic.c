// panic.c: the kernel's two ways out: a clean halt and a panic, both through
// QEMU's isa-debug-exit device (port 0xf4), so the host sees a verdict in
// QEMU's exit status.
#include "types.h"
#include "x86.h"
#include "defs.h"

#define DEBUG_EXIT_PORT 0xf4

// Write value to isa-debug-exit; QEMU exits with (value << 1) | 1. Without
// the device the write is ignored, so halt forever instead.
void qemu_exit(uint8 value)
{
	cli();
	uart_flush(); // the last marker must be out before QEMU ends
	outl(DEBUG_EXIT_PORT, value);
	for (;;)
		hlt();
}

// Print the success marker and stop the machine with the success value.
void halt_ok(void)
{
	kprintf("RUGO: halt ok\n");
	qemu_exit(QEMU_EXIT_OK);
}

// Report a broken invariant: a reason line with the caller's address (for
// addr2line), then the marker `RUGO: panic code=0x<hex>`, then the failure
// exit. Interrupts go off first so nothing else prints in between.
void panic(uint32 code, const char *fmt, ...)
{
	va_list ap;

	cli();
	console_panic();
	kprintf("panic: ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf(" (caller=%p)\n", __builtin_return_address(0));
	kprintf("RUGO: panic code=0x%x\n", code);
	qemu_exit(QEMU_EXIT_FAIL);
}
