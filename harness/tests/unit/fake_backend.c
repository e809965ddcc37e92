/* fake_backend.c: the scripted guest of the unit tests. See fake_backend.h.
 *
 * The guest plays what is due (fake_play) only in poll_fds(), right before
 * the engine polls, as a real guest's output only reaches the engine through
 * poll(): what it wrote is read in that round, and the events it queued are
 * seen after. Playing anywhere else (dispatch(), execute(), event_take())
 * would let an event overtake console bytes the guest wrote before it, an
 * order no guest can produce.
 */
#include "fake_backend.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "kiln/lib/util.h"

struct fake_vm {
	struct vm vm;
	const struct fake_script *script;
	char *case_dir;
	int guest_fd;	      /* the guest's end of the console; -1 once it ended */
	int timer_fd;	      /* readable when the next beat is due */
	int exit_rd, exit_wr; /* readable once the guest has ended, like a pidfd */
	int ctl_rd, ctl_wr;   /* readable when QMP has news, like its socket */
	struct vm_exit ended; /* how it ended, before the engine notices */
	int64_t clock_ms;     /* beat times count from here; -1 until `cont` */
	int64_t paused_ms;    /* when `stop` paused it; -1 while it runs */
	size_t beat, byte;    /* the next beat, and the next byte of a split one */
	char *heard;	      /* every byte the engine sent, NUL-terminated */
	size_t heard_len, heard_from;
	json_t *wire;	/* events sent, not yet read by dispatch() */
	json_t *events; /* read and queued, oldest first */
	bool lost;	/* the host failed: QMP answers no more */
};

static const struct fake_script *fake_scripts;
static size_t fake_n_scripts;
static int fake_starts_failed; /* for a script's start_failures */
static const char *fake_journal_path;
static char fake_trace_text[4096];
static size_t fake_trace_len;

void fake_backend_play(const struct fake_script *scripts, size_t n)
{
	fake_scripts = scripts;
	fake_n_scripts = n;
	fake_starts_failed = 0;
	fake_trace_len = 0;
	fake_trace_text[0] = '\0';
}

void fake_backend_journal(const char *path)
{
	fake_journal_path = path;
}

const char *fake_backend_trace(void)
{
	return fake_trace_text;
}

static void fake_trace(const char *word)
{
	int n = snprintf(fake_trace_text + fake_trace_len, sizeof(fake_trace_text) - fake_trace_len,
			 "%s ", word);

	if (n > 0 && fake_trace_len + (size_t)n < sizeof(fake_trace_text))
		fake_trace_len += (size_t)n;
}

static void fake_journal(const char *what, const char *case_dir)
{
	int fd;

	if (!fake_journal_path)
		return;
	fd = open(fake_journal_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	/* One write, so the lines of two workers never interleave. */
	dprintf(fd, "%s %lld %s\n", what, (long long)util_now_ms(), case_dir);
	close(fd);
}

static bool fake_script_matches(const struct fake_script *s, const struct vm_spec *spec)
{
	size_t n, d = strlen(spec->case_dir);

	if (!s->name || !strcmp(s->name, spec->fixture->name))
		return true;
	n = strlen(s->name);
	return d > n && spec->case_dir[d - n - 1] == '/' &&
	       !strcmp(spec->case_dir + d - n, s->name);
}

/* A script's JSON text; a typo in a test is a crash, not a quiet NULL. */
static json_t *fake_json(const char *text)
{
	json_error_t err;
	json_t *v = json_loads(text, JSON_DECODE_ANY, &err);

	if (!v) {
		fprintf(stderr, "fake backend: bad JSON in a script: %s: %s\n", text, err.text);
		abort();
	}
	return v;
}

static const struct fake_beat *fake_next_beat(const struct fake_vm *v)
{
	const struct fake_beat *b = v->script->beats ? &v->script->beats[v->beat] : NULL;

	if (!b || b->act == FAKE_END || v->ended.exited || v->clock_ms < 0 || v->paused_ms >= 0)
		return NULL;
	return b;
}

static int64_t fake_due_ms(const struct fake_vm *v, const struct fake_beat *b)
{
	return v->clock_ms + b->at_ms + (int64_t)v->byte * b->split_ms;
}

/* The guest ends: its console closes first, then the end is told. */
static void fake_end(struct fake_vm *v, bool signaled, int code)
{
	v->ended = (struct vm_exit){.exited = true,
				    .signaled = signaled,
				    .status = signaled ? -1 : code,
				    .signal = signaled ? code : 0};
	close(v->guest_fd);
	v->guest_fd = -1;
	util_write_all(v->exit_wr, "x", 1);
}

/* The engine learns of the end, as from QEMU's pidfd. */
static void fake_notice_end(struct fake_vm *v)
{
	char byte;

	if (v->vm.exit.exited || read(v->exit_rd, &byte, 1) != 1)
		return;
	v->vm.exit = v->ended;
}

/* Tell the engine that QMP has news: an event, or a closed connection. */
static void fake_ring(struct fake_vm *v)
{
	util_write_all(v->ctl_wr, "x", 1);
}

/* Write the next piece of a print; false when the console is full. */
static bool fake_print(struct fake_vm *v, const struct fake_beat *b)
{
	size_t len = strlen(b->text);
	size_t n = b->split_ms > 0 ? 1 : len - v->byte;

	if (n > 0 && write(v->guest_fd, b->text + v->byte, n) < 0)
		return false; /* EAGAIN: played again at the next wake-up */
	v->byte += n;
	if (v->byte < len)
		return true;
	v->byte = 0;
	v->beat++;
	return true;
}

/* Take what the engine sent to the console. */
static void fake_listen(struct fake_vm *v)
{
	char buf[4096];
	ssize_t n;

	while (v->guest_fd >= 0 && (n = read(v->guest_fd, buf, sizeof(buf))) > 0) {
		v->heard = util_realloc(v->heard, v->heard_len + (size_t)n + 1);
		memcpy(v->heard + v->heard_len, buf, (size_t)n);
		v->heard_len += (size_t)n;
		v->heard[v->heard_len] = '\0';
		fake_trace("send");
	}
}

/* Play one due beat; false when nothing more can be played now. */
static bool fake_beat_play(struct fake_vm *v, const struct fake_beat *b)
{
	const char *hit;

	switch (b->act) {
	case FAKE_PRINT: return fake_print(v, b);
	case FAKE_EVENT:
		json_array_append_new(v->wire, fake_json(b->text));
		fake_ring(v);
		break;
	case FAKE_EXIT:
	case FAKE_CRASH: fake_end(v, b->act == FAKE_CRASH, b->code); break;
	case FAKE_HOST_LOST:
		v->lost = true;
		fake_ring(v);
		break;
	case FAKE_AWAIT:
		hit = memmem(v->heard + v->heard_from, v->heard_len - v->heard_from, b->text,
			     strlen(b->text));
		if (!hit)
			return false;
		v->heard_from = (size_t)(hit - v->heard) + strlen(b->text);
		v->clock_ms = util_now_ms();
		break;
	case FAKE_END: return false;
	}
	v->beat++;
	return true;
}

static void fake_play(struct fake_vm *v)
{
	const struct fake_beat *b;

	fake_listen(v);
	while ((b = fake_next_beat(v)) && fake_due_ms(v, b) <= util_now_ms())
		if (!fake_beat_play(v, b))
			return;
}

static struct fake_vm *fake_vm_new(const struct fake_script *s, const struct vm_spec *spec)
{
	struct fake_vm *v = util_calloc(1, sizeof(*v));
	int con[2], ex[2], ctl[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, con) < 0)
		abort();
	if (pipe2(ex, O_NONBLOCK | O_CLOEXEC) < 0 || pipe2(ctl, O_NONBLOCK | O_CLOEXEC) < 0)
		abort();
	v->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (v->timer_fd < 0)
		abort();
	v->vm.ops = &fake_backend_ops;
	v->vm.console_fd = con[0];
	v->vm.priv = v;
	v->vm.facts = json_pack("{s:s}", "script", s->name ? s->name : "(any)");
	v->guest_fd = con[1];
	v->exit_rd = ex[0];
	v->exit_wr = ex[1];
	v->ctl_rd = ctl[0];
	v->ctl_wr = ctl[1];
	v->script = s;
	v->case_dir = util_strdup(spec->case_dir);
	v->clock_ms = -1;
	v->paused_ms = -1;
	v->heard = util_strdup("");
	v->wire = json_array();
	v->events = json_array();
	return v;
}

static enum vm_start_error fake_start(const struct vm_spec *spec, struct vm **out, char *reason,
				      size_t reason_len)
{
	const struct fake_script *s = NULL;

	*out = NULL;
	fake_trace("start");
	for (size_t i = 0; i < fake_n_scripts && !s; i++)
		if (fake_script_matches(&fake_scripts[i], spec))
			s = &fake_scripts[i];
	if (!s) {
		snprintf(reason, reason_len, "fake backend: no script for %s", spec->fixture->name);
		return VM_START_HARNESS;
	}
	if (s->die_in_start)
		raise(SIGKILL);
	if (s->start != VM_START_OK &&
	    (s->start_failures == 0 || fake_starts_failed++ < s->start_failures)) {
		snprintf(reason, reason_len, "%s", s->reason ? s->reason : "fake start failure");
		return s->start;
	}
	*out = &fake_vm_new(s, spec)->vm;
	fake_journal("start", spec->case_dir);
	return VM_START_OK;
}

static const struct fake_reply *fake_reply_find(const struct fake_script *s, const char *command)
{
	for (const struct fake_reply *r = s->replies; r && r->command; r++)
		if (!strcmp(r->command, command))
			return r;
	return NULL;
}

/* What `cont` and `stop` do to the guest, whatever their reply. */
static void fake_run_state(struct fake_vm *v, const char *command)
{
	int64_t now = util_now_ms();

	if (!strcmp(command, "cont") && v->clock_ms < 0) {
		v->clock_ms = now;
	} else if (!strcmp(command, "cont") && v->paused_ms >= 0) {
		v->clock_ms += now - v->paused_ms;
		v->paused_ms = -1;
	} else if (!strcmp(command, "stop") && v->clock_ms >= 0 && v->paused_ms < 0) {
		v->paused_ms = now;
		json_array_append_new(v->events, json_pack("{s:s, s:{}}", "event", "STOP", "data"));
	}
}

/* `migrate` to "exec:cat > 'FILE'" (how the engine saves a base): write
 * FILE as QEMU's cat would, so the engine finds a state to rename. */
static void fake_migrate_out(json_t *args)
{
	const char *uri = json_string_value(json_object_get(args, "uri"));
	const char *prefix = "exec:cat > '";

	if (!uri || strncmp(uri, prefix, strlen(prefix)) != 0)
		return;
	char *path = util_strdup(uri + strlen(prefix));
	char *quote = strrchr(path, '\'');
	if (quote) {
		*quote = '\0';
		util_write_file_atomic(path, "fake state\n", 11);
	}
	free(path);
}

/* The built-in replies: a running TCG guest with registers to show. */
static json_t *fake_reply_default(const struct fake_vm *v, const char *command,
				  struct qmp_error *err)
{
	bool running = v->clock_ms >= 0 && v->paused_ms < 0;

	if (!strcmp(command, "query-kvm"))
		return json_pack("{s:b, s:b}", "enabled", 0, "present", 0);
	if (!strcmp(command, "cont") || !strcmp(command, "stop"))
		return json_object();
	if (!strcmp(command, "query-status"))
		return json_pack("{s:b, s:s}", "running", running, "status",
				 running ? "running" : "paused");
	if (!strcmp(command, "migrate") || !strcmp(command, "migrate-incoming"))
		return json_object();
	if (!strcmp(command, "query-migrate"))
		return json_pack("{s:s}", "status", "completed");
	if (!strcmp(command, "human-monitor-command"))
		return json_string("RAX=0000000000000000 RBX=0000000000000000\r\n");
	err->status = QMP_ERR_REPLY;
	snprintf(err->class, sizeof(err->class), "CommandNotFound");
	snprintf(err->desc, sizeof(err->desc), "The command %s has not been found", command);
	return NULL;
}

static int fake_execute(struct vm *vm, const char *command, json_t *args, int64_t deadline_ms,
			json_t **ret, struct qmp_error *err)
{
	struct fake_vm *v = vm->priv;
	const struct fake_reply *r = fake_reply_find(v->script, command);
	json_t *value;

	(void)deadline_ms;
	fake_trace(command);
	*err = (struct qmp_error){.status = QMP_OK};
	if (ret)
		*ret = NULL;
	if (v->ended.exited || v->lost) {
		err->status = QMP_ERR_CLOSED;
		snprintf(err->desc, sizeof(err->desc), "the monitor is closed");
		return err->status;
	}
	fake_run_state(v, command);
	if (r && r->delay_ms > 0)
		poll(NULL, 0, r->delay_ms);
	if (!strcmp(command, "migrate") && !r)
		fake_migrate_out(args);
	if (r && r->status != QMP_OK) {
		err->status = r->status;
		snprintf(err->desc, sizeof(err->desc), "fake: scripted %s",
			 qmp_status_name(r->status));
	} else if (r && r->error_class) {
		err->status = QMP_ERR_REPLY;
		snprintf(err->class, sizeof(err->class), "%s", r->error_class);
		snprintf(err->desc, sizeof(err->desc), "fake: scripted error");
	}
	if (err->status != QMP_OK)
		return err->status;
	value = r ? (r->ret ? fake_json(r->ret) : json_object())
		  : fake_reply_default(v, command, err);
	if (ret)
		*ret = value;
	else
		json_decref(value);
	return err->status;
}

static int fake_resume(struct vm *vm, int64_t deadline_ms, struct qmp_error *err)
{
	return fake_execute(vm, "cont", NULL, deadline_ms, NULL, err);
}

/* Arm the timer for the next timed beat; false when none is waiting. */
static bool fake_arm_timer(struct fake_vm *v)
{
	const struct fake_beat *b = fake_next_beat(v);
	struct itimerspec when = {{0, 0}, {0, 0}};

	if (b && b->act != FAKE_AWAIT) {
		/* A due time in the past fires at once; zero would disarm. */
		int64_t due = fake_due_ms(v, b) > 1 ? fake_due_ms(v, b) : 1;
		when.it_value.tv_sec = due / 1000;
		when.it_value.tv_nsec = (due % 1000) * 1000000;
	}
	timerfd_settime(v->timer_fd, TFD_TIMER_ABSTIME, &when, NULL);
	return b && b->act != FAKE_AWAIT;
}

static size_t fake_poll_fds(struct vm *vm, struct pollfd *fds, size_t max)
{
	struct fake_vm *v = vm->priv;
	size_t n = 0;

	fake_play(v);
	if (n < max && fake_arm_timer(v))
		fds[n++] = (struct pollfd){v->timer_fd, POLLIN, 0};
	if (n < max && v->guest_fd >= 0)
		fds[n++] = (struct pollfd){v->guest_fd, POLLIN, 0};
	if (n < max && !vm->exit.exited)
		fds[n++] = (struct pollfd){v->exit_rd, POLLIN, 0};
	if (n < max)
		fds[n++] = (struct pollfd){v->ctl_rd, POLLIN, 0};
	return n;
}

/* Read what QMP has said, as qmp_pump() does. */
static void fake_pump(struct fake_vm *v)
{
	char buf[64];
	size_t i;
	json_t *ev;

	while (read(v->ctl_rd, buf, sizeof(buf)) > 0)
		;
	json_array_foreach (v->wire, i, ev)
		json_array_append(v->events, ev);
	json_array_clear(v->wire);
	v->vm.host_lost = v->lost;
}

static void fake_dispatch(struct vm *vm, const struct pollfd *fds, size_t n)
{
	struct fake_vm *v = vm->priv;
	uint64_t ticks;

	for (size_t i = 0; i < n; i++)
		if (fds[i].revents && fds[i].fd == v->exit_rd)
			fake_notice_end(v);
		else if (fds[i].revents && fds[i].fd == v->ctl_rd)
			fake_pump(v);
	if (read(v->timer_fd, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
		abort();
}

static json_t *fake_event_take(struct vm *vm, const char *name, const json_t *data)
{
	struct fake_vm *v = vm->priv;
	size_t i;
	json_t *ev;

	json_array_foreach (v->events, i, ev) {
		const char *ev_name = json_string_value(json_object_get(ev, "event"));
		if ((name && (!ev_name || strcmp(name, ev_name))) ||
		    (data && !qmp_json_subset(data, json_object_get(ev, "data"))))
			continue;
		json_incref(ev);
		json_array_remove(v->events, i);
		return ev;
	}
	return NULL;
}

static void fake_stop(struct vm *vm, int grace_ms)
{
	struct fake_vm *v = vm->priv;

	if (vm->exit.exited)
		return;
	if (!v->ended.exited) {
		fake_trace("kill");
		fake_end(v, true, grace_ms > 0 ? SIGTERM : SIGKILL);
	}
	fake_notice_end(v);
}

static void fake_free(struct vm *vm)
{
	struct fake_vm *v;

	if (!vm)
		return;
	v = vm->priv;
	fake_trace("free");
	fake_journal("end", v->case_dir);
	if (vm->console_fd >= 0)
		close(vm->console_fd);
	if (v->guest_fd >= 0)
		close(v->guest_fd);
	close(v->timer_fd);
	close(v->exit_rd);
	close(v->exit_wr);
	close(v->ctl_rd);
	close(v->ctl_wr);
	json_decref(vm->facts);
	json_decref(v->wire);
	json_decref(v->events);
	free(v->heard);
	free(v->case_dir);
	free(v);
}

const struct vm_ops fake_backend_ops = {
	.name = "fake",
	.ring = 0,
	.user_network = true, /* it forwards nothing, but lets the engine try */
	.start = fake_start,
	.execute = fake_execute,
	.resume = fake_resume,
	.poll_fds = fake_poll_fds,
	.dispatch = fake_dispatch,
	.event_take = fake_event_take,
	.stop = fake_stop,
	.free = fake_free,
};
