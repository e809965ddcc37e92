/* replay/replay_gdb.h: gdb for `kiln replay`: finding it, and the gdbinit
 * that attaches it to the replayed guest.
 *
 * Owner: ring0 core. gdb is optional (the design's "default path without
 * optional parts"): when it is missing, replay says so and what to install,
 * and the test that needs it skips.
 */
#ifndef KILN_REPLAY_GDB_H
#define KILN_REPLAY_GDB_H

#include <stdbool.h>

/* What the gdbinit says; strings are borrowed. */
struct replay_gdbinit {
	const char *case_name;
	const char *arch;	  /* gdb architecture, or NULL to let gdb choose */
	const char *symbols;	  /* absolute path of the ELF with symbols, or NULL */
	const char *socket;	  /* the gdbstub's unix socket */
	const char *panic_symbol; /* or NULL */
	bool reverse;		  /* a recording: reverse execution works */
};

/* gdb to run: $KILN_GDB (a path, or a name looked up on PATH), else gdb from
 * PATH. New string, or NULL when there is none. */
char *replay_gdb_find(void);

/* gdb's architecture for the guest of QEMU binary qemu (by its name:
 * qemu-system-x86_64 speaks 64-bit registers from the first instruction,
 * even in a 32-bit Multiboot entry). NULL when unknown. */
const char *replay_gdb_arch(const char *qemu);

/* The text of the gdbinit (new string). */
char *replay_gdbinit_text(const struct replay_gdbinit *g);

#endif
