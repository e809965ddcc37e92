/* ci/libvirt/subreaper.c: run one command as a child subreaper, and on
 * SIGTERM end it and every process that was reparented to us, by PID.
 *
 * Owner: ci/libvirtd.sh. libvirtd daemonizes each QEMU, so a QEMU's parent
 * becomes the nearest subreaper. PID 1 in this VM reaps orphans only about
 * every 2 s, and libvirt waits for a killed QEMU to vanish, so without us
 * every domain exit would cost 2 s. Being the subreaper also means we know
 * every process the daemon left behind: our children.
 *
 * Usage: subreaper LOG -- COMMAND [ARG...]
 * Exits when COMMAND has exited and no child remains. On SIGTERM, SIGINT or
 * SIGHUP, or when COMMAND exits by itself: COMMAND gets SIGTERM (and SIGKILL
 * after 10 s); every remaining child gets SIGKILL.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

#define GRACE_MS 10000

static FILE *log_file;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(log_file, "subreaper[%d]: ", (int)getpid());
	vfprintf(log_file, fmt, ap);
	fputc('\n', log_file);
	fflush(log_file);
	va_end(ap);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* SIGKILL every current child, by the PIDs the kernel lists for us. */
static int kill_children(void)
{
	char path[300], pid_text[32];
	int killed = 0;
	DIR *tasks = opendir("/proc/self/task");
	struct dirent *t;

	if (!tasks)
		return 0;
	while ((t = readdir(tasks))) {
		if (t->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/children", t->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		while (fscanf(f, "%31s", pid_text) == 1) {
			pid_t pid = (pid_t)atoi(pid_text);
			if (pid > 0 && kill(pid, SIGKILL) == 0) {
				say("killed leftover pid %d", (int)pid);
				killed++;
			}
		}
		fclose(f);
	}
	closedir(tasks);
	return killed;
}

/* Reap whatever has exited; note when the main child goes. */
static void reap(pid_t main_pid, int *main_alive)
{
	int st;
	pid_t pid;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		if (pid != main_pid)
			continue;
		*main_alive = 0;
		if (WIFSIGNALED(st))
			say("command pid %d ended by signal %d", (int)pid, WTERMSIG(st));
		else
			say("command pid %d exited with status %d", (int)pid, WEXITSTATUS(st));
	}
}

int main(int argc, char **argv)
{
	sigset_t set;
	int sfd, main_alive = 1, stopping = 0;
	long long kill_at = 0;
	pid_t main_pid;

	if (argc < 4 || strcmp(argv[2], "--") != 0) {
		fprintf(stderr, "usage: subreaper LOG -- COMMAND [ARG...]\n");
		return 2;
	}
	log_file = fopen(argv[1], "a");
	if (!log_file)
		log_file = stderr;
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
		say("prctl(PR_SET_CHILD_SUBREAPER): %s", strerror(errno));
		return 1;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	main_pid = fork();
	if (main_pid < 0) {
		say("fork: %s", strerror(errno));
		return 1;
	}
	if (main_pid == 0) {
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		execvp(argv[3], argv + 3);
		say("cannot run %s: %s", argv[3], strerror(errno));
		_exit(127);
	}
	say("started %s as pid %d", argv[3], (int)main_pid);
	for (;;) {
		struct pollfd p = {sfd, POLLIN, 0};
		struct signalfd_siginfo si;
		int timeout = -1;

		if (stopping && main_alive)
			timeout = (int)(kill_at > now_ms() ? kill_at - now_ms() : 0);
		if (poll(&p, 1, timeout) > 0 && read(sfd, &si, sizeof(si)) == sizeof(si) &&
		    si.ssi_signo != SIGCHLD && !stopping) {
			say("signal %d: stopping", (int)si.ssi_signo);
			stopping = 1;
			kill_at = now_ms() + GRACE_MS;
			kill(main_pid, SIGTERM);
		}
		reap(main_pid, &main_alive);
		if (main_alive && stopping && now_ms() >= kill_at) {
			say("command pid %d ignored SIGTERM: SIGKILL", (int)main_pid);
			kill(main_pid, SIGKILL);
			kill_at = now_ms() + GRACE_MS;
		}
		if (main_alive)
			continue;
		/* The command is gone: nothing it started may outlive it. */
		stopping = 1;
		if (kill_children() == 0 && waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD)
			break;
	}
	say("done");
	return 0;
}
