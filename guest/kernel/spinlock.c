// spinlock.c: spinlocks and the interrupt-disable nesting they rely on.
// Rugo runs on one CPU, but the lock still spins on an atomic exchange so
// the discipline is the one an SMP kernel needs.
#include "types.h"
#include "x86.h"
#include "defs.h"
#include "spinlock.h"
#include "proc.h"

// Disable interrupts, remembering whether they were on at the outermost
// level. Matched by pop_off; nests.
void push_off(void)
{
	bool was_on = intr_enabled();
	cli();
	if (cpu.noff == 0)
		cpu.intena = was_on;
	cpu.noff++;
}

// Undo one push_off; re-enable interrupts when the outermost one had them on.
void pop_off(void)
{
	if (intr_enabled())
		panic(PANIC_LOCK, "pop_off: interrupts on");
	if (cpu.noff < 1)
		panic(PANIC_LOCK, "pop_off: not pushed");
	cpu.noff--;
	if (cpu.noff == 0 && cpu.intena)
		sti();
}

// Take lk, spinning. Interrupts stay off until the matching release.
// Taking a lock this CPU already holds is a deadlock: panic instead.
void acquire(struct spinlock *lk)
{
	push_off();
	if (holding(lk))
		panic(PANIC_LOCK, "acquire: %s already held", lk->name);
	while (__atomic_exchange_n(&lk->locked, 1, __ATOMIC_ACQUIRE))
		;
}

// Drop lk and pop the interrupt state acquire pushed.
void release(struct spinlock *lk)
{
	if (!holding(lk))
		panic(PANIC_LOCK, "release: %s not held", lk->name);
	__atomic_store_n(&lk->locked, 0, __ATOMIC_RELEASE);
	pop_off();
}

// Is lk held? With one CPU, held means held by us. Call with interrupts off.
bool holding(struct spinlock *lk)
{
	return lk->locked != 0;
}
