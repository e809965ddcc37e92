// uart.c: the COM1 16550 serial port, the kernel's only console.
// Polled output only: a marker must reach the host even with interrupts off
// or in the middle of a panic.
#include "types.h"
#include "x86.h"
#include "defs.h"

#define COM1 0x3f8
#define UART_THR 0    // transmit holding register (DLAB=0)
#define UART_IER 1    // interrupt enable (DLAB=0)
#define UART_FCR 2    // FIFO control
#define UART_LCR 3    // line control
#define UART_MCR 4    // modem control
#define UART_LSR 5    // line status
#define LSR_THRE 0x20 // transmit holding register empty

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
