/* qemu_img.c: `qemu-img create`, bounded. See kiln/backend/qemu/qemu_img.h.
 */
#include "kiln/backend/qemu/qemu_img.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kiln/lib/spawn.h"
#include "kiln/lib/util.h"

/* qemu-img create takes milliseconds; a hung one (a stuck NFS backing
 * file, say) must not hang the case. */
#define QEMU_IMG_TIMEOUT_MS 10000

/* Wait for pid at most ms; kill it when the time is up. Its status, or -1. */
static int qemu_img_wait(pid_t pid, int ms)
{
	int pidfd = pidfd_open(pid, 0), st = -1;
	struct pollfd p = {pidfd, POLLIN, 0};

	if (pidfd >= 0 && poll(&p, 1, ms) == 0)
		kill(pid, SIGKILL);
	if (waitpid(pid, &st, 0) != pid)
		st = -1;
	if (pidfd >= 0)
		close(pidfd);
	return st;
}

int qemu_img_create(const char *path, const char *backing, const char *backing_fmt,
		    const char *size, char *why, size_t why_len)
{
	const char *img = getenv("KILN_QEMU_IMG");
	char *argv[12];
	size_t n = 0;
	char *err_path = util_strdup_printf("%s.stderr", path);
	int err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int st, ret = -1;
	pid_t pid;

	argv[n++] = (char *)(img && *img ? img : "qemu-img");
	argv[n++] = "create";
	argv[n++] = "-q";
	argv[n++] = "-f";
	argv[n++] = "qcow2";
	if (backing) {
		argv[n++] = "-b";
		argv[n++] = (char *)backing;
		argv[n++] = "-F";
		argv[n++] = (char *)backing_fmt;
	}
	argv[n++] = (char *)path;
	if (size)
		argv[n++] = (char *)size;
	argv[n] = NULL;
	if (err < 0) {
		snprintf(why, why_len, "%s: %s", err_path, strerror(errno));
		goto cleanup;
	}
	pid = spawn_child(argv, &(struct spawn_opts){.in_fd = SPAWN_NULL,
						     .out_fd = err,
						     .hint = "Debian: apt-get install qemu-utils"});
	close(err);
	if (pid < 0) {
		snprintf(why, why_len, "fork: %s", strerror(errno));
		goto cleanup;
	}
	st = qemu_img_wait(pid, QEMU_IMG_TIMEOUT_MS);
	if (st == 0) {
		ret = 0;
		goto cleanup;
	}
	char *text = util_read_file(err_path, NULL);
	char *nl = text ? strchr(text, '\n') : NULL;
	if (nl)
		*nl = '\0';
	snprintf(why, why_len, "%s create failed (%s %d)%s%s", argv[0],
		 WIFSIGNALED(st) ? "signal" : "status",
		 WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st), text && *text ? ": " : "",
		 text ? text : "");
	free(text);
cleanup:
	unlink(err_path);
	free(err_path);
	return ret;
}
