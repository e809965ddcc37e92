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
 * transcript's timestamps (util_now_ms() when QEMU started). */
struct qmp *qmp_new(int fd, FILE *transcript, int64_t t0_ms);
void qmp_free(struct qmp *q); /* closes fd; accepts NULL */

int qmp_fd(const struct qmp *q);

/* Read the greeting, then negotiate capabilities. The version from the
 * greeting is then available from qmp_version(). */
int qmp_handshake(struct qmp *q, int64_t deadline_ms, struct qmp_error *err);
const char *qmp_version(const struct qmp *q); /* "7.2.22" or "" */

/* Add q's fd to fds (at most max) for poll() while the connection can
 * still say something: a closed one is always readable and would spin the
 * loop, so it is left out (events already read stay queued). q may be
 * NULL. Returns how many were added: 0 or 1. */
size_t qmp_poll_add(const struct qmp *q, struct pollfd *fds, size_t max);

/* Run one command and wait for its reply. On QMP_OK *ret (if not NULL) gets
 * the "return" value. args may be NULL. */
int qmp_execute(struct qmp *q, const char *command, json_t *args, int64_t deadline_ms, json_t **ret,
		struct qmp_error *err);

/* Read what the socket has now without blocking, queueing events. For a
 * poll() loop: call it when the fd is readable. Returns QMP_OK, or an error
 * status once the connection is unusable. */
int qmp_pump(struct qmp *q, struct qmp_error *err);

/* Take the oldest queued event named name (any event when name is NULL)
 * whose "data" contains data_subset (when not NULL). New reference, or NULL
 * when none is queued. */
json_t *qmp_event_take(struct qmp *q, const char *name, const json_t *data_subset);

/* Wait until such an event arrives or the deadline passes. */
int qmp_wait_event(struct qmp *q, const char *name, const json_t *data_subset, int64_t deadline_ms,
		   json_t **event, struct qmp_error *err);

/* True when every key of subset is in value with an equal (recursively
 * subset-matching for objects) value. Used for `returns` and event data. */
int qmp_json_subset(const json_t *subset, const json_t *value);

const char *qmp_status_name(enum qmp_status s);

#endif
