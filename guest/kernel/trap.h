// trap.h: trap vector numbers.
#ifndef RUGO_TRAP_H
#define RUGO_TRAP_H

#define T_DIVIDE 0
#define T_BREAKPOINT 3
#define T_INVALID_OPCODE 6
#define T_DOUBLE_FAULT 8
#define T_GPF 13
#define T_PAGE_FAULT 14
#define T_IRQ0 32     // the 8259 PICs are remapped to 32-47
#define T_SYSCALL 128 // int 0x80

#define IRQ_TIMER 0
#define IRQ_COM1 4

#endif
