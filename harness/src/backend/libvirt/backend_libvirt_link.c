/* backend_libvirt_link.c: libvirt's event loop thread, and the callbacks it
 * runs for one guest. See kiln/backend_libvirt_link.h.
 *
 * Owner: ring2 (libvirt). Callbacks are registered for every domain of the
 * connection and filter on our domain's name, because they must be in place
 * before virDomainCreateXML returns a domain to register on: a guest that
 * exits at once must still be seen to exit.
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

static pthread_once_t lv_loop_once = PTHREAD_ONCE_INIT;
static int lv_loop_status = -1;

static void *lv_loop_thread(void *unused)
{
	(void)unused;
	for (;;)
		virEventRunDefaultImpl();
	return NULL;
}

static void lv_loop_init(void)
{
	pthread_t t;

	if (virEventRegisterDefaultImpl() < 0)
		return;
	if (pthread_create(&t, NULL, lv_loop_thread, NULL) != 0)
		return;
	/* It runs until the process exits: a worker runs one case and leaves. */
	pthread_detach(t);
	lv_loop_status = 0;
}

int lv_event_loop_start(void)
{
	pthread_once(&lv_loop_once, lv_loop_init);
	return lv_loop_status;
}

struct lv_link *lv_link_new(const char *name, int qmp_fd, int notify_fd)
{
	struct lv_link *l = util_calloc(1, sizeof(*l));
	pthread_condattr_t ca;

	pthread_mutex_init(&l->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&l->changed, &ca);
	pthread_condattr_destroy(&ca);
	atomic_init(&l->refs, 1);
	l->name = util_strdup(name);
	l->qmp_fd = qmp_fd;
	l->notify_fd = notify_fd;
	return l;
}

struct lv_link *lv_link_ref(struct lv_link *l)
{
	atomic_fetch_add(&l->refs, 1);
	return l;
}

void lv_link_unref(struct lv_link *l)
{
	if (!l || atomic_fetch_sub(&l->refs, 1) > 1)
		return;
	if (l->dom)
		virDomainFree(l->dom);
	close(l->qmp_fd);
	close(l->notify_fd);
	pthread_cond_destroy(&l->changed);
	pthread_mutex_destroy(&l->lock);
	free(l->name);
	free(l);
}

void lv_link_send(struct lv_link *l, json_t *msg)
{
	char *text = json_dumps(msg, JSON_COMPACT);
	char *line = util_strdup_printf("%s\n", text ? text : "{}");
	size_t off = 0, len = strlen(line);

	pthread_mutex_lock(&l->lock);
	while (off < len) {
		/* MSG_NOSIGNAL: an engine that is gone is no reason to die. */
		ssize_t n = send(l->qmp_fd, line + off, len - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	pthread_mutex_unlock(&l->lock);
	free(line);
	free(text);
}

void lv_link_notify(struct lv_link *l)
{
	if (write(l->notify_fd, "x", 1) < 0) {
		/* full: the engine has a wakeup pending anyway */
	}
}

bool lv_link_wait(struct lv_link *l, int ms)
{
	struct timespec until;
	bool done;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&l->lock);
	while (!l->stopped && !l->lost)
		if (pthread_cond_timedwait(&l->changed, &l->lock, &until) == ETIMEDOUT)
			break;
	done = l->stopped || l->lost;
	pthread_mutex_unlock(&l->lock);
	return done;
}

static bool lv_is_ours(struct lv_link *l, virDomainPtr dom)
{
	const char *name = dom ? virDomainGetName(dom) : NULL;

	return name && strcmp(name, l->name) == 0;
}

static int lv_on_lifecycle(virConnectPtr conn, virDomainPtr dom, int event, int detail,
			   void *opaque)
{
	struct lv_link *l = opaque;

	(void)conn;
	if (event != VIR_DOMAIN_EVENT_STOPPED || !lv_is_ours(l, dom))
		return 0;
	pthread_mutex_lock(&l->lock);
	l->stopped = true;
	l->stop_detail = detail;
	pthread_cond_broadcast(&l->changed);
	pthread_mutex_unlock(&l->lock);
	lv_link_notify(l);
	return 0;
}

/* A QMP event as QEMU would have sent it: {event, data, timestamp}. */
static void lv_on_monitor_event(virConnectPtr conn, virDomainPtr dom, const char *event,
				long long seconds, unsigned int micros, const char *details,
				void *opaque)
{
	struct lv_link *l = opaque;
	json_t *msg;

	(void)conn;
	if (!event || !lv_is_ours(l, dom))
		return;
	msg = json_pack("{s:s, s:{s:I, s:I}}", "event", event, "timestamp", "seconds",
			(json_int_t)seconds, "microseconds", (json_int_t)micros);
	if (details) {
		json_t *data = json_loads(details, JSON_DECODE_ANY, NULL);
		if (data)
			json_object_set_new(msg, "data", data);
	}
	lv_link_send(l, msg);
	json_decref(msg);
	lv_link_notify(l);
}

static void lv_on_close(virConnectPtr conn, int reason, void *opaque)
{
	static const char *const why[] = {
		[VIR_CONNECT_CLOSE_REASON_ERROR] = "a connection error",
		[VIR_CONNECT_CLOSE_REASON_EOF] = "the daemon closed the connection",
		[VIR_CONNECT_CLOSE_REASON_KEEPALIVE] = "the host stopped answering keepalives",
		[VIR_CONNECT_CLOSE_REASON_CLIENT] = "closed by us",
	};
	struct lv_link *l = opaque;

	(void)conn;
	if (reason == VIR_CONNECT_CLOSE_REASON_CLIENT)
		return;
	pthread_mutex_lock(&l->lock);
	l->lost = true;
	snprintf(l->lost_reason, sizeof(l->lost_reason), "%s",
		 reason >= 0 && reason < (int)(sizeof(why) / sizeof(why[0])) && why[reason]
			 ? why[reason]
			 : "the connection closed");
	pthread_cond_broadcast(&l->changed);
	pthread_mutex_unlock(&l->lock);
	lv_link_notify(l);
}

static void lv_release(void *opaque)
{
	lv_link_unref(opaque);
}

int lv_watch_start(struct lv_watch *w, virConnectPtr conn, struct lv_link *l)
{
	memset(w, 0, sizeof(*w));
	w->conn = conn;
	w->lifecycle_id = w->monitor_id = -1;
	w->lifecycle_id = virConnectDomainEventRegisterAny(
		conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
		VIR_DOMAIN_EVENT_CALLBACK(lv_on_lifecycle), lv_link_ref(l), lv_release);
	if (w->lifecycle_id < 0) {
		lv_link_unref(l);
		return -1;
	}
	w->monitor_id = virConnectDomainQemuMonitorEventRegister(
		conn, NULL, NULL, lv_on_monitor_event, lv_link_ref(l), lv_release, 0);
	if (w->monitor_id < 0) {
		lv_link_unref(l);
		return -1;
	}
	if (virConnectRegisterCloseCallback(conn, lv_on_close, lv_link_ref(l), lv_release) < 0) {
		lv_link_unref(l);
		return -1;
	}
	w->close_registered = true;
	return 0;
}

void lv_watch_stop(struct lv_watch *w)
{
	if (!w->conn)
		return;
	if (w->lifecycle_id >= 0)
		virConnectDomainEventDeregisterAny(w->conn, w->lifecycle_id);
	if (w->monitor_id >= 0)
		virConnectDomainQemuMonitorEventDeregister(w->conn, w->monitor_id);
	if (w->close_registered)
		virConnectUnregisterCloseCallback(w->conn, lv_on_close);
	w->lifecycle_id = w->monitor_id = -1;
	w->close_registered = false;
	w->conn = NULL;
}
