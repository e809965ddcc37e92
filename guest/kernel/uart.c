// uart.c: the COM1 16550 serial port, the kernel's only console.
// Polled output: a marker must reach the host even with interrupts off or
// in the middle of a panic. Input comes by the receive interrupt (IRQ 4)
// into a ring buffer that console_read (the console_read call) drains.
#include "types.h"
#include "x86.h"
#include "defs.h"
#include "spinlock.h"
#include "trap.h"

#define COM1 0x3f8
#define UART_THR 0    // transmit holding register (DLAB=0)
#define UART_IER 1    // interrupt enable (DLAB=0)
#define UART_FCR 2    // FIFO control
#define UART_LCR 3    // line control
#define UART_MCR 4    // modem control
#define UART_LSR 5    // line status
#define LSR_DR 0x01   // data ready
#define LSR_THRE 0x20 // transmit holding register empty
#define LSR_TEMT 0x40 // transmitter empty: every byte is out
#define IER_RDA 0x01  // interrupt on received data
#define MCR_OUT2 0x08 // gates the UART's interrupt to the PIC on PCs

#define RX_BUF 256

// rx_lock guards the ring; a byte that finds it full is dropped (QEMU
// holds input back while the FIFO is full, so this needs a reader that
// has stopped reading).
static struct spinlock rx_lock = SPINLOCK_INIT("uart_rx");
static uint8 rx_buf[RX_BUF];
static uint32 rx_head, rx_count;

// Program COM1 for 115200 8N1 with FIFOs and no interrupts.
// Called once, first thing in kmain.
void uart_init(void)
{
	outb(COM1 + UART_IER, 0x00);
	outb(COM1 + UART_LCR, 0x80); // DLAB on: next two writes set the divisor
	outb(COM1 + 0, 0x01);	     // 115200 / 1
	outb(COM1 + 1, 0x00);
	outb(COM1 + UART_LCR, 0x03); // DLAB off, 8 bits, no parity, 1 stop
	outb(COM1 + UART_FCR, 0xc7); // enable and clear FIFOs
	outb(COM1 + UART_MCR, 0x03); // DTR, RTS
}

// Send one byte, spinning until the transmitter has room.
void uart_putc(char c)
{
	while ((inb(COM1 + UART_LSR) & LSR_THRE) == 0)
		;
	outb(COM1 + UART_THR, (uint8)c);
}

#define FLUSH_SPINS 1000000 // bound on uart_flush (each LSR read is a VM exit)

// Wait, bounded, until the UART has sent every byte. QEMU sets TEMT only
// once it has handed the last byte to its chardev; a byte it must retry
// (the socket would block) is still pending, and an exit then loses it:
// the last marker of a run came out cut ("RUGO: halt o") now and then.
void uart_flush(void)
{
	for (int i = 0; i < FLUSH_SPINS && !(inb(COM1 + UART_LSR) & LSR_TEMT); i++)
		;
}

// Turn on the receive interrupt. Called once the PIC is set up.
void uart_enable_rx(void)
{
	outb(COM1 + UART_MCR, 0x03 | MCR_OUT2);
	outb(COM1 + UART_IER, IER_RDA);
	pic_enable(IRQ_COM1);
}

// The receive interrupt: move every waiting byte into the ring.
void uart_intr(void)
{
	bool got = false;
	acquire(&rx_lock);
	while (inb(COM1 + UART_LSR) & LSR_DR) {
		uint8 c = inb(COM1 + UART_THR);
		if (rx_count < RX_BUF)
			rx_buf[(rx_head + rx_count++) % RX_BUF] = c;
		got = true;
	}
	release(&rx_lock);
	if (got)
		wakeup(&rx_count);
}

// Wait for console input and move up to cap bytes to buf. Returns the
// count: at least one, or 0 if the calling process was killed meanwhile.
uint32 uart_read(uint8 *buf, uint32 cap)
{
	uint32 n = 0;
	acquire(&rx_lock);
	while (rx_count == 0 && !proc_killed())
		sleep(&rx_count, &rx_lock);
	while (n < cap && rx_count) {
		buf[n++] = rx_buf[rx_head];
		rx_head = (rx_head + 1) % RX_BUF;
		rx_count--;
	}
	release(&rx_lock);
	return n;
}
