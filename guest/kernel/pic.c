// pic.c: the two 8259 interrupt controllers, remapped to vectors 32-47 so
// they do not collide with CPU exceptions, and IRQ dispatch. The timer
// (IRQ 0) is unmasked at init; drivers unmask their own lines.
#include "types.h"
#include "x86.h"
#include "defs.h"
#include "trap.h"

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1
#define PIC_EOI 0x20

// Initialise both PICs (ICW1-ICW4) with every line masked but IRQ 0.
void pic_init(void)
{
	outb(PIC1_CMD, 0x11); // ICW1: edge triggered, cascade, ICW4 follows
	outb(PIC2_CMD, 0x11);
	outb(PIC1_DATA, T_IRQ0); // ICW2: vector base
	outb(PIC2_DATA, T_IRQ0 + 8);
	outb(PIC1_DATA, 1 << 2); // ICW3: slave on IRQ 2
	outb(PIC2_DATA, 2);
	outb(PIC1_DATA, 0x01); // ICW4: 8086 mode
	outb(PIC2_DATA, 0x01);
	outb(PIC1_DATA, (uint8) ~(1 << IRQ_TIMER));
	outb(PIC2_DATA, 0xff);
}

// Unmask irq (0-15); a slave line also unmasks the cascade (IRQ 2).
void pic_enable(int irq)
{
	if (irq >= 8) {
		outb(PIC2_DATA, inb(PIC2_DATA) & (uint8) ~(1 << (irq - 8)));
		irq = 2;
	}
	outb(PIC1_DATA, inb(PIC1_DATA) & (uint8) ~(1 << irq));
}

// Acknowledge irq so the PIC delivers the next one.
static void pic_eoi(int irq)
{
	if (irq >= 8)
		outb(PIC2_CMD, PIC_EOI);
	outb(PIC1_CMD, PIC_EOI);
}

// Handle hardware interrupt irq (0-15), interrupts off. The timer may
// switch threads, so the EOI goes first. A device handler runs before
// its EOI: PCI lines are level-triggered, and the handler's read of the
// device's status lowers the line. The disk may share its line with the
// UART's, and the network card with either. Spurious IRQ 7/15 (nothing pending) are ignored.
void irq_dispatch(int irq)
{
	if (irq == IRQ_TIMER) {
		pic_eoi(irq);
		timer_tick();
		return;
	}
	if (irq == IRQ_COM1)
		uart_intr();
	if (irq == virtio_blk_irq())
		virtio_blk_intr();
	if (irq == virtio_net_irq())
		virtio_net_intr();
	if (irq != 7 && irq != 15)
		pic_eoi(irq);
}
