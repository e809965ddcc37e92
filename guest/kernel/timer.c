// timer.c: the 8254 PIT on channel 0 at TIMER_HZ, the tick counter, tick
// sleeps, and preemption: every tick forces the running thread to yield.
#include "types.h"
#include "x86.h"
#include "defs.h"
#include "proc.h"
#include "spinlock.h"

#define PIT_HZ 1193182
#define PIT_CH0 0x40
#define PIT_CMD 0x43

static struct spinlock tickslock = SPINLOCK_INIT("ticks");
static uint64 ticks; // guarded by tickslock

// Program channel 0 as a rate generator (mode 2) at TIMER_HZ.
void timer_init(void)
{
	uint16 divisor = PIT_HZ / TIMER_HZ;
	outb(PIT_CMD, 0x34); // channel 0, lobyte/hibyte, mode 2
	outb(PIT_CH0, divisor & 0xff);
	outb(PIT_CH0, divisor >> 8);
}

// Called from the timer interrupt: count, wake tick sleepers, preempt.
void timer_tick(void)
{
	acquire(&tickslock);
	ticks++;
	uint64 now = ticks;
	wakeup(&ticks);
	release(&tickslock);
	wakeup_expired(now);
	if (cpu.thread)
		yield();
}

// Ticks since timer_init.
uint64 timer_ticks(void)
{
	acquire(&tickslock);
	uint64 t = ticks;
	release(&tickslock);
	return t;
}

// Sleep until n more ticks have passed. Call with interrupts on.
void timer_sleep(uint64 n)
{
	acquire(&tickslock);
	uint64 until = ticks + n;
	while (ticks < until)
		sleep(&ticks, &tickslock);
	release(&tickslock);
}
