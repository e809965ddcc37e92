/* backend_qemu.c: the ring1 backend that starts QEMU directly.
 *
 * Kiln listens on two unix sockets in the private run directory and QEMU
 * connects to them as a client (QMP and the serial console), so there is no
 * connect-retry loop: the accept() waits on the socket and on a pidfd of
 * QEMU at once, and a QEMU that dies early is noticed at once.
 *
 * QEMU runs in its own process group with PR_SET_PDEATHSIG, so a killed
 * harness never leaves it behind; stop() signals the whole group, waits a
 * bounded time and then sends SIGKILL.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kiln/backend/backend.h"
#include "kiln/backend/qemu/qemu_argv.h"
#include "kiln/lib/spawn.h"
#include "kiln/lib/util.h"

struct qemu_vm {
	struct vm vm;
	pid_t pid;
	int pidfd;
	struct qmp *qmp;
	char *stderr_path;
};

static int listen_unix(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa.sun_path, path);
	/* A start tried again in the same private directory (a forwarded
	 * port was taken, case_net.c) finds the last attempt's socket. */
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 1) < 0) {
		int saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/* Reap QEMU if it has exited; true once it has. */
static bool qemu_reap(struct qemu_vm *q, bool block)
{
	int st;

	if (q->vm.exit.exited)
		return true;
	pid_t r = waitpid(q->pid, &st, block ? 0 : WNOHANG);
	if (r != q->pid)
		return false;
	q->vm.exit.exited = true;
	q->vm.exit.signaled = WIFSIGNALED(st);
	q->vm.exit.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	q->vm.exit.signal = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
	return true;
}

/* Accept one connection, unless QEMU dies or the deadline passes first. */
static int accept_or_exit(struct qemu_vm *q, int lfd, int64_t deadline_ms)
{
	for (;;) {
		struct pollfd p[2] = {{lfd, POLLIN, 0}, {q->pidfd, POLLIN, 0}};
		int64_t left = deadline_ms - util_now_ms();

		if (left <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (poll(p, 2, (int)left) < 0 && errno != EINTR)
			return -1;
		if (p[0].revents & POLLIN)
			return accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (p[1].revents & POLLIN) {
			errno = ECHILD;
			return -1;
		}
	}
}

/* Wait up to ms for QEMU to exit; true once it has exited (and is reaped). */
static bool qemu_wait_exit(struct qemu_vm *q, int ms)
{
	struct pollfd p = {q->pidfd, POLLIN, 0};

	if (qemu_reap(q, false))
		return true;
	return poll(&p, 1, ms) > 0 && qemu_reap(q, true);
}

/* QEMU's reason for dying: the first line of its stderr that says
 * something, without the program-name prefix ("qemu-system-x86_64: " from
 * error_report, "qemu: " from the kernel loader). QEMU has exited. */
static void qemu_start_reason(struct qemu_vm *q, char *reason, size_t len)
{
	char *text = util_read_file(q->stderr_path, NULL);
	char *line = text, *nl;

	qemu_reap(q, true);
	snprintf(reason, len, "QEMU exited with %s %d while starting",
		 q->vm.exit.signaled ? "signal" : "status",
		 q->vm.exit.signaled ? q->vm.exit.signal : q->vm.exit.status);
	for (; line && *line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		char *msg = strstr(line, ": ");
		if ((strncmp(line, "qemu-system-", 12) == 0 || strncmp(line, "qemu: ", 6) == 0) &&
		    msg)
			line = msg + 2;
		if (*line && !strstr(line, "warning:")) {
			snprintf(reason, len, "%s", line);
			break;
		}
	}
	free(text);
}

static struct qemu_vm *qemu_vm_new(const struct vm_spec *spec)
{
	struct qemu_vm *q = util_calloc(1, sizeof(*q));

	q->vm.ops = &backend_qemu_ops;
	q->vm.console_fd = -1;
	q->vm.priv = q;
	q->vm.facts = json_object();
	q->pid = -1;
	q->pidfd = -1;
	q->stderr_path = util_strdup_printf("%s/qemu.stderr", spec->case_dir);
	return q;
}

static enum vm_start_error qemu_start(const struct vm_spec *spec, struct vm **out, char *reason,
				      size_t reason_len)
{
	struct qemu_vm *q = qemu_vm_new(spec);
	char *qmp_path = util_strdup_printf("%s/qmp.sock", spec->run_dir);
	char *con_path = util_strdup_printf("%s/console.sock", spec->run_dir);
	int qmp_l = listen_unix(qmp_path), con_l = listen_unix(con_path), qfd = -1, err_fd = -1;
	int64_t deadline = util_now_ms() + (int64_t)(spec->start_timeout_s * 1000);
	enum vm_start_error ret = VM_START_HARNESS;
	struct qmp_error qerr;
	char **argv = NULL;

	*out = NULL;
	if (qmp_l < 0 || con_l < 0) {
		snprintf(reason, reason_len, "cannot listen in %s: %s", spec->run_dir,
			 strerror(errno));
		goto cleanup;
	}
	argv = qemu_argv_build(spec, qmp_path, con_path);
	json_object_set_new(q->vm.facts, "argv", qemu_argv_to_json(argv));
	err_fd = open(q->stderr_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (err_fd < 0) {
		snprintf(reason, reason_len, "%s: %s", q->stderr_path, strerror(errno));
		goto cleanup;
	}
	q->pid = spawn_child(argv, &(struct spawn_opts){.own_group = true,
							.in_fd = SPAWN_NULL,
							.out_fd = err_fd});
	if (q->pid < 0) {
		snprintf(reason, reason_len, "fork: %s", strerror(errno));
		goto cleanup;
	}
	json_object_set_new(q->vm.facts, "pid", json_integer(q->pid));
	q->pidfd = pidfd_open(q->pid, 0);
	if (q->pidfd < 0) {
		snprintf(reason, reason_len, "pidfd_open: %s", strerror(errno));
		goto cleanup;
	}
	qfd = accept_or_exit(q, qmp_l, deadline);
	if (qfd >= 0)
		q->vm.console_fd = accept_or_exit(q, con_l, deadline);
	if (qfd < 0 || q->vm.console_fd < 0) {
		if (errno == ECHILD) {
			qemu_start_reason(q, reason, reason_len);
			ret = VM_START_QEMU_FAILED;
		} else {
			snprintf(reason, reason_len, "QEMU did not connect its sockets: %s",
				 strerror(errno));
		}
		goto cleanup;
	}
	util_fd_nonblock_cloexec(q->vm.console_fd);
	q->qmp = qmp_new(qfd, spec->qmp_log, spec->t0_ms);
	qfd = -1;
	if (qmp_handshake(q->qmp, deadline, &qerr) != QMP_OK) {
		/* QEMU connects its sockets and greets before it loads the
		 * kernel, so a bad kernel shows as a handshake cut short (a
		 * reset or a close) by a QEMU that is exiting: give it a
		 * moment to be seen exiting. */
		if (qemu_wait_exit(q, qerr.status == QMP_ERR_TIMEOUT ? 0 : 1000)) {
			qemu_start_reason(q, reason, reason_len);
			ret = VM_START_QEMU_FAILED;
		} else {
			snprintf(reason, reason_len, "QMP handshake: %s: %s",
				 qmp_status_name(qerr.status), qerr.desc);
		}
		goto cleanup;
	}
	json_object_set_new(q->vm.facts, "qemu_version", json_string(qmp_version(q->qmp)));
	*out = &q->vm;
	ret = VM_START_OK;
cleanup:
	if (err_fd >= 0)
		close(err_fd);
	if (qfd >= 0)
		close(qfd);
	if (qmp_l >= 0)
		close(qmp_l);
	if (con_l >= 0)
		close(con_l);
	qemu_argv_free(argv);
	free(qmp_path);
	free(con_path);
	if (ret != VM_START_OK) {
		backend_qemu_ops.stop(&q->vm, 0);
		backend_qemu_ops.free(&q->vm);
	}
	return ret;
}

static int qemu_execute(struct vm *vm, const char *command, json_t *args, int64_t deadline_ms,
			json_t **ret, struct qmp_error *err)
{
	struct qemu_vm *q = vm->priv;

	return qmp_execute(q->qmp, command, args, deadline_ms, ret, err);
}

static int qemu_resume(struct vm *vm, int64_t deadline_ms, struct qmp_error *err)
{
	return qemu_execute(vm, "cont", NULL, deadline_ms, NULL, err);
}

static size_t qemu_poll_fds(struct vm *vm, struct pollfd *fds, size_t max)
{
	struct qemu_vm *q = vm->priv;
	size_t n = 0;

	n += qmp_poll_add(q->qmp, fds, max);
	if (n < max && q->pidfd >= 0 && !vm->exit.exited)
		fds[n++] = (struct pollfd){q->pidfd, POLLIN, 0};
	return n;
}

static void qemu_dispatch(struct vm *vm, const struct pollfd *fds, size_t n)
{
	struct qemu_vm *q = vm->priv;

	for (size_t i = 0; i < n; i++) {
		if (!fds[i].revents)
			continue;
		if (q->qmp && fds[i].fd == qmp_fd(q->qmp)) {
			struct qmp_error err;
			if (qmp_pump(q->qmp, &err) != QMP_OK) {
				/* The monitor is gone (QEMU exiting); keep
				 * the events already read, stop polling. */
				qemu_reap(q, false);
			}
		} else if (fds[i].fd == q->pidfd) {
			qemu_reap(q, true);
		}
	}
}

static json_t *qemu_event_take(struct vm *vm, const char *name, const json_t *data)
{
	struct qemu_vm *q = vm->priv;

	return q->qmp ? qmp_event_take(q->qmp, name, data) : NULL;
}

static void qemu_stop(struct vm *vm, int grace_ms)
{
	struct qemu_vm *q = vm->priv;
	int64_t deadline;

	if (q->pid <= 0 || qemu_reap(q, false))
		return;
	kill(-q->pid, grace_ms > 0 ? SIGTERM : SIGKILL);
	/* A stopped QEMU (SIGSTOP, a debugger) would hold SIGTERM pending for
	 * the whole grace: let it go on, so that it can act on it at once. */
	if (grace_ms > 0)
		kill(-q->pid, SIGCONT);
	deadline = util_now_ms() + grace_ms;
	while (!qemu_reap(q, false) && util_now_ms() < deadline) {
		struct pollfd p = {q->pidfd, POLLIN, 0};
		poll(&p, 1, (int)(deadline - util_now_ms()));
	}
	if (!qemu_reap(q, false)) {
		kill(-q->pid, SIGKILL);
		qemu_reap(q, true);
	}
}

static void qemu_free(struct vm *vm)
{
	struct qemu_vm *q;

	if (!vm)
		return;
	q = vm->priv;
	qmp_free(q->qmp);
	if (vm->console_fd >= 0)
		close(vm->console_fd);
	if (q->pidfd >= 0)
		close(q->pidfd);
	json_decref(vm->facts);
	free(q->stderr_path);
	free(q);
}

const struct vm_ops backend_qemu_ops = {
	.name = "qemu",
	.ring = 1,
	.user_network = true,
	.start = qemu_start,
	.execute = qemu_execute,
	.resume = qemu_resume,
	.poll_fds = qemu_poll_fds,
	.dispatch = qemu_dispatch,
	.event_take = qemu_event_take,
	.stop = qemu_stop,
	.free = qemu_free,
};
