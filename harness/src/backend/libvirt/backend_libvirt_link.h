/* backend/libvirt/backend_libvirt_link.h: the parts of the libvirt backend that run on
 * other threads, and what they share with the engine's thread.
 *
 * Owner: ring2 (libvirt); nothing outside backend_libvirt*.c includes it.
 *
 * Three threads meet here. libvirt's event loop thread (one per process,
 * lv_event_loop_start) runs our domain-event, QEMU-monitor-event and
 * connection-close callbacks. The QMP bridge thread (one per guest) answers
 * the engine's QMP client on a socketpair by calling libvirt. The engine's
 * thread polls two fds: its end of that socketpair and a notice pipe. So the
 * engine keeps its one poll() loop and its deadlines, and its QMP client
 * (qmp.c, with the transcript) is the same under both backends.
 */
#ifndef KILN_BACKEND_LIBVIRT_LINK_H
#define KILN_BACKEND_LIBVIRT_LINK_H

#include <jansson.h>
#include <libvirt/libvirt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

/* Shared state. name and the fds never change; dom and the fields after
 * it are read and written under lock (writes to qmp_fd too). Reference
 * counted: the engine and each registered callback hold one, so
 * a callback that libvirt runs late never touches freed memory. */
struct lv_link {
	pthread_mutex_t lock;
	pthread_cond_t changed; /* stopped or lost was set */
	atomic_int refs;
	char *name;	   /* our domain; events of other domains are ignored */
	int qmp_fd;	   /* the bridge's end of the QMP socketpair */
	int notify_fd;	   /* write end of the notice pipe (nonblocking) */
	virDomainPtr dom;  /* once created; a reference of its own */
	bool stopped;	   /* libvirt reported the domain stopped */
	int stop_detail;   /* virDomainEventStoppedDetailType */
	bool lost;	   /* the connection closed under us */
	bool resume_raced; /* the guest ended while virDomainResume ran */
	char lost_reason[160];
};

/* Start libvirt's default event loop on a thread of its own, once per
 * process; it must run before the first virConnectOpen. 0 or -1. */
int lv_event_loop_start(void);

/* A link for domain name; takes qmp_fd and notify_fd (closed at the last
 * unref). One reference, the caller's. */
struct lv_link *lv_link_new(const char *name, int qmp_fd, int notify_fd);
struct lv_link *lv_link_ref(struct lv_link *l);
void lv_link_unref(struct lv_link *l); /* accepts NULL */

/* Write one QMP message (a JSON object, borrowed) as a line to the engine,
 * serialized with every other writer. */
void lv_link_send(struct lv_link *l, json_t *msg);

/* Wake the engine's poll(). */
void lv_link_notify(struct lv_link *l);

/* Wait until stopped or lost is set, or ms pass. Returns stopped || lost. */
bool lv_link_wait(struct lv_link *l, int ms);

/* The callbacks registered on a connection for one link. */
struct lv_watch {
	virConnectPtr conn;
	int lifecycle_id, monitor_id;
	bool close_registered;
};

/* Register lifecycle, QEMU monitor event and close callbacks for l on conn
 * (before the domain exists, so nothing can be missed). 0 or -1. */
int lv_watch_start(struct lv_watch *w, virConnectPtr conn, struct lv_link *l);
void lv_watch_stop(struct lv_watch *w); /* idempotent */

/* backend_libvirt_console.c: the serial console of a domain on another
 * host, through a libvirt stream; *engine_fd gets the engine's end (a
 * nonblocking socket). serial_log is QEMU's log of the same port, read for
 * what the stream lost at its end. 0, or -1 with the reason. */
struct lv_console;
int lv_console_open(virDomainPtr dom, const char *serial_log, int *engine_fd,
		    struct lv_console **out, char *reason, size_t len);
void lv_console_close(struct lv_console *c); /* accepts NULL */

/* backend_libvirt_qmp.c: the QMP bridge thread for l, which greets with
 * qemu_version as virConnectGetVersion gives it (7002022 for 7.2.22). */
struct lv_bridge;
struct lv_bridge *lv_bridge_start(struct lv_link *l, unsigned long qemu_version);
/* End the thread: shut the socket, wait a bounded time. Accepts NULL. */
void lv_bridge_stop(struct lv_bridge *b);

#endif
