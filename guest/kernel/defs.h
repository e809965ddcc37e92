// defs.h: prototypes of every kernel subsystem, one block per file (xv6's
// defs.h habit): a reader sees the whole kernel surface in one place.
#ifndef RUGO_DEFS_H
#define RUGO_DEFS_H

#include "types.h"
#include "lib.h"

struct multiboot_info;

// uart.c
void uart_init(void);
void uart_putc(char c);

// console.c
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kvprintf(const char *fmt, va_list ap);

// panic.c: panic codes are listed in docs/guest.md.
#define PANIC_TEST 0x1         // rugo.test=panic asked for it
#define PANIC_UNKNOWN_TEST 0x2 // rugo.test= names no scenario
#define PANIC_BAD_BOOT 0x3     // not entered by a Multiboot loader
#define PANIC_SCENARIO 0x4     // a scenario found a broken invariant
#define PANIC_TRAP_BASE 0x100  // + vector: a fatal CPU exception
void panic(uint32 code, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));
void qemu_exit(uint8 value) __attribute__((noreturn));
void halt_ok(void) __attribute__((noreturn));
#define QEMU_EXIT_OK 0x10   // QEMU exits with 0x10 * 2 + 1 = 33
#define QEMU_EXIT_FAIL 0x11 // QEMU exits with 0x11 * 2 + 1 = 35

// cmdline.c
void cmdline_init(const struct multiboot_info *mbi);
const char *cmdline_get(const char *key, char *buf, size_t size);

// scenario.c
void scenario_run(const char *name) __attribute__((noreturn));

#endif
