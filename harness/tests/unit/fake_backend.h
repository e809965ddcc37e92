/* fake_backend.h: a scripted guest behind struct vm_ops, for the unit tests.
 *
 * Owner: the unit tests. fake_backend_ops plays a guest from a script
 * instead of booting QEMU: console bytes at given times, QMP replies and
 * events, an exit by status or by signal, a hang, a start failure, a host
 * that fails. Its channels are real fds, so the case engine's poll() loop
 * runs as it does with QEMU:
 *   - the console is an AF_UNIX SOCK_SEQPACKET pair: each write the guest
 *     makes is exactly one read() for the engine, so a test decides how a
 *     marker is split;
 *   - the script's clock is a timerfd among the backend's poll fds;
 *   - the guest's end is told on a pipe, as QEMU's is on its pidfd, after
 *     its console has closed.
 * The guest is not a thread: it plays only when the engine is about to poll
 * the backend's fds (poll_fds()), which is all the engine ever waits on.
 *
 * Times are milliseconds after `cont` (resume()), or after the last
 * FAKE_AWAIT that was heard; a guest paused by `stop` keeps its place.
 */
#ifndef KILN_FAKE_BACKEND_H
#define KILN_FAKE_BACKEND_H

#include <stdbool.h>
#include <stddef.h>

#include "kiln/backend/backend.h"

enum fake_act {
	FAKE_END = 0,	/* ends a script's beats; the guest then hangs, silent */
	FAKE_PRINT,	/* text to the console (split_ms: one write per byte) */
	FAKE_EVENT,	/* a QMP event; text is its JSON {"event": ..., "data": ...} */
	FAKE_EXIT,	/* the guest ends with exit status code (33: debug_exit 16) */
	FAKE_CRASH,	/* the guest is killed by signal code */
	FAKE_HOST_LOST, /* its host fails (vm->host_lost); QMP is gone */
	FAKE_AWAIT,	/* wait until the engine has sent text to the console */
};

/* One thing the guest does. */
struct fake_beat {
	int at_ms;
	enum fake_act act;
	const char *text;
	int code;
	int split_ms; /* FAKE_PRINT: > 0 writes byte i at at_ms + i * split_ms */
};

/* Beats as the scripts write them. A list ends with {0} (FAKE_END). */
#define BEAT_PRINT(ms, s)                                     \
	{                                                     \
		.at_ms = (ms), .act = FAKE_PRINT, .text = (s) \
	}
#define BEAT_PRINT_SPLIT(ms, s, gap_ms)                                             \
	{                                                                           \
		.at_ms = (ms), .act = FAKE_PRINT, .text = (s), .split_ms = (gap_ms) \
	}
#define BEAT_EVENT(ms, json)                                     \
	{                                                        \
		.at_ms = (ms), .act = FAKE_EVENT, .text = (json) \
	}
#define BEAT_EXIT(ms, status)                                     \
	{                                                         \
		.at_ms = (ms), .act = FAKE_EXIT, .code = (status) \
	}
#define BEAT_CRASH(ms, sig)                                     \
	{                                                       \
		.at_ms = (ms), .act = FAKE_CRASH, .code = (sig) \
	}
#define BEAT_HOST_LOST(ms)                           \
	{                                            \
		.at_ms = (ms), .act = FAKE_HOST_LOST \
	}
#define BEAT_AWAIT(s)                          \
	{                                      \
		.act = FAKE_AWAIT, .text = (s) \
	}

/* A scripted QMP reply, looked up by command before the built-in ones
 * (query-kvm, cont, stop, query-status, human-monitor-command; migrate,
 * migrate-incoming, and query-migrate saying "completed"; any other command
 * fails with CommandNotFound). `cont` and `stop` still start and pause the
 * guest when their reply is scripted; an unscripted `migrate` to
 * "exec:cat > 'FILE'" writes FILE, as QEMU's cat would. */
struct fake_reply {
	const char *command;
	const char *ret;	 /* JSON text of "return"; NULL: {} */
	const char *error_class; /* an error reply of this class instead */
	enum qmp_status status;	 /* not QMP_OK: fails so (timeout, closed) */
	int delay_ms;		 /* the reply takes this long (a slow restore) */
};

struct fake_script {
	/* Which case plays it: the fixture's name, or the tail of the case
	 * directory ("area/x/2" for the second run under --repeat). NULL: any
	 * case. The first script that matches plays. */
	const char *name;
	enum vm_start_error start;	  /* VM_START_OK, or the failure start() gives */
	int start_failures;		  /* > 0: only the first N starts fail so */
	const char *reason;		  /* a start failure's reason */
	bool die_in_start;		  /* start() kills its own process (a dying worker) */
	const struct fake_beat *beats;	  /* ended by FAKE_END; NULL: a hang */
	const struct fake_reply *replies; /* ended by a NULL command; may be NULL */
};

extern const struct vm_ops fake_backend_ops; /* name "fake" */

/* Play scripts (borrowed: they must outlive every start()) from now on,
 * and empty the trace. A forked worker plays what its parent set. */
void fake_backend_play(const struct fake_script *scripts, size_t n);

/* Append "start <ms> <case_dir>" and "end <ms> <case_dir>" lines to path
 * (borrowed; NULL: no journal) when a guest starts and when it is freed,
 * with O_APPEND, so that forked workers share one journal. */
void fake_backend_journal(const char *path);

/* What this process's guests were asked, in order, one word each and a
 * space after each: "start", every QMP command, "send" for console input,
 * "kill" when stop() had to end a live guest, "free". Borrowed; valid until
 * the next fake_backend_play(). Long traces are cut at 4 KiB. */
const char *fake_backend_trace(void);

#endif
