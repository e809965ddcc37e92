// main.c: kmain, the first C code, called by boot.S in long mode on the boot
// stack with interrupts off. It brings the kernel up in dependency order,
// starts the scenario the command line names in its own thread, and becomes
// the scheduler.
#include "types.h"
#include "defs.h"
#include "multiboot.h"
#include "pci.h"
#include "lx.h"

static char test_name[32];

// Entered once; never returns. magic and info come from the loader's EAX/EBX.
void kmain(uint32 magic, uint32 info)
{
	const struct multiboot_info *mbi = (const void *)(uintptr)info;

	uart_init();
	if (magic != MULTIBOOT_BOOT_MAGIC)
		panic(PANIC_BAD_BOOT, "not booted by a Multiboot loader");
	cmdline_init(mbi);
	kprintf("RUGO: boot ok\n");
	exec_modules_init(mbi);
	kalloc_init(mbi);
	vm_init();
	gdt_init();
	idt_init();
	fpu_init();
	lx_init();
	thread_init();
	pic_init();
	timer_init();
	uart_enable_rx();
	pci_init();
	virtio_blk_init();
	virtio_net_init();
	if (!cmdline_get("rugo.test", test_name, sizeof(test_name)))
		fmt_snprintf(test_name, sizeof(test_name), "banner");
	scenario_start(test_name);
	scheduler();
}
