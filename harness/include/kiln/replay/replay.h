/* kiln/replay/replay.h: `kiln replay CASE_DIR`, a failing case booted again from
 * its report, under gdb.
 *
 * Owner: ring0 core. replay.c reads the case's recipe (kiln/replay_recipe.h),
 * refuses when the guest's inputs changed (unless --force), and starts the
 * same guest paused with a gdbstub on a unix socket in a private 0700
 * directory; a recorded case is replayed with rr=replay, so the execution is
 * the one that failed and runs backwards too. replay_session.c runs QEMU and
 * gdb to the end: no case timeout applies while gdb is attached, the console
 * goes to a named file (and the terminal when gdb does not own it), and QEMU
 * never outlives kiln. The guide is docs/replay.md.
 */
#ifndef KILN_REPLAY_H
#define KILN_REPLAY_H

#include <stddef.h>

#include "kiln/fixture/fixture.h"

/* Exit codes of `kiln replay` besides 0, KILN_EXIT_USAGE (2),
 * KILN_EXIT_BACKEND (8, gdb missing) and KILN_EXIT_INTERRUPTED (130). */
enum {
	REPLAY_EXIT_GDB_FAILED = 1,	/* gdb exited with a failure */
	REPLAY_EXIT_TIMEOUT = 6,	/* --timeout passed (--no-gdb, --gdb-batch) */
	REPLAY_EXIT_HARNESS = 7,	/* kiln or QEMU failed to start the replay */
	REPLAY_EXIT_INPUTS_CHANGED = 9, /* refused: the guest is not the run's */
	REPLAY_EXIT_DIVERGED = 10,	/* --no-gdb: the console differs from the run's */
};

enum replay_mode {
	REPLAY_MODE_WAIT,    /* default: wait for a gdb the user starts */
	REPLAY_MODE_GDB,     /* --gdb: gdb in the foreground */
	REPLAY_MODE_BATCH,   /* --gdb-batch FILE: gdb's output on stdout */
	REPLAY_MODE_CONSOLE, /* --no-gdb: run and compare the console */
};

/* One replay, as replay.c prepares it for replay_session_run(). Every
 * pointer is borrowed. */
struct replay_session {
	enum replay_mode mode;
	const struct fixture *f;
	const char *accel;
	const char *out_dir;	  /* console.log, gdbinit, gdb.log, qemu.stderr */
	const char *run_dir;	  /* private 0700 directory for the sockets */
	char **extra_args;	  /* gdbstub and rr arguments */
	const char *gdb;	  /* the gdb binary (GDB, BATCH) */
	const char *gdbinit;	  /* path */
	const char *batch_file;	  /* BATCH */
	const char *qemu_version; /* the run's, to warn when this QEMU differs */
	bool recording;		  /* replaying a recording (rr=replay) */
	const char *want;	  /* CONSOLE: the run's console.log */
	size_t want_len;
	/* --no-gdb: always; --gdb-batch: only when given (a CI bound). No
	 * timeout applies while gdb is attached interactively. 0: none. */
	double timeout_s;
};

/* `kiln replay CASE_DIR [options]` (argv borrowed). Returns its exit code:
 * 0, one of REPLAY_EXIT_*, KILN_EXIT_USAGE, KILN_EXIT_BACKEND or
 * KILN_EXIT_INTERRUPTED. */
int replay_main(int argc, char **argv);

/* Run QEMU (and gdb) to the end, every process reaped before it returns;
 * s (borrowed) is only read. Returns kiln replay's exit code. */
int replay_session_run(const struct replay_session *s);

/* How far a replay's console agrees with the run's. Start from
 * REPLAY_CONSOLE_CMP_INIT and pass the same one to every call. */
struct replay_console_cmp {
	size_t offset; /* bytes that agree: the first differing byte, once found */
	size_t line;   /* 1-based line of offset in the run's console */
};
#define REPLAY_CONSOLE_CMP_INIT ((struct replay_console_cmp){0, 1})

/* Compare the run's console (want) with the replay's so far (got), from
 * where cmp says they agree. Returns 1 when got has all of want, 0 while
 * got agrees but is shorter, -1 when they differ at cmp->offset. */
int replay_console_compare(const char *want, size_t want_len, const char *got, size_t got_len,
			   struct replay_console_cmp *cmp);

#endif
