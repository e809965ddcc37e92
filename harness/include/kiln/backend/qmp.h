/* kiln/backend/qmp.h: a QMP client over one connected stream socket.
 *
 * Owner: ring1 (the qemu backend), also used by tests with a fake server.
 * Modelled on QEMU's libqmp with one difference: every wait has a deadline.
 * Events that arrive while a command waits for its reply are queued, and
 * event waits read the queue first. The whole conversation is written, with
 * millisecond timestamps, to a transcript (qmp.log) as it happens.
 *
 * Ownership: json_t values returned through out-parameters are new
 * references; arguments passed in are borrowed.
 */
#ifndef KILN_QMP_H
#define KILN_QMP_H

#include <jansson.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum qmp_status {
	QMP_OK = 0,
	QMP_ERR_REPLY,	  /* the command failed: class and desc are set */
	QMP_ERR_TIMEOUT,  /* the deadline passed */
	QMP_ERR_CLOSED,	  /* the server closed the connection */
	QMP_ERR_PROTOCOL, /* not QMP: garbage, or a reply of the wrong shape */
	QMP_ERR_IO,	  /* a socket error */
};

struct qmp_error {
	enum qmp_status status;
	char class[64]; /* QMP error class, e.g. "GenericError" */
	char desc[512];
};

struct qmp;

/* Take fd (connected, owned from now on). transcript may be NULL; it is
 * borrowed and must outlive the client. t0_ms is the time base for the
 * transcript's timestamps (util_now_ms() when QEMU started). Returns a new
 * client, never NULL (out of memory aborts); free it with qmp_free(). */
struct qmp *qmp_new(int fd, FILE *transcript, int64_t t0_ms);
/* Close the fd, drop queued events and free q. Accepts NULL. */
void qmp_free(struct qmp *q);

/* The connection's fd, still owned by q (qmp_free() closes it). */
int qmp_fd(const struct qmp *q);

/* Read the greeting, then negotiate capabilities, both before deadline_ms
 * (util_now_ms() time). Returns QMP_OK, or an enum qmp_status with *err
 * filled. The version from the greeting is then available from
 * qmp_version(): a string borrowed from q, "7.2.22", or "" before a
 * greeting. */
int qmp_handshake(struct qmp *q, int64_t deadline_ms, struct qmp_error *err);
const char *qmp_version(const struct qmp *q);

/* Add q's fd to fds (at most max) for poll() while the connection can
 * still say something: a closed one is always readable and would spin the
 * loop, so it is left out (events already read stay queued). q may be
 * NULL. Returns how many were added: 0 or 1. */
size_t qmp_poll_add(const struct qmp *q, struct pollfd *fds, size_t max);

/* Run one command and wait for its reply, at most until deadline_ms
 * (util_now_ms() time; events that arrive meanwhile are queued).
 *   command  borrowed; sent as "execute".
 *   args     borrowed, never stolen: the caller still decrefs it. NULL sends
 *            no "arguments".
 *   ret      on QMP_OK, when not NULL, *ret gets the reply's "return" value
 *            as a new reference (the caller decrefs it). On any error *ret
 *            is left untouched, so initialise it to NULL.
 *   err      written only on error: the status, and for QMP_ERR_REPLY the
 *            QMP error's class and desc.
 * Returns QMP_OK or the enum qmp_status of the failure. After
 * QMP_ERR_TIMEOUT the reply may still come; it is then kept, unused, in
 * q's reply queue until qmp_free() (ids are never reused). */
int qmp_execute(struct qmp *q, const char *command, json_t *args, int64_t deadline_ms, json_t **ret,
		struct qmp_error *err);

/* Read what the socket has now without blocking, queueing events. For a
 * poll() loop: call it when the fd is readable. Returns QMP_OK, or an error
 * status (with *err filled) once the connection is unusable. */
int qmp_pump(struct qmp *q, struct qmp_error *err);

/* Take the oldest queued event named name (any event when name is NULL)
 * whose "data" contains data_subset (when not NULL). New reference, or NULL
 * when none is queued. */
json_t *qmp_event_take(struct qmp *q, const char *name, const json_t *data_subset);

/* Wait until such an event arrives or deadline_ms passes. On QMP_OK *event
 * gets it as a new reference (the caller decrefs it; it leaves the queue);
 * on error *event is untouched and *err is filled. name and data_subset as
 * for qmp_event_take(), borrowed. */
int qmp_wait_event(struct qmp *q, const char *name, const json_t *data_subset, int64_t deadline_ms,
		   json_t **event, struct qmp_error *err);

/* 1 when every key of subset is in value with an equal (recursively
 * subset-matching for objects) value, else 0; both borrowed. Used for
 * `returns` and event data. */
int qmp_json_subset(const json_t *subset, const json_t *value);

/* "ok", "timeout", ...: a static string, never NULL. */
const char *qmp_status_name(enum qmp_status s);

#endif
