/* kiln/lib/sigwake.h: signals as bytes on a pipe, for poll() loops.
 *
 * Owner: ring0 core. A signal handler can safely do next to nothing, so the
 * one handler here remembers the signal and writes a byte to a pipe that a
 * poll() loop watches (the self-pipe trick). There is one per process: a
 * forked child that wants its own calls sigwake_install() again, which
 * replaces the pipe (the parent's stays the parent's).
 */
#ifndef KILN_SIGWAKE_H
#define KILN_SIGWAKE_H

#include <stddef.h>

/* Catch each of the n signals in sigs, and ignore SIGPIPE. Returns the
 * pipe's read end, or -1 with errno set. If a stop signal was caught
 * before (say by the parent's handler, inherited across fork), the new
 * pipe starts readable, so that stop is not lost. */
int sigwake_install(const int *sigs, size_t n);

/* The pipe's read end, for poll(); owned by sigwake (never close it). -1
 * before sigwake_install(). */
int sigwake_fd(void);

/* The last signal caught other than SIGCHLD; 0 when none. */
int sigwake_stop_signal(void);

/* Empty the pipe once poll() has said it is readable. */
void sigwake_drain(void);

#endif
