// panic.c: the kernel's two ways out: a clean halt and a panic, both through
// QEMU's isa-debug-exit device (port 0xf4), so the host sees a verdict in
// QEMU's exit status.
#include "types.h"
#include "x86.h"
#include "defs.h"

#define DEBUG_EXIT_PORT 0xf4

#ifdef RUGO_LAYOUT_PAD
// Test-only (GUEST_EXTRA_CFLAGS=-DRUGO_LAYOUT_PAD, harness/tests/e2e/
// crash_titles.sh): 4 KiB of code that moves every function linked after
// this file, to show that Kiln's crash titles do not depend on the layout.
__attribute__((used, noinline)) void panic_layout_pad(void)
{
	__asm__ volatile(".fill 4096, 1, 0x90");
}
#endif

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

#define TRACE_MAX 16	     // frames printed at most
#define TRACE_FRAME_MAX 4096 // a larger gap between frames is not a frame

// Print the return addresses of the frame-pointer chain from rbp, as
// `trace: 0x... 0x...` (for Kiln's symbolized crash titles, docs/guest.md).
// The walk only goes up the stack, one bounded step at a time, and stops at
// the 0 that boot.S and thread.c put at the bottom, so it never reads far
// from a stack it trusts. A trap's chain passes through the interrupted
// function's frame, whose RIP the `trap:` line gives.
static void panic_trace(const uint64 *rbp)
{
	kprintf("trace:");
	for (int i = 0; i < TRACE_MAX && rbp; i++) {
		const uint64 *next = (const uint64 *)rbp[0];
		if (rbp[1] == 0)
			break;
		kprintf(" %p", (void *)rbp[1]);
		if ((uintptr)next & 7 || next <= rbp ||
		    (uintptr)next - (uintptr)rbp > TRACE_FRAME_MAX)
			break;
		rbp = next;
	}
	kprintf("\n");
}

// Report a broken invariant: a reason line with the caller's address (for
// addr2line), the call trace, then the marker `RUGO: panic code=0x<hex>`,
// then the failure exit. Interrupts go off first so nothing else prints in
// between.
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
	panic_trace(__builtin_frame_address(0));
	kprintf("RUGO: panic code=0x%x\n", code);
	qemu_exit(QEMU_EXIT_FAIL);
}
