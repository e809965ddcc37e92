/* sigwake.c: the self-pipe for signals. See kiln/sigwake.h. */
#include "kiln/lib/sigwake.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

static int sigwake_pipe[2] = {-1, -1};
static volatile sig_atomic_t sigwake_stop;

static void sigwake_poke(void)
{
	if (write(sigwake_pipe[1], "x", 1) < 0) {
		/* full: a wakeup is pending anyway */
	}
}

static void sigwake_on_signal(int sig)
{
	int saved = errno;

	if (sig != SIGCHLD)
		sigwake_stop = sig;
	sigwake_poke();
	errno = saved;
}

int sigwake_install(const int *sigs, size_t n)
{
	struct sigaction sa = {0};

	if (sigwake_pipe[0] >= 0) {
		close(sigwake_pipe[0]);
		close(sigwake_pipe[1]);
	}
	if (pipe2(sigwake_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return -1;
	sa.sa_handler = sigwake_on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < n; i++)
		sigaction(sigs[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (sigwake_stop)
		sigwake_poke();
	return sigwake_pipe[0];
}

int sigwake_fd(void)
{
	return sigwake_pipe[0];
}

int sigwake_stop_signal(void)
{
	return sigwake_stop;
}

void sigwake_drain(void)
{
	char buf[64];

	while (read(sigwake_pipe[0], buf, sizeof(buf)) > 0)
		;
}
