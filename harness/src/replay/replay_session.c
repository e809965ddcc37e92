/* replay_session.c: one replay, from QEMU's start to the end of gdb. See
 * kiln/replay.h.
 *
 * QEMU is started through the qemu backend, exactly as a case starts it
 * (own process group, PR_SET_PDEATHSIG, bounded stop), with the gdbstub and
 * rr arguments added. One poll() loop then carries the console to its file,
 * gdb's output (batch) to stdout, and waits for the end: gdb exiting (gdb
 * modes), QEMU exiting (wait mode), the console comparison (--no-gdb), or a
 * signal. Only --no-gdb has a deadline: while gdb is attached the user, not a
 * timeout, decides when the replay is over.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kiln/backend/backend.h"
#include "kiln/lib/outcome.h"
#include "kiln/lib/sigwake.h"
#include "kiln/lib/spawn.h"
#include "kiln/lib/util.h"
#include "kiln/replay/replay.h"

#define SESSION_QMP_MS 5000
#define SESSION_GDB_GRACE_MS 2000

struct session {
	const struct replay_session *s;
	struct vm *vm;
	FILE *qmp_log;
	int console_log;
	char *got; /* --no-gdb: the replay's console so far */
	size_t got_len, got_cap;
	int compare; /* replay_console_compare()'s last answer */
	struct replay_console_cmp cmp;
	pid_t gdb_pid;
	int gdb_pidfd, gdb_out, gdb_log;
	int gdb_status;
	int signal; /* the signal that ends the replay, or 0 */
	bool timed_out;
};

static void session_install_signals(void)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};

	/* Caught, not ignored: gdb, which shares the terminal, must still get
	 * Ctrl-C (exec resets caught signals, not ignored ones). */
	if (sigwake_install(sigs, 3) < 0)
		abort();
}

/* gdb in the foreground (interactive) or with its output on a pipe. */
static int session_start_gdb(struct session *x)
{
	const struct replay_session *s = x->s;
	char *inter[] = {(char *)s->gdb, "-q", "-x", (char *)s->gdbinit, NULL};
	/* -nx: the user's ~/.gdbinit must not change what a test sees. */
	char *batch[] = {
		(char *)s->gdb,	       "-q", "-nx", "-batch", "-x", (char *)s->gdbinit, "-x",
		(char *)s->batch_file, NULL};
	int pipefd[2] = {-1, -1};
	bool piped = s->mode == REPLAY_MODE_BATCH;

	if (piped && pipe2(pipefd, O_CLOEXEC) < 0)
		return -1;
	/* Interactive gdb keeps the terminal; batch gdb talks into the pipe. */
	x->gdb_pid = spawn_child(piped ? batch : inter,
				 &(struct spawn_opts){.in_fd = piped ? SPAWN_NULL : SPAWN_KEEP,
						      .out_fd = piped ? pipefd[1] : SPAWN_KEEP});
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	if (x->gdb_pid < 0) {
		if (pipefd[0] >= 0)
			close(pipefd[0]);
		return -1;
	}
	x->gdb_out = pipefd[0];
	if (x->gdb_out >= 0)
		util_fd_nonblock_cloexec(x->gdb_out);
	x->gdb_pidfd = pidfd_open(x->gdb_pid, 0);
	return 0;
}

static void session_reap_gdb(struct session *x, bool block)
{
	int st;

	if (x->gdb_pid <= 0 || waitpid(x->gdb_pid, &st, block ? 0 : WNOHANG) != x->gdb_pid)
		return;
	x->gdb_status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	x->gdb_pid = 0;
	if (x->gdb_pidfd >= 0)
		close(x->gdb_pidfd);
	x->gdb_pidfd = -1;
}

/* gdb is left running only when kiln itself is stopped: bounded, then
 * SIGKILL, as QEMU. */
static void session_stop_gdb(struct session *x)
{
	if (x->gdb_pid <= 0)
		return;
	kill(x->gdb_pid, SIGTERM);
	struct pollfd p = {x->gdb_pidfd, POLLIN, 0};
	if (x->gdb_pidfd < 0 || poll(&p, 1, SESSION_GDB_GRACE_MS) <= 0)
		kill(x->gdb_pid, SIGKILL);
	session_reap_gdb(x, true);
}

static void session_got_append(struct session *x, const char *buf, size_t n)
{
	if (x->got_len + n > x->got_cap) {
		char *grown = util_realloc(x->got, (x->got_len + n) * 2);
		x->got = grown;
		x->got_cap = (x->got_len + n) * 2;
	}
	memcpy(x->got + x->got_len, buf, n);
	x->got_len += n;
}

/* Console bytes: to console.log, to the terminal when gdb does not own it,
 * and for --no-gdb into the comparison. */
static void session_console_read(struct session *x)
{
	char buf[65536];
	bool echo = x->s->mode == REPLAY_MODE_WAIT || x->s->mode == REPLAY_MODE_CONSOLE;

	for (;;) {
		ssize_t n = read(x->vm->console_fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			close(x->vm->console_fd);
			x->vm->console_fd = -1;
			return;
		}
		util_write_all(x->console_log, buf, (size_t)n);
		if (echo)
			util_write_all(STDOUT_FILENO, buf, (size_t)n);
		if (x->s->mode == REPLAY_MODE_CONSOLE) {
			session_got_append(x, buf, (size_t)n);
			x->compare = replay_console_compare(x->s->want, x->s->want_len, x->got,
							    x->got_len, &x->cmp);
		}
	}
}

static void session_gdb_read(struct session *x)
{
	char buf[16384];

	for (;;) {
		ssize_t n = read(x->gdb_out, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			close(x->gdb_out);
			x->gdb_out = -1;
			return;
		}
		util_write_all(STDOUT_FILENO, buf, (size_t)n);
		if (x->gdb_log >= 0)
			util_write_all(x->gdb_log, buf, (size_t)n);
	}
}

static bool session_timed_out(struct session *x, int64_t deadline)
{
	x->timed_out = x->s->timeout_s > 0 && util_now_ms() >= deadline;
	return x->timed_out;
}

static bool session_over(struct session *x, int64_t deadline)
{
	const struct replay_session *s = x->s;
	bool qemu_gone = x->vm->exit.exited && x->vm->console_fd < 0;

	if (x->signal)
		return true;
	switch (s->mode) {
	case REPLAY_MODE_GDB:
	case REPLAY_MODE_BATCH:
		return (x->gdb_pid <= 0 && x->gdb_out < 0) || session_timed_out(x, deadline);
	case REPLAY_MODE_WAIT: return qemu_gone;
	case REPLAY_MODE_CONSOLE:
		return x->compare != 0 || qemu_gone || session_timed_out(x, deadline);
	}
	return true;
}

static void session_loop(struct session *x)
{
	int64_t deadline = util_now_ms() + (int64_t)(x->s->timeout_s * 1000.0);

	while (!session_over(x, deadline)) {
		struct pollfd fds[8];
		size_t n = 0, nvm;

		fds[n++] = (struct pollfd){sigwake_fd(), POLLIN, 0};
		if (x->vm->console_fd >= 0)
			fds[n++] = (struct pollfd){x->vm->console_fd, POLLIN, 0};
		if (x->gdb_pidfd >= 0)
			fds[n++] = (struct pollfd){x->gdb_pidfd, POLLIN, 0};
		if (x->gdb_out >= 0)
			fds[n++] = (struct pollfd){x->gdb_out, POLLIN, 0};
		nvm = x->vm->ops->poll_fds(x->vm, fds + n, 8 - n);
		int wait = -1;
		if (x->s->timeout_s > 0)
			wait = (int)(deadline > util_now_ms() ? deadline - util_now_ms() : 0);
		if (poll(fds, n + nvm, wait) < 0 && errno != EINTR)
			break;
		if (fds[0].revents) {
			sigwake_drain();
			/* Ctrl-C belongs to gdb while it runs in the foreground. */
			if (sigwake_stop_signal() != SIGINT || x->s->mode != REPLAY_MODE_GDB)
				x->signal = sigwake_stop_signal();
		}
		if (x->vm->console_fd >= 0)
			session_console_read(x);
		if (x->gdb_out >= 0)
			session_gdb_read(x);
		session_reap_gdb(x, false);
		x->vm->ops->dispatch(x->vm, fds + n, nvm);
		if (x->vm->exit.exited)
			while (x->vm->console_fd >= 0)
				session_console_read(x); /* take the rest, up to end of file */
	}
}

static int session_console_verdict(struct session *x)
{
	const struct replay_session *s = x->s;
	struct replay_console_cmp *cmp = &x->cmp;
	int r = replay_console_compare(s->want, s->want_len, x->got, x->got_len, cmp);

	if (r > 0) {
		util_note("replay: console reproduced: the run's %zu bytes came back identical "
			  "(%s/console.log)",
			  s->want_len, s->out_dir);
		return 0;
	}
	if (r < 0)
		util_err("replay: console diverged from the run's at byte %zu (line %zu); "
			 "compare console.log with %s/console.log",
			 cmp->offset, cmp->line, s->out_dir);
	else
		util_err(
			"replay: the replay printed %zu of the run's %zu console bytes, all equal, "
			"then %s",
			x->got_len, s->want_len,
			x->timed_out ? "its --timeout passed" : "QEMU exited");
	return r == 0 && x->timed_out ? REPLAY_EXIT_TIMEOUT : REPLAY_EXIT_DIVERGED;
}

static int session_result(struct session *x)
{
	if (x->signal)
		return KILN_EXIT_INTERRUPTED;
	if (x->timed_out && x->s->mode == REPLAY_MODE_BATCH) {
		util_err("replay: --timeout %.1f s passed with gdb still running; gdb and QEMU "
			 "are stopped",
			 x->s->timeout_s);
		return REPLAY_EXIT_TIMEOUT;
	}
	switch (x->s->mode) {
	case REPLAY_MODE_GDB:
	case REPLAY_MODE_BATCH:
		if (x->gdb_status != 0)
			util_err("replay: gdb exited with status %d", x->gdb_status);
		return x->gdb_status == 0 ? 0 : REPLAY_EXIT_GDB_FAILED;
	case REPLAY_MODE_CONSOLE: return session_console_verdict(x);
	case REPLAY_MODE_WAIT: break;
	}
	return 0;
}

static void session_announce(const struct session *x)
{
	const struct replay_session *s = x->s;

	switch (s->mode) {
	case REPLAY_MODE_WAIT:
		util_note("replay: the guest is paused before its first instruction; attach gdb "
			  "from another terminal with the one command:");
		dprintf(STDOUT_FILENO, "    %s -x %s\n", s->gdb ? s->gdb : "gdb", s->gdbinit);
		if (!s->gdb)
			util_note(
				"replay: gdb is not installed here (Debian: apt-get install gdb)");
		util_note("replay: the console follows here and in %s/console.log; Ctrl-C ends "
			  "the replay",
			  s->out_dir);
		break;
	case REPLAY_MODE_GDB:
	case REPLAY_MODE_BATCH:
		util_note("replay: console in %s/console.log; gdb: %s -x %s", s->out_dir, s->gdb,
			  s->gdbinit);
		break;
	case REPLAY_MODE_CONSOLE: break;
	}
}

static int session_open_logs(struct session *x)
{
	const char *dir = x->s->out_dir;
	char *con = util_strdup_printf("%s/console.log", dir);
	char *qmp = util_strdup_printf("%s/qmp.log", dir);
	char *gdb = util_strdup_printf("%s/gdb.log", dir);

	x->console_log = open(con, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	x->qmp_log = fopen(qmp, "we");
	if (x->s->mode == REPLAY_MODE_BATCH)
		x->gdb_log = open(gdb, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	free(con);
	free(qmp);
	free(gdb);
	return x->console_log < 0 || !x->qmp_log ? -1 : 0;
}

/* Start QEMU paused; for --no-gdb let it run. */
static int session_start_qemu(struct session *x)
{
	const struct replay_session *s = x->s;
	struct vm_spec spec = {
		.fixture = s->f,
		.case_dir = s->out_dir,
		.run_dir = s->run_dir,
		.accel = s->accel,
		.t0_ms = util_now_ms(),
		.qmp_log = x->qmp_log,
		.extra_args = s->extra_args,
		.start_timeout_s = 10.0,
	};
	char reason[1024];
	struct qmp_error err;

	if (backend_qemu_ops.start(&spec, &x->vm, reason, sizeof(reason)) != VM_START_OK) {
		util_err("replay: QEMU did not start: %s (%s/qemu.stderr)", reason, s->out_dir);
		return -1;
	}
	if (s->mode == REPLAY_MODE_CONSOLE &&
	    x->vm->ops->resume(x->vm, util_now_ms() + SESSION_QMP_MS, &err) != QMP_OK) {
		util_err("replay: cont: %s: %s", qmp_status_name(err.status), err.desc);
		return -1;
	}
	const char *now = json_string_value(json_object_get(x->vm->facts, "qemu_version"));
	if (s->qemu_version && now && strcmp(now, s->qemu_version) != 0)
		util_note("replay: the run had QEMU %s, this is QEMU %s%s", s->qemu_version, now,
			  s->recording ? ": a recording replays only on the QEMU that made it"
				       : "");
	return 0;
}

int replay_session_run(const struct replay_session *s)
{
	struct session x = {.s = s,
			    .console_log = -1,
			    .gdb_pidfd = -1,
			    .gdb_out = -1,
			    .gdb_log = -1,
			    .cmp = REPLAY_CONSOLE_CMP_INIT};
	int ret = REPLAY_EXIT_HARNESS;

	session_install_signals();
	if (session_open_logs(&x) < 0) {
		util_err("replay: cannot write in %s: %s", s->out_dir, strerror(errno));
		goto cleanup;
	}
	if (session_start_qemu(&x) < 0)
		goto cleanup;
	session_announce(&x);
	if ((s->mode == REPLAY_MODE_GDB || s->mode == REPLAY_MODE_BATCH) &&
	    session_start_gdb(&x) < 0) {
		util_err("replay: cannot start %s: %s", s->gdb, strerror(errno));
		goto cleanup;
	}
	session_loop(&x);
	ret = session_result(&x);
cleanup:
	session_stop_gdb(&x);
	if (x.vm) {
		x.vm->ops->stop(x.vm, 1000);
		x.vm->ops->free(x.vm);
	}
	if (x.gdb_out >= 0)
		close(x.gdb_out);
	if (x.gdb_log >= 0)
		close(x.gdb_log);
	if (x.console_log >= 0)
		close(x.console_log);
	if (x.qmp_log)
		fclose(x.qmp_log);
	free(x.got);
	return ret;
}
