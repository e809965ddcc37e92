// main.c: kmain, the first C code, called by boot.S in long mode on the boot
// stack with interrupts off. It brings up the console, prints the boot
// marker and hands over to the scenario the command line names.
#include "types.h"
#include "defs.h"
#include "multiboot.h"

// Entered once; never returns. magic and info come from the loader's EAX/EBX.
void kmain(uint32 magic, uint32 info)
{
	const struct multiboot_info *mbi = (const void *)(uintptr)info;
	char test[32];

	uart_init();
	if (magic != MULTIBOOT_BOOT_MAGIC)
		panic(PANIC_BAD_BOOT, "not booted by a Multiboot loader");
	cmdline_init(mbi);
	kprintf("RUGO: boot ok\n");
	scenario_run(cmdline_get("rugo.test", test, sizeof(test)) ? test : "banner");
}
