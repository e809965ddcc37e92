/* kiln/lib/spawn.h: starting a program that cannot outlive Kiln.
 *
 * Owner: ring0 core. Every program Kiln starts (QEMU, the KVM probe,
 * qemu-img, gdb) starts here, so every one of them gets the same
 * guarantees: PR_SET_PDEATHSIG=SIGKILL (if its Kiln process dies, even by
 * SIGKILL, it dies too), SIGPIPE back at its default (Kiln ignores it), and
 * its standard streams as the caller asks.
 */
#ifndef KILN_SPAWN_H
#define KILN_SPAWN_H

#include <stdbool.h>
#include <sys/types.h>

#define SPAWN_NULL (-1) /* /dev/null */
#define SPAWN_KEEP (-2) /* Kiln's own stream */

struct spawn_opts {
	bool own_group;	  /* its own process group, to be killed as one: kill(-pid) */
	int in_fd;	  /* stdin: an fd, SPAWN_NULL or SPAWN_KEEP */
	int out_fd;	  /* stdout and stderr: an fd, SPAWN_NULL or SPAWN_KEEP */
	const char *hint; /* added when the program cannot be run, or NULL */
};

/* Start argv[0], looked up in PATH. Returns its pid, or -1 with errno set
 * when fork fails. If exec fails, the child says "kiln: cannot run X:
 * reason (hint)" on its stderr and exits with 127. */
pid_t spawn_child(char *const *argv, const struct spawn_opts *o);

#endif
