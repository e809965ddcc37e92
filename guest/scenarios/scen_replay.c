// scen_replay.c: the deliberately failing scenario behind Kiln's record and
// replay test (docs/replay.md, fixtures/selftest/replay_null_write.json). A
// lookup in a table nobody filled returns NULL and replay_slot_store writes
// through it: a page fault at address 0 in a named function, so gdb can be
// shown walking back from panic to the store that went wrong.
#include "types.h"
#include "defs.h"
#include "scenario.h"

struct replay_slot {
	uint64 key;
	uint64 value;
};

// Never filled: the bug under test. The elements are volatile so that the
// compiler cannot see the NULL and put a trap of its own (ud2) in place of
// the store.
static struct replay_slot *volatile replay_slots[4];

// The slot for key, or NULL when it has none.
static struct replay_slot *replay_slot_lookup(uint64 key)
{
	return replay_slots[key % NELEM(replay_slots)];
}

// Stores made, for a debugger to watch (volatile: kept in memory, in order).
static volatile uint64 replay_stores;

// Count the store, then fill slot; faults when slot is NULL. Neither inlined
// nor cloned (a constprop copy renames it): it keeps its own frame and plain
// name for backtraces and gdb breakpoints.
static __attribute__((noinline, noclone)) void replay_slot_store(struct replay_slot *slot,
								 uint64 key, uint64 value)
{
	replay_stores++;
	slot->key = key;
	slot->value = value;
}

// replay_null_write: the store faults, and the trap panics with 0x10e
// (PANIC_TRAP_BASE + 14). Coming back here is the scenario's own failure.
void scen_replay_null_write(void)
{
	kprintf("REPLAY: storing to slot 3\n");
	replay_slot_store(replay_slot_lookup(3), 3, 42);
	panic(PANIC_SCENARIO, "replay_null_write: no fault");
}
