/* spawn.c: start a program tied to Kiln's life. See kiln/spawn.h. */
#include "kiln/lib/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

/* In the child: make target read (or write) fd as the caller asked. */
static int spawn_redirect(int fd, int target, int mode)
{
	int null;

	if (fd == SPAWN_KEEP)
		return 0;
	if (fd != SPAWN_NULL)
		return dup2(fd, target) < 0 ? -1 : 0;
	null = open("/dev/null", mode);
	if (null < 0 || dup2(null, target) < 0)
		return -1;
	if (null != target)
		close(null);
	return 0;
}

pid_t spawn_child(char *const *argv, const struct spawn_opts *o)
{
	pid_t parent = getpid();
	pid_t pid = fork();

	if (pid != 0) {
		/* Also on this side, so that a kill(-pid) never races the
		 * child's own setpgid. */
		if (pid > 0 && o->own_group)
			setpgid(pid, pid);
		return pid;
	}
	if (o->own_group)
		setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127); /* Kiln died before prctl took effect */
	signal(SIGPIPE, SIG_DFL);
	/* A program calling libkiln may block signals in its threads (SIGPIPE
	 * while a case runs, say); the child starts with none blocked, as it
	 * would from a shell, so that stop's SIGTERM reaches QEMU. */
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (spawn_redirect(o->in_fd, STDIN_FILENO, O_RDONLY) < 0 ||
	    spawn_redirect(o->out_fd, STDOUT_FILENO, O_WRONLY) < 0 ||
	    spawn_redirect(o->out_fd, STDERR_FILENO, O_WRONLY) < 0)
		_exit(127);
	execvp(argv[0], argv);
	dprintf(STDERR_FILENO, "kiln: cannot run %s: %s%s%s%s\n", argv[0], strerror(errno),
		o->hint ? " (" : "", o->hint ? o->hint : "", o->hint ? ")" : "");
	_exit(127);
}
