/* backend_libvirt_qmp.c: the QMP bridge, a small QMP server on the engine's
 * socketpair that runs each command through libvirt.
 *
 * Owner: ring2 (libvirt). The engine talks QMP to it with qmp.c, exactly as
 * to QEMU, so deadlines, the event queue and the qmp.log transcript are the
 * qemu backend's own. Commands go to QEMU through
 * virDomainQemuMonitorCommand, except the ones whose effect libvirt must
 * know about: `cont` is virDomainResume and `stop` is virDomainSuspend (a
 * raw `cont` would leave libvirt believing the guest paused), and
 * `qmp_capabilities` is answered here (libvirt negotiated long ago).
 *
 * When the domain is gone the bridge shuts its socket, so the engine sees
 * the QMP connection close, as it does when QEMU exits under the qemu
 * backend.
 */
#include <errno.h>
#include <libvirt/libvirt-qemu.h>
#include <libvirt/virterror.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "backend_libvirt_link.h"
#include "kiln/lib/util.h"

/* A guest that exits the moment it runs can make virDomainResume fail; the
 * stop notice then follows within this. */
#define LV_RESUME_EXIT_WAIT_MS 2000
#define LV_BRIDGE_JOIN_MS 3000

struct lv_bridge {
	struct lv_link *link;
	pthread_t thread;
	unsigned long version; /* libvirt's encoding: major * 1000000 + ... */
	pthread_mutex_t lock;
	pthread_cond_t done_cond;
	bool done;
};

static json_t *lv_reply_error(const char *cls, const char *desc)
{
	return json_pack("{s:{s:s, s:s}}", "error", "class", cls, "desc", desc ? desc : "");
}

static virDomainPtr lv_bridge_domain(struct lv_bridge *b)
{
	virDomainPtr dom;

	pthread_mutex_lock(&b->link->lock);
	dom = b->link->dom;
	if (dom)
		virDomainRef(dom);
	pthread_mutex_unlock(&b->link->lock);
	return dom;
}

static bool lv_bridge_domain_gone(struct lv_bridge *b, virDomainPtr dom)
{
	bool stopped;

	pthread_mutex_lock(&b->link->lock);
	stopped = b->link->stopped || b->link->lost;
	pthread_mutex_unlock(&b->link->lock);
	return stopped || virDomainIsActive(dom) != 1;
}

static bool lv_bridge_running(virDomainPtr dom)
{
	int state = VIR_DOMAIN_NOSTATE, reason;

	return virDomainGetState(dom, &state, &reason, 0) == 0 && state == VIR_DOMAIN_RUNNING;
}

/* The reply to one command, without its id; NULL when the domain is gone
 * (the bridge then closes, like QEMU's monitor). New reference. */
static json_t *lv_bridge_run(struct lv_bridge *b, virDomainPtr dom, const char *cmd, json_t *args)
{
	json_t *reply = NULL, *msg;
	char *text, *result = NULL;
	int rc;

	if (!strcmp(cmd, "cont")) {
		rc = virDomainResume(dom);
		/* QEMU's cont on a running guest succeeds; libvirt's refuses. */
		if (rc < 0 && lv_bridge_running(dom))
			rc = 0;
		/* The guest may finish and QEMU exit before libvirt has seen the
		 * guest run: that is the guest's exit, not a failed resume. */
		if (rc < 0 && lv_link_wait(b->link, LV_RESUME_EXIT_WAIT_MS)) {
			/* Stopped, or the host is lost (the engine hears of
			 * that through the notice, not through this reply). */
			pthread_mutex_lock(&b->link->lock);
			b->link->resume_raced = b->link->stopped;
			pthread_mutex_unlock(&b->link->lock);
			return json_pack("{s:{}}", "return");
		}
	} else if (!strcmp(cmd, "stop")) {
		rc = virDomainSuspend(dom);
	} else {
		msg = json_pack("{s:s}", "execute", cmd);
		if (args)
			json_object_set(msg, "arguments", args);
		text = json_dumps(msg, JSON_COMPACT);
		json_decref(msg);
		rc = virDomainQemuMonitorCommand(dom, text, &result, 0);
		free(text);
		if (rc == 0) {
			reply = json_loads(result, 0, NULL);
			free(result);
			if (!json_is_object(reply)) {
				json_decref(reply);
				return lv_reply_error(
					"GenericError",
					"libvirt passed on a reply that is not a JSON object");
			}
			json_object_del(reply, "id"); /* libvirt's own */
			return reply;
		}
	}
	if (rc == 0)
		return json_pack("{s:{}}", "return");
	if (lv_bridge_domain_gone(b, dom))
		return NULL;
	char *desc = util_strdup_printf("libvirt: %s", virGetLastErrorMessage());
	reply = lv_reply_error("GenericError", desc);
	free(desc);
	return reply;
}

/* Answer one request line; false once the bridge must close. */
static bool lv_bridge_line(struct lv_bridge *b, const char *line)
{
	json_t *req = json_loads(line, 0, NULL), *reply;
	const char *cmd = json_string_value(json_object_get(req, "execute"));
	virDomainPtr dom = NULL;
	bool more = true;

	if (!cmd) {
		reply = lv_reply_error("GenericError", "expected a QMP command object");
	} else if (!strcmp(cmd, "qmp_capabilities")) {
		reply = json_pack("{s:{}}", "return");
	} else if (!(dom = lv_bridge_domain(b))) {
		reply = lv_reply_error("GenericError", "the domain does not exist yet");
	} else {
		reply = lv_bridge_run(b, dom, cmd, json_object_get(req, "arguments"));
		more = reply != NULL;
	}
	if (reply) {
		if (json_object_get(req, "id"))
			json_object_set(reply, "id", json_object_get(req, "id"));
		lv_link_send(b->link, reply);
	}
	if (dom)
		virDomainFree(dom);
	json_decref(reply);
	json_decref(req);
	return more;
}

static void lv_bridge_greet(struct lv_bridge *b)
{
	json_t *greeting;

	greeting = json_pack("{s:{s:{s:{s:I, s:I, s:I}, s:s}, s:[]}}", "QMP", "version", "qemu",
			     "major", (json_int_t)(b->version / 1000000), "minor",
			     (json_int_t)(b->version / 1000 % 1000), "micro",
			     (json_int_t)(b->version % 1000), "package", "(through libvirt)",
			     "capabilities");
	lv_link_send(b->link, greeting);
	json_decref(greeting);
}

static void *lv_bridge_main(void *opaque)
{
	struct lv_bridge *b = opaque;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	bool more = true;

	lv_bridge_greet(b);
	while (more) {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 8192;
			buf = util_realloc(buf, cap);
		}
		ssize_t n = recv(b->link->qmp_fd, buf + len, cap - len - 1, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		buf[len] = '\0';
		char *nl;
		while (more && (nl = memchr(buf, '\n', len))) {
			*nl = '\0';
			more = lv_bridge_line(b, buf);
			len -= (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, len);
			buf[len] = '\0';
		}
	}
	/* Gone: the engine reads the events already sent, then end of file. */
	shutdown(b->link->qmp_fd, SHUT_WR);
	free(buf);
	pthread_mutex_lock(&b->lock);
	b->done = true;
	pthread_cond_broadcast(&b->done_cond);
	pthread_mutex_unlock(&b->lock);
	return NULL;
}

struct lv_bridge *lv_bridge_start(struct lv_link *l, unsigned long qemu_version)
{
	struct lv_bridge *b = util_calloc(1, sizeof(*b));
	pthread_condattr_t ca;

	b->link = lv_link_ref(l);
	b->version = qemu_version;
	pthread_mutex_init(&b->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&b->done_cond, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&b->thread, NULL, lv_bridge_main, b) != 0) {
		lv_link_unref(b->link);
		pthread_cond_destroy(&b->done_cond);
		pthread_mutex_destroy(&b->lock);
		free(b);
		return NULL;
	}
	return b;
}

void lv_bridge_stop(struct lv_bridge *b)
{
	struct timespec until;
	bool done;

	if (!b)
		return;
	/* Wakes the thread's recv(); a libvirt call in flight is bounded by
	 * libvirt, and if it outlasts our wait the thread is left to finish
	 * on its own (it holds its own link reference). */
	shutdown(b->link->qmp_fd, SHUT_RD);
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += LV_BRIDGE_JOIN_MS / 1000;
	pthread_mutex_lock(&b->lock);
	while (!b->done)
		if (pthread_cond_timedwait(&b->done_cond, &b->lock, &until) == ETIMEDOUT)
			break;
	done = b->done;
	pthread_mutex_unlock(&b->lock);
	if (!done) {
		pthread_detach(b->thread);
		return; /* b stays allocated: the thread still uses it */
	}
	pthread_join(b->thread, NULL);
	lv_link_unref(b->link);
	pthread_cond_destroy(&b->done_cond);
	pthread_mutex_destroy(&b->lock);
	free(b);
}
