/* backend_select.c: backend selection, fail-fast, and the scale-out books.
 * See kiln/backend_select.h.
 *
 * The probe runs each URI's virConnectOpen in a child process that is
 * killed at the deadline: a TCP connect to a dead host can hang for minutes,
 * and libvirt has no timeout for opening. Children also keep libvirt's
 * threads and state out of the runner, which forks a worker per case.
 */
#include "kiln/backend/backend_select.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend_plugin.h"
#include "kiln/lib/outcome.h"
#include "kiln/lib/util.h"

static void backend_tag_select(int ring, const char *src)
{
	if (!util_json_only())
		dprintf(STDERR_FILENO, "[provider/select:backend ring=%d src=%s]\n", ring, src);
}

static int backend_failfast(const char *reason)
{
	if (!util_json_only())
		dprintf(STDERR_FILENO, "[failfast/provider/backend:%s]\n", reason);
	return KILN_EXIT_BACKEND;
}

struct probe {
	const struct backend_plugin *plugin;
	const char *uri;
	pid_t pid;
	int fd; /* the child's words, or end of file when it answered */
	char msg[512];
	size_t len;
	int status; /* -1 running, 0 ok, 1 failed */
};

static void probe_start(struct probe *p)
{
	int pv[2];

	p->status = -1;
	p->pid = -1;
	p->fd = -1;
	if (pipe2(pv, O_CLOEXEC) < 0) {
		snprintf(p->msg, sizeof(p->msg), "pipe: %s", strerror(errno));
		p->status = 1;
		return;
	}
	p->pid = fork();
	if (p->pid == 0) {
		char reason[512];
		close(pv[0]);
		if (p->plugin->probe(p->uri, reason, sizeof(reason)) == 0)
			_exit(0);
		util_write_all(pv[1], reason, strlen(reason));
		_exit(1);
	}
	close(pv[1]);
	if (p->pid < 0) {
		close(pv[0]);
		snprintf(p->msg, sizeof(p->msg), "fork: %s", strerror(errno));
		p->status = 1;
		return;
	}
	p->fd = pv[0];
}

/* Read the child's message; at end of file reap it. */
static void probe_read(struct probe *p)
{
	ssize_t n = read(p->fd, p->msg + p->len, sizeof(p->msg) - 1 - p->len);
	int st;

	if (n > 0) {
		p->len += (size_t)n;
		p->msg[p->len] = '\0';
		if (p->len < sizeof(p->msg) - 1)
			return;
	}
	close(p->fd);
	p->fd = -1;
	waitpid(p->pid, &st, 0);
	p->status = WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 1;
	if (p->status && !p->len)
		snprintf(p->msg, sizeof(p->msg), "the probe died");
}

/* Probe every URI at once; 0 when all answered. */
static int backend_probe_all(struct backend_choice *b, const struct backend_plugin *plugin)
{
	struct probe *ps = util_calloc(b->n_conns, sizeof(*ps));
	int64_t deadline = util_now_ms() + BACKEND_PROBE_TIMEOUT_MS;
	int failed = 0;

	for (size_t i = 0; i < b->n_conns; i++) {
		ps[i].plugin = plugin;
		ps[i].uri = b->conns[i].uri;
		probe_start(&ps[i]);
	}
	for (;;) {
		struct pollfd fds[64];
		size_t n = 0, map[64];
		for (size_t i = 0; i < b->n_conns && n < 64; i++)
			if (ps[i].fd >= 0) {
				map[n] = i;
				fds[n++] = (struct pollfd){ps[i].fd, POLLIN, 0};
			}
		int64_t left = deadline - util_now_ms();
		if (n == 0 || left <= 0)
			break;
		if (poll(fds, n, (int)left) < 0 && errno != EINTR)
			break;
		for (size_t k = 0; k < n; k++)
			if (fds[k].revents)
				probe_read(&ps[map[k]]);
	}
	for (size_t i = 0; i < b->n_conns; i++) {
		struct probe *p = &ps[i];
		if (p->status < 0) {
			/* Past the deadline: end it, by its pid. */
			kill(p->pid, SIGKILL);
			waitpid(p->pid, NULL, 0);
			close(p->fd);
			snprintf(p->msg, sizeof(p->msg), "no answer within %.1f s",
				 BACKEND_PROBE_TIMEOUT_MS / 1000.0);
			p->status = 1;
		}
		if (p->status) {
			util_err("libvirt: cannot connect to %s: %s",
				 p->uri ? p->uri : "the default URI", p->msg);
			failed++;
		}
	}
	free(ps);
	return failed ? -1 : 0;
}

static void backend_conns_init(struct backend_choice *b, char *const *uris, size_t n_uris)
{
	b->n_conns = n_uris ? n_uris : 1;
	b->conns = util_calloc(b->n_conns, sizeof(*b->conns));
	for (size_t i = 0; i < n_uris; i++)
		b->conns[i].uri = uris[i];
	for (size_t i = 0; i < b->n_conns; i++)
		b->conns[i].cases = json_array();
	b->retried = json_array();
}

int backend_select(const char *requested, char *const *uris, size_t n_uris,
		   struct backend_choice *out)
{
	const char *name = requested ? requested : getenv("KILN_BACKEND");

	memset(out, 0, sizeof(*out));
	if (!name || !*name)
		name = "auto";
	if (!strcmp(name, "auto"))
		name = n_uris ? "libvirt" : "qemu";
	if (!strcmp(name, "qemu")) {
		if (n_uris) {
			util_err("run: --connect names libvirt hosts; the qemu backend has none");
			return KILN_EXIT_USAGE;
		}
		backend_conns_init(out, uris, 0);
		out->ops = &backend_qemu_ops;
		backend_tag_select(1, "static");
		return 0;
	}
	if (strcmp(name, "libvirt") != 0) {
		util_err("run: unknown backend '%s' (auto, qemu or libvirt)", name);
		return KILN_EXIT_USAGE;
	}
	static struct backend_plugin plugin;
	char why[512];
	switch (backend_plugin_load("libvirt", &plugin, why, sizeof(why))) {
	case BACKEND_PLUGIN_OK: break;
	case BACKEND_PLUGIN_MISSING:
		util_err("backend libvirt: no plugin (%s): this kiln was built without libvirt",
			 why);
		return backend_failfast("not_compiled");
	case BACKEND_PLUGIN_UNLOADABLE:
		util_err("backend libvirt: the plugin does not load: %s", why);
		return backend_failfast("plugin_unloadable");
	}
	backend_conns_init(out, uris, n_uris);
	if (backend_probe_all(out, &plugin) < 0) {
		backend_choice_free(out);
		return backend_failfast("libvirt_unavailable");
	}
	out->ops = plugin.ops;
	backend_tag_select(2, "dynamic");
	return 0;
}

void backend_choice_free(struct backend_choice *b)
{
	for (size_t i = 0; b->conns && i < b->n_conns; i++) {
		free(b->conns[i].fail_reason);
		json_decref(b->conns[i].cases);
	}
	json_decref(b->retried);
	b->retried = NULL;
	free(b->conns);
	b->conns = NULL;
	b->n_conns = 0;
}

int backend_conn_take(struct backend_choice *b, int jobs)
{
	int best = -1;

	for (size_t i = 0; i < b->n_conns; i++) {
		const struct backend_conn *c = &b->conns[i];
		if (c->failed || c->running >= jobs)
			continue;
		if (best < 0 || c->running < b->conns[best].running)
			best = (int)i;
	}
	if (best >= 0)
		b->conns[best].running++;
	return best;
}

bool backend_conn_any_alive(const struct backend_choice *b)
{
	for (size_t i = 0; i < b->n_conns; i++)
		if (!b->conns[i].failed)
			return true;
	return false;
}

bool backend_conn_done(struct backend_choice *b, int conn, const json_t *rec)
{
	struct backend_conn *c;

	if (conn < 0 || (size_t)conn >= b->n_conns)
		return false;
	c = &b->conns[conn];
	c->running--;
	if (!json_is_true(json_object_get(rec, "host_failed"))) {
		json_array_append(c->cases, json_object_get(rec, "name"));
		return false;
	}
	if (!c->failed) {
		const char *why = json_string_value(json_object_get(rec, "reason"));
		c->failed = true;
		c->fail_reason = util_strdup(why ? why : "the host failed");
		util_err("host %s failed mid-run (%s); its cases go to the other hosts",
			 c->uri ? c->uri : "(default)", c->fail_reason);
	}
	if (!backend_conn_any_alive(b))
		return false;
	b->retries++;
	return true;
}

void backend_retry_note(struct backend_choice *b, const json_t *rec, const char *kept_dir)
{
	json_array_append_new(b->retried,
			      json_pack("{s:O?, s:O?, s:O?, s:s}", "case",
					json_object_get(rec, "name"), "from",
					json_object_get(rec, "connect"), "reason",
					json_object_get(rec, "reason"), "dir", kept_dir));
}

void backend_report(const struct backend_choice *b, json_t *report)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < b->n_conns; i++) {
		const struct backend_conn *c = &b->conns[i];
		json_t *o = json_pack("{s:s?, s:O, s:b}", "uri", c->uri, "cases", c->cases,
				      "failed", c->failed);
		if (c->fail_reason)
			json_object_set_new(o, "reason", json_string(c->fail_reason));
		json_array_append_new(arr, o);
	}
	json_object_set_new(report, "connections", arr);
	json_object_set(report, "retried", b->retried);
}
