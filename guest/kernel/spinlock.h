// spinlock.h: the kernel's one lock type. Holding a spinlock keeps
// interrupts off on this CPU (push_off/pop_off nest), so an interrupt
// handler can never spin on a lock its own CPU already holds.
#ifndef RUGO_SPINLOCK_H
#define RUGO_SPINLOCK_H

#include "types.h"

struct spinlock {
	volatile uint32 locked;
	const char *name; // for panics
};

#define SPINLOCK_INIT(n) \
	{                \
		0, (n)   \
	}

void acquire(struct spinlock *lk);
void release(struct spinlock *lk);
bool holding(struct spinlock *lk);
void push_off(void);
void pop_off(void);

#endif
