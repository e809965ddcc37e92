/* case_run.c: drive one case from start to verdict. See kiln/engine/case_run.h.
 *
 * One poll() loop per case over the console, the backend's control and exit
 * fds and the stop fd. Every wait in it has a deadline: the case timeout,
 * the current step's timeout and, until the first byte, the silence
 * deadline. A fail pattern ends the case at once.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "case_ctx.h"
#include "disk_overlay.h"
#include "snapshot.h"
#include "kiln/engine/replay_recipe.h"
#include "kiln/lib/text.h"
#include "kiln/report/case_record.h"

#define CASE_QMP_TIMEOUT_MS 5000 /* a QMP step without its own timeout */
#define CASE_NET_PORT_TRIES 3	 /* QEMU starts when a picked port was taken */

void case_verdict(struct case_ctx *c, enum outcome o, const char *fmt, ...)
{
	va_list ap;

	if (c->finished)
		return;
	c->finished = true;
	c->outcome = o;
	va_start(ap, fmt);
	vsnprintf(c->reason, sizeof(c->reason), fmt, ap);
	va_end(ap);
}

static int64_t ms_of(double seconds)
{
	return (int64_t)(seconds * 1000.0 + 0.5);
}

/* Arm the fail patterns that start with step i, from the current cursor. */
static void case_arm_fail_patterns(struct case_ctx *c, size_t i)
{
	for (size_t k = 0; k < c->f->n_fails; k++) {
		if (c->f->fails[k].from_step != i || c->fail_armed[k])
			continue;
		c->fail_armed[k] = true;
		c->fail_scans[k] = console_scan_from(i == 0 ? 0 : c->cursor);
	}
}

static void case_enter_step(struct case_ctx *c, size_t i)
{
	c->step = i;
	c->step_start = util_now_ms();
	c->scan = console_scan_from(c->cursor);
	c->net.sent = false;
	free(c->child_scans);
	free(c->child_done);
	c->child_scans = NULL;
	c->child_done = NULL;
	if (i < c->f->n_steps && c->f->steps[i].kind == STEP_UNORDERED) {
		size_t n = c->f->steps[i].n_children;
		c->child_scans = util_calloc(n, sizeof(*c->child_scans));
		c->child_done = util_calloc(n, sizeof(*c->child_done));
		for (size_t k = 0; k < n; k++)
			c->child_scans[k] = console_scan_from(c->cursor);
		c->group_end = c->cursor;
	}
	case_arm_fail_patterns(c, i);
	case_console_check(c); /* bytes already here may hit a newly armed pattern */
}

static void case_record_match(struct case_ctx *c, size_t step, const struct pattern *p,
			      const struct console_match *m)
{
	size_t len;
	char *text = console_copy(c->con, m->start, m->end, &len);
	json_t *rec = json_object();

	json_object_set_new(rec, "step", json_integer((json_int_t)step));
	json_object_set_new(rec, "pattern", json_string(p->text));
	json_object_set_new(rec, "text", text_json_string(text, len));
	json_object_set_new(rec, "t_ms", json_integer(m->t_ms - c->t0));
	json_array_append_new(c->markers, rec);
	free(c->last_marker);
	c->last_marker = util_strdup(p->text);
	c->last_marker_ms = m->t_ms - c->t0;
	free(text);
}

static void case_step_done(struct case_ctx *c, const char *status, int64_t t_ms)
{
	json_t *rec = json_array_get(c->steps, c->step);

	json_object_set_new(rec, "status", json_string(status));
	json_object_set_new(rec, "t_ms", json_integer(t_ms));
}

/* Try the current expect or unordered step; true when it is satisfied. */
static bool case_try_expect(struct case_ctx *c, const struct step *s)
{
	struct console_match m;

	if (s->kind == STEP_EXPECT) {
		if (!console_search(c->con, &s->pattern, &c->scan, &m))
			return false;
		case_record_match(c, c->step, &s->pattern, &m);
		c->cursor = m.end;
		return true;
	}
	bool all = true;
	for (size_t k = 0; k < s->n_children; k++) {
		if (!c->child_done[k] &&
		    console_search(c->con, &s->children[k].pattern, &c->child_scans[k], &m)) {
			c->child_done[k] = true;
			case_record_match(c, c->step, &s->children[k].pattern, &m);
			if (m.end > c->group_end)
				c->group_end = m.end;
		}
		all = all && c->child_done[k];
	}
	if (all)
		c->cursor = c->group_end;
	return all;
}

static int64_t case_step_deadline(struct case_ctx *c, const struct step *s)
{
	int64_t end = c->t0 + ms_of(c->f->timeout_s);

	if (s->timeout_s > 0 && c->step_start + ms_of(s->timeout_s) < end)
		end = c->step_start + ms_of(s->timeout_s);
	return end;
}

static bool case_do_qmp(struct case_ctx *c, const struct step *s)
{
	int64_t deadline = case_step_deadline(c, s);
	struct qmp_error err = {0};
	json_t *ret = NULL;
	char *got;

	if (s->timeout_s <= 0 && util_now_ms() + CASE_QMP_TIMEOUT_MS < deadline)
		deadline = util_now_ms() + CASE_QMP_TIMEOUT_MS;
	int rc = c->vm->ops->execute(c->vm, s->qmp_command, s->qmp_arguments, deadline, &ret, &err);
	if (rc == QMP_ERR_REPLY && s->qmp_error_class) {
		if (strcmp(err.class, s->qmp_error_class) == 0)
			return true;
		case_verdict(c, OUTCOME_FAIL, "qmp '%s': expected error class %s, got %s: %s",
			     s->qmp_command, s->qmp_error_class, err.class, err.desc);
	} else if (rc == QMP_ERR_REPLY) {
		case_verdict(c, OUTCOME_FAIL, "qmp '%s' failed: %s: %s", s->qmp_command, err.class,
			     err.desc);
	} else if (rc != QMP_OK) {
		case_verdict(c, OUTCOME_FAIL, "qmp '%s': %s: %s", s->qmp_command,
			     qmp_status_name(err.status), err.desc);
	} else if (s->qmp_error_class) {
		case_verdict(c, OUTCOME_FAIL, "qmp '%s': expected error class %s, but it succeeded",
			     s->qmp_command, s->qmp_error_class);
	} else if (s->qmp_returns && !qmp_json_subset(s->qmp_returns, ret)) {
		got = json_dumps(ret, JSON_COMPACT | JSON_ENCODE_ANY);
		case_verdict(c, OUTCOME_FAIL, "qmp '%s' returned %s", s->qmp_command,
			     got ? got : "?");
		free(got);
	}
	json_decref(ret);
	return !c->finished;
}

/* Run the current step if it can complete now. */
static bool case_try_step(struct case_ctx *c, const struct step *s)
{
	json_t *ev;

	switch (s->kind) {
	case STEP_EXPECT:
	case STEP_UNORDERED: return case_try_expect(c, s);
	case STEP_SEND:
		if (c->vm->console_fd < 0 ||
		    util_write_all(c->vm->console_fd, s->send, s->send_len) < 0) {
			case_verdict(c, OUTCOME_FAIL, "send: the console is closed");
			return false;
		}
		return true;
	case STEP_QMP: return case_do_qmp(c, s);
	case STEP_UDP: return case_net_try(c, s);
	case STEP_WAIT_EVENT:
		ev = c->vm->ops->event_take(c->vm, s->event, s->event_data);
		json_decref(ev);
		return ev != NULL;
	}
	return false;
}

static void case_exit_text(const struct vm_exit *e, char *buf, size_t len)
{
	if (e->signaled && e->signal == 0) /* a backend that could not learn how */
		snprintf(buf, len, "QEMU ended without an exit status (it crashed, or was killed)");
	else if (e->signaled)
		snprintf(buf, len, "QEMU was killed by signal %d", e->signal);
	else if (e->status & 1)
		snprintf(buf, len, "QEMU exited with status %d (debug_exit %d)", e->status,
			 e->status >> 1);
	else
		snprintf(buf, len, "QEMU exited with status %d", e->status);
}

/* All steps are done: check the expected end. */
static void case_check_exit(struct case_ctx *c)
{
	const struct vm_exit *e = &c->vm->exit;
	char got[128];
	json_t *ev, *ret = NULL;
	struct qmp_error err;

	switch (c->f->exit.kind) {
	case EXIT_DEBUG:
		if (!e->exited)
			return;
		case_exit_text(e, got, sizeof(got));
		if (!e->signaled && e->status == c->f->exit.code * 2 + 1)
			case_verdict(c, OUTCOME_PASS, "%s", got);
		else
			case_verdict(c, OUTCOME_FAIL, "expected debug_exit %d (status %d), but %s",
				     c->f->exit.code, c->f->exit.code * 2 + 1, got);
		return;
	case EXIT_SHUTDOWN:
		ev = c->vm->ops->event_take(c->vm, "SHUTDOWN", NULL);
		if (ev) {
			const char *why = json_string_value(
				json_object_get(json_object_get(ev, "data"), "reason"));
			if (why && strcmp(why, "guest-shutdown") == 0)
				case_verdict(c, OUTCOME_PASS, "guest shut down");
			else
				case_verdict(c, OUTCOME_FAIL,
					     "expected a guest shutdown, got SHUTDOWN reason %s",
					     why ? why : "?");
			json_decref(ev);
		} else if (e->exited) {
			case_exit_text(e, got, sizeof(got));
			case_verdict(c,
				     e->status == 0 && !e->signaled ? OUTCOME_PASS : OUTCOME_FAIL,
				     "%s", got);
		}
		return;
	case EXIT_RUNNING:
		if (e->exited) {
			case_exit_text(e, got, sizeof(got));
			case_verdict(c, OUTCOME_FAIL, "expected the guest still running, but %s",
				     got);
			return;
		}
		if (c->vm->ops->execute(c->vm, "query-status", NULL,
					util_now_ms() + CASE_QMP_TIMEOUT_MS, &ret,
					&err) != QMP_OK ||
		    !json_is_true(json_object_get(ret, "running"))) {
			case_verdict(c, OUTCOME_FAIL,
				     "expected the guest still running, but status is %s",
				     json_string_value(json_object_get(ret, "status"))
					     ?: "unknown");
		} else {
			case_verdict(c, OUTCOME_PASS, "still running after the last step");
		}
		json_decref(ret);
		return;
	}
}

/* A base is ready (every step passed): save its state for its cases. */
static void case_save_base(struct case_ctx *c)
{
	int64_t ready = util_now_ms(), deadline = c->t0 + ms_of(c->f->timeout_s);
	long long bytes = 0;
	char why[768];

	if (snapshot_save(c->vm, c->opts->save_state, deadline, &bytes, why, sizeof(why)) < 0) {
		case_verdict(c, OUTCOME_HARNESS_ERROR, "ready, but saving its state failed: %s",
			     why);
		return;
	}
	int64_t saved = util_now_ms();
	c->base_facts = json_pack("{s:s, s:I, s:I, s:I}", "role", "base", "ready_ms",
				  (json_int_t)(ready - c->t0), "save_ms",
				  (json_int_t)(saved - ready), "state_bytes", (json_int_t)bytes);
	case_verdict(c, OUTCOME_PASS, "ready after %.2f s; state saved (%.1f MiB in %lld ms)",
		     (double)(ready - c->t0) / 1000.0, (double)bytes / 1048576.0,
		     (long long)(saved - ready));
}

/* Advance through every step that can complete now. */
void case_advance(struct case_ctx *c)
{
	while (!c->finished && c->step < c->f->n_steps) {
		const struct step *s = &c->f->steps[c->step];
		if (!case_try_step(c, s))
			return;
		case_step_done(c, "pass", util_now_ms() - c->t0);
		case_enter_step(c, c->step + 1);
	}
	if (!c->finished && c->step == c->f->n_steps) {
		if (c->opts->save_state)
			case_save_base(c);
		else
			case_check_exit(c);
	}
}

static char *case_waiting_for(struct case_ctx *c)
{
	if (c->step >= c->f->n_steps) {
		if (c->f->exit.kind == EXIT_DEBUG)
			return util_strdup_printf("the guest's debug_exit %d", c->f->exit.code);
		return util_strdup(c->f->exit.kind == EXIT_SHUTDOWN ? "the guest to shut down"
								    : "the end");
	}
	char *d = fixture_step_describe(&c->f->steps[c->step]);
	char *w = util_strdup_printf("step %zu: %s", c->step + 1, d);
	free(d);
	return w;
}

/* A SHUTDOWN that nothing waits for: the guest is paused for good. */
static void case_check_unexpected_shutdown(struct case_ctx *c)
{
	const struct step *s = c->step < c->f->n_steps ? &c->f->steps[c->step] : NULL;

	if (c->finished || (!s && c->f->exit.kind == EXIT_SHUTDOWN) ||
	    (s && s->kind == STEP_WAIT_EVENT && !strcmp(s->event, "SHUTDOWN")))
		return;
	json_t *ev = c->vm->ops->event_take(c->vm, "SHUTDOWN", NULL);
	if (!ev)
		return;
	const char *why = json_string_value(json_object_get(json_object_get(ev, "data"), "reason"));
	char *w = case_waiting_for(c);
	if (why && !strcmp(why, "guest-reset"))
		case_verdict(c, OUTCOME_FAIL,
			     "the guest reset itself (a triple fault, unless it "
			     "rebooted on purpose) while waiting for %s",
			     w);
	else
		case_verdict(c, OUTCOME_FAIL, "the guest shut down (%s) while waiting for %s",
			     why ? why : "?", w);
	free(w);
	json_decref(ev);
}

static void case_on_deadline(struct case_ctx *c, bool silent)
{
	char *w = case_waiting_for(c);
	int64_t waited = util_now_ms() - (c->step < c->f->n_steps ? c->step_start : c->t0);

	if (!silent && case_net_no_reply(c))
		;
	else if (silent)
		case_verdict(c, OUTCOME_GUEST_SILENT, "no console output in %.1f s",
			     c->f->silent_timeout_s);
	else
		case_verdict(c, OUTCOME_TIMEOUT, "waited %.1f s for %s", (double)waited / 1000.0,
			     w);
	free(w);
}

static void case_on_exit(struct case_ctx *c)
{
	char got[128], *w = case_waiting_for(c);

	case_exit_text(&c->vm->exit, got, sizeof(got));
	case_verdict(c, OUTCOME_FAIL, "%s while waiting for %s", got, w);
	free(w);
}

/* The next deadline; *silent says whether it is the silence deadline. */
static int64_t case_next_deadline(struct case_ctx *c, bool *silent)
{
	int64_t end = c->t0 + ms_of(c->f->timeout_s);
	int64_t quiet = c->silence_t0 + ms_of(c->f->silent_timeout_s);

	if (c->step < c->f->n_steps)
		end = case_step_deadline(c, &c->f->steps[c->step]);
	*silent = console_total(c->con) == 0 && quiet < end;
	return *silent ? quiet : end;
}

static void case_loop(struct case_ctx *c)
{
	while (!c->finished) {
		struct pollfd fds[8];
		bool silent;
		size_t n = 0;

		case_advance(c);
		case_check_unexpected_shutdown(c);
		if (c->finished)
			break;
		if (c->vm->exit.exited && c->vm->console_fd < 0) {
			case_on_exit(c);
			break;
		}
		if (c->vm->host_lost) {
			c->host_failed = true;
			case_verdict(c, OUTCOME_HARNESS_ERROR, "lost the guest: its host failed");
			break;
		}
		int64_t deadline = case_next_deadline(c, &silent);
		if (util_now_ms() >= deadline) {
			case_on_deadline(c, silent);
			break;
		}
		fds[n++] = (struct pollfd){c->opts->stop_fd, POLLIN, 0};
		if (c->vm->console_fd >= 0)
			fds[n++] = (struct pollfd){c->vm->console_fd, POLLIN, 0};
		size_t nvm = c->vm->ops->poll_fds(c->vm, fds + n, 7 - n);
		size_t nall = n + nvm;
		if (case_net_fd(c) >= 0) /* case_advance() reads it */
			fds[nall++] = (struct pollfd){case_net_fd(c), POLLIN, 0};
		if (poll(fds, nall, (int)(deadline - util_now_ms())) < 0 && errno != EINTR) {
			case_verdict(c, OUTCOME_HARNESS_ERROR, "poll: %s", strerror(errno));
			break;
		}
		if (fds[0].revents) {
			case_verdict(c, OUTCOME_HARNESS_ERROR, "interrupted");
			break;
		}
		if (n > 1 && fds[1].revents)
			case_console_read(c);
		c->vm->ops->dispatch(c->vm, fds + n, nvm);
		if (c->vm->exit.exited)
			while (case_console_read(c))
				; /* QEMU is gone: take the rest, up to end of file */
		case_console_check(c);
	}
	if (c->outcome == OUTCOME_GUEST_PANICKED) {
		case_console_drain(c, 300);
		case_console_fail_verdict(c);
	}
}

/* accel as QEMU reports it, not as requested. */
static void case_query_accel(struct case_ctx *c)
{
	json_t *ret = NULL;
	struct qmp_error err;

	c->accel_used = c->opts->accel;
	if (c->vm->ops->execute(c->vm, "query-kvm", NULL, util_now_ms() + CASE_QMP_TIMEOUT_MS, &ret,
				&err) == QMP_OK)
		c->accel_used = json_is_true(json_object_get(ret, "enabled")) ? "kvm" : "tcg";
	json_decref(ret);
}

static void case_init(struct case_ctx *c, const struct fixture *f, const char *case_dir,
		      const struct case_opts *opts)
{
	memset(c, 0, sizeof(*c));
	c->f = f;
	c->opts = opts;
	c->case_dir = case_dir;
	c->con = console_new();
	c->console_log_fd = -1;
	case_diag_start(c);
	c->seen_markers = json_object();
	c->markers = json_array();
	c->steps = json_array();
	c->fail_scans = util_calloc(f->n_fails + 1, sizeof(*c->fail_scans));
	c->fail_armed = util_calloc(f->n_fails + 1, sizeof(*c->fail_armed));
	for (size_t i = 0; i < sizeof(c->net.fds) / sizeof(c->net.fds[0]); i++)
		c->net.fds[i] = -1;
	for (size_t i = 0; i < f->n_steps; i++) {
		char *d = fixture_step_describe(&f->steps[i]);
		json_t *rec = json_object();
		json_object_set_new(rec, "step", json_string(d));
		json_object_set_new(rec, "line", json_integer(f->steps[i].line));
		json_object_set_new(rec, "status", json_string("pending"));
		json_array_append_new(c->steps, rec);
		free(d);
	}
}

static void case_fini(struct case_ctx *c)
{
	if (c->vm) {
		c->vm->ops->stop(c->vm, 1000);
		c->vm->ops->free(c->vm);
	}
	if (c->console_log_fd >= 0)
		close(c->console_log_fd);
	if (c->qmp_log)
		fclose(c->qmp_log);
	case_net_close(c);
	console_free(c->con);
	json_decref(c->seen_markers);
	json_decref(c->markers);
	json_decref(c->steps);
	json_decref(c->capsule);
	json_decref(c->diagnostics);
	json_decref(c->subtests);
	ktap_free(c->ktap);
	json_decref(c->base_facts);
	json_decref(c->fail_record);
	case_diag_free(c);
	free(c->child_scans);
	free(c->child_done);
	free(c->fail_scans);
	free(c->fail_armed);
	free(c->last_marker);
}

const char *case_socket_root(const char *run_root)
{
	return run_root ? run_root : util_tmpdir();
}

char *case_socket_dir_make(const char *run_root)
{
	/* mkdtemp makes it 0700: the sockets in it are ours alone. */
	return util_mkdtemp(case_socket_root(run_root), "kiln");
}

/* A guest can end so fast that QEMU closes its monitor before it answers
 * `cont`. That is the guest's exit, to be judged as any other: wait a
 * moment for QEMU's end before calling it a harness error. */
static bool case_exited_during_resume(struct case_ctx *c, const struct qmp_error *err)
{
	if (err->status != QMP_ERR_CLOSED && err->status != QMP_ERR_IO)
		return false;
	return case_console_drain(c, 2000);
}

/* Load the base's state into the QEMU that start() left waiting for it.
 * False when the case has its verdict (the restore failed). */
static bool case_restore_base(struct case_ctx *c, double start_s)
{
	const struct case_base *b = c->opts->base;
	char why[768];

	if (snapshot_restore(c->vm, b->state, c->t0 + ms_of(start_s), why, sizeof(why)) < 0) {
		case_verdict(c, OUTCOME_HARNESS_ERROR, "restoring base %s: %s", b->name, why);
		return false;
	}
	c->silence_t0 = util_now_ms();
	c->base_facts = json_pack("{s:s, s:s, s:s, s:I}", "role", "restored", "name", b->name,
				  "dir", b->dir, "restore_ms", (json_int_t)(c->silence_t0 - c->t0));
	return true;
}

/* A base that never got ready: its cases end at once, with its class, its
 * last marker and its reason, and nothing boots. */
static void case_base_failed(struct case_ctx *c)
{
	const struct case_base *b = c->opts->base;

	if (b->last_marker)
		c->last_marker = util_strdup(b->last_marker);
	c->base_facts = json_pack("{s:s, s:s, s:s}", "role", "not_restored", "name", b->name, "dir",
				  b->dir);
	case_verdict(c, b->outcome == OUTCOME_PASS ? OUTCOME_HARNESS_ERROR : b->outcome,
		     "base %s never got ready (%s): %s", b->name, b->dir, b->reason);
}

/* Start the guest, attach, resume. False when the case already has its
 * verdict (start failure). */
static bool case_start(struct case_ctx *c, const char *run_dir)
{
	/* Starting counts against the case's own timeout, too. */
	double start_s = c->f->timeout_s < 10.0 ? c->f->timeout_s : 10.0;
	struct vm_spec spec = {
		.fixture = c->f,
		.case_dir = c->case_dir,
		.run_dir = run_dir,
		.accel = c->opts->accel,
		.qmp_log = c->qmp_log,
		.extra_args = c->opts->extra_args,
		.start_timeout_s = start_s,
		.connect_uri = c->opts->connect_uri,
		.incoming = c->opts->base != NULL,
	};
	char reason[1024];
	struct qmp_error err;
	struct fixture with_overlays;
	struct disk *overlays = NULL;
	const char *state = c->opts->base ? c->opts->base->state : c->opts->save_state;
	enum vm_start_error rc;

	if (c->f->machine.n_udp_ports && !c->opts->ops->user_network) {
		case_verdict(c, OUTCOME_HARNESS_ERROR,
			     "machine.network needs the qemu backend (QEMU's user-mode network "
			     "with ports forwarded on 127.0.0.1), not %s",
			     c->opts->ops->name);
		return false;
	}
	if (state && disk_overlay_needed(c->f)) {
		if (disk_overlay_make(c->f, state, c->opts->base != NULL, run_dir, &overlays,
				      reason, sizeof(reason)) < 0) {
			case_verdict(c, OUTCOME_HARNESS_ERROR, "a writable disk's overlay: %s",
				     reason);
			return false;
		}
		/* Only QEMU's command line sees the overlays; the records (the
		 * replay recipe) name the fixture's own disks. */
		with_overlays = *c->f;
		with_overlays.guest.disks = overlays;
		spec.fixture = &with_overlays;
	}
	spec.udp_host_ports = c->net.host_ports;
	for (int attempt = 1;; attempt++) {
		if (case_net_pick_ports(c, reason, sizeof(reason)) < 0) {
			disk_overlay_free(overlays, c->f->guest.n_disks);
			case_verdict(c, OUTCOME_HARNESS_ERROR, "%s", reason);
			return false;
		}
		c->t0 = spec.t0_ms = util_now_ms();
		rc = c->opts->ops->start(&spec, &c->vm, reason, sizeof(reason));
		if (rc != VM_START_QEMU_FAILED || !case_net_port_taken(c, reason) ||
		    attempt == CASE_NET_PORT_TRIES)
			break;
		/* Another process took a picked port before QEMU bound it. */
		util_note("%s: %s; picking other ports (attempt %d of %d)", c->f->name, reason,
			  attempt + 1, CASE_NET_PORT_TRIES);
	}
	disk_overlay_free(overlays, c->f->guest.n_disks);
	if (rc == VM_START_QEMU_FAILED) {
		case_verdict(c, OUTCOME_QEMU_START_FAILED, "%s", reason);
		return false;
	}
	if (rc != VM_START_OK) {
		c->host_failed = rc == VM_START_HOST_FAILED;
		case_verdict(c, OUTCOME_HARNESS_ERROR, "%s", reason);
		return false;
	}
	if (c->f->machine.n_udp_ports && case_net_connect(c, reason, sizeof(reason)) < 0) {
		case_verdict(c, OUTCOME_HARNESS_ERROR, "%s", reason);
		return false;
	}
	case_query_accel(c);
	c->silence_t0 = c->t0;
	if (c->opts->base && !case_restore_base(c, start_s))
		return false;
	case_enter_step(c, 0);
	if (c->vm->ops->resume(c->vm, util_now_ms() + CASE_QMP_TIMEOUT_MS, &err) != QMP_OK &&
	    !case_exited_during_resume(c, &err)) {
		case_verdict(c, OUTCOME_HARNESS_ERROR, "cont: %s: %s", qmp_status_name(err.status),
			     err.desc);
		return false;
	}
	return true;
}

/* Hand what the case knows to the report module, which writes case.json.
 * The record, a new reference. */
static json_t *case_write_record(struct case_ctx *c, int64_t duration_ms)
{
	json_t *recipe = replay_recipe_build(c->f, c->vm, c->case_dir, c->opts->accel);
	struct case_facts facts = {
		.name = c->f->name,
		.fixture = c->f->path,
		.attempt = c->opts->attempt,
		.outcome = c->outcome,
		.reason = c->reason,
		.last_marker = c->last_marker,
		.duration_ms = duration_ms,
		.backend = c->opts->ops->name,
		.connect = c->opts->connect_uri,
		.host_failed = c->host_failed,
		.accel_requested = c->f->machine.accel,
		.accel = c->accel_used,
		.exit = c->vm ? &c->vm->exit : NULL,
		.steps = c->steps,
		.markers = c->markers,
		.fail_match = c->fail_record,
		.console_bytes = console_total(c->con),
		.capsule = c->capsule,
		.diagnostics = c->diagnostics,
		.backend_facts = c->vm ? c->vm->facts : NULL,
		.replay = recipe,
	};
	json_t *record = case_record_build(&facts);

	if (c->base_facts)
		json_object_set(record, "base", c->base_facts);
	if (c->net.facts)
		json_object_set(record, "network", c->net.facts);
	if (c->subtests)
		json_object_set(record, "subtests", c->subtests);
	case_crash_add(c, record);
	case_record_write(c->case_dir, record);
	json_decref(recipe);
	return record;
}

enum outcome case_run(const struct fixture *f, const char *case_dir, const struct case_opts *opts,
		      json_t **record)
{
	struct case_ctx c;
	char *run_dir = NULL, *qmp_path;
	int64_t started = util_now_ms();

	case_init(&c, f, case_dir, opts);
	qmp_path = util_strdup_printf("%s/qmp.log", case_dir);
	c.qmp_log = fopen(qmp_path, "we");
	free(qmp_path);
	if (!c.qmp_log || case_console_open_log(&c) < 0) {
		case_verdict(&c, OUTCOME_HARNESS_ERROR, "cannot write in %s: %s", case_dir,
			     strerror(errno));
	} else if (!(run_dir = case_socket_dir_make(opts->run_root))) {
		case_verdict(&c, OUTCOME_HARNESS_ERROR, "cannot make a socket directory in %s: %s",
			     case_socket_root(opts->run_root), strerror(errno));
	} else if (opts->base && !opts->base->state) {
		case_base_failed(&c);
	} else if (case_start(&c, run_dir)) {
		case_loop(&c);
	}
	case_ktap_finish(&c);
	if (c.outcome != OUTCOME_PASS)
		c.capsule = capsule_collect(&c);
	if (c.outcome != OUTCOME_PASS)
		c.diagnostics = case_diag_collect(&c);
	if (c.vm)
		c.vm->ops->stop(c.vm, 1000);
	json_t *rec = case_write_record(&c, util_now_ms() - started);
	if (record)
		*record = rec;
	else
		json_decref(rec);
	enum outcome o = c.outcome;
	case_fini(&c);
	if (run_dir) {
		util_rm_rf(run_dir);
		free(run_dir);
	}
	return o;
}
