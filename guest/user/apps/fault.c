// fault.c: misbehaves in ring 3 in the way `arg` selects, so the kernel must
// kill it and carry on. It never gets to print its last line.
#include "user.h"

#define KERNEL_TEXT 0x100000UL // the kernel image: present, but supervisor only

int main(long how)
{
	switch (how) {
	case 0: // write through NULL: not present
		*(volatile long *)0 = 1;
		break;
	case 1: // read kernel memory
		(void)*(volatile long *)KERNEL_TEXT;
		break;
	case 2: // a privileged instruction
		__asm__ volatile("hlt");
		break;
	default: // an undefined instruction
		__asm__ volatile("ud2");
		break;
	}
	printf("FAULT: survived %ld\n", how);
	return 0;
}
