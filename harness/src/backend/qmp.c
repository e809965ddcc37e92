/* qmp.c: QMP client with deadlines and an event queue. See kiln/qmp.h.
 *
 * Framing: QEMU writes one JSON object per line, but nothing in the protocol
 * promises it, so the reader parses objects straight off the byte buffer with
 * JSON_DISABLE_EOF_CHECK and keeps a partial object for the next read.
 */
#include "kiln/backend/qmp.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kiln/lib/util.h"

#define QMP_MAX_BUFFER (16u << 20) /* a reply larger than this is garbage */

struct qmp {
	int fd;
	FILE *log;
	int64_t t0_ms;
	char *buf;
	size_t len, cap;
	json_t *events;	 /* array, oldest first */
	json_t *replies; /* replies read while nobody waited for them */
	unsigned next_id;
	char version[32];
	bool closed;
	bool garbage; /* the server sent something that is not QMP */
};

struct qmp *qmp_new(int fd, FILE *transcript, int64_t t0_ms)
{
	struct qmp *q = util_calloc(1, sizeof(*q));

	q->fd = fd;
	q->log = transcript;
	q->t0_ms = t0_ms;
	q->events = json_array();
	q->replies = json_array();
	util_fd_nonblock_cloexec(fd);
	return q;
}

void qmp_free(struct qmp *q)
{
	if (!q)
		return;
	if (q->fd >= 0)
		close(q->fd);
	json_decref(q->events);
	json_decref(q->replies);
	free(q->buf);
	free(q);
}

int qmp_fd(const struct qmp *q)
{
	return q->fd;
}

size_t qmp_poll_add(const struct qmp *q, struct pollfd *fds, size_t max)
{
	if (!q || q->closed || q->fd < 0 || max == 0)
		return 0;
	fds[0] = (struct pollfd){q->fd, POLLIN, 0};
	return 1;
}

const char *qmp_version(const struct qmp *q)
{
	return q->version;
}

const char *qmp_status_name(enum qmp_status s)
{
	static const char *const names[] = {[QMP_OK] = "ok",
					    [QMP_ERR_REPLY] = "error reply",
					    [QMP_ERR_TIMEOUT] = "timeout",
					    [QMP_ERR_CLOSED] = "closed",
					    [QMP_ERR_PROTOCOL] = "protocol error",
					    [QMP_ERR_IO] = "i/o error"};
	return s <= QMP_ERR_IO ? names[s] : "?";
}

static int qmp_fail(struct qmp_error *err, enum qmp_status st, const char *cls, const char *desc)
{
	if (err) {
		err->status = st;
		snprintf(err->class, sizeof(err->class), "%s", cls ? cls : "");
		snprintf(err->desc, sizeof(err->desc), "%s", desc ? desc : "");
	}
	return st;
}

/* Once closed or fed garbage, the connection stays unusable, and every
 * later call says why at once. */
static int qmp_unusable(const struct qmp *q, struct qmp_error *err)
{
	if (q->garbage)
		return qmp_fail(err, QMP_ERR_PROTOCOL, NULL,
				"the server sent something that is not QMP");
	if (q->closed)
		return qmp_fail(err, QMP_ERR_CLOSED, NULL, "connection closed");
	return QMP_OK;
}

static void qmp_log(struct qmp *q, const char *dir, const char *text, size_t len)
{
	if (!q->log)
		return;
	fprintf(q->log, "%8.3f %s %.*s\n", (double)(util_now_ms() - q->t0_ms) / 1000.0, dir,
		(int)len, text);
	fflush(q->log);
}

/* Parse every complete object in the buffer into events or replies. */
static int qmp_parse_buffer(struct qmp *q, struct qmp_error *err)
{
	size_t off = 0;

	while (off < q->len) {
		json_error_t jerr;
		json_t *msg;

		/* (strchr would also find the NUL: that is garbage, not space.) */
		while (off < q->len && q->buf[off] && strchr(" \t\r\n", q->buf[off]))
			off++;
		if (off == q->len)
			break;
		msg = json_loadb(q->buf + off, q->len - off, JSON_DISABLE_EOF_CHECK, &jerr);
		if (!msg) {
			/* Wait for the rest, unless Jansson stopped short of
			 * the buffer's end: at a NUL, which is garbage. */
			if (json_error_code(&jerr) == json_error_premature_end_of_input &&
			    (size_t)jerr.position >= q->len - off)
				break;
			qmp_log(q, "!!", q->buf + off, q->len - off);
			q->garbage = true;
			return qmp_fail(err, QMP_ERR_PROTOCOL, NULL, jerr.text);
		}
		qmp_log(q, "<-", q->buf + off, jerr.position);
		off += jerr.position;
		if (!json_is_object(msg)) {
			json_decref(msg);
			q->garbage = true;
			return qmp_fail(err, QMP_ERR_PROTOCOL, NULL,
					"a QMP message must be a JSON object");
		}
		json_array_append_new(json_object_get(msg, "event") ? q->events : q->replies, msg);
	}
	memmove(q->buf, q->buf + off, q->len - off);
	q->len -= off;
	return QMP_OK;
}

int qmp_pump(struct qmp *q, struct qmp_error *err)
{
	int dead = qmp_unusable(q, err);

	if (dead != QMP_OK)
		return dead;
	for (;;) {
		if (q->cap - q->len < 4096) {
			if (q->cap >= QMP_MAX_BUFFER)
				return qmp_fail(err, QMP_ERR_PROTOCOL, NULL,
						"message larger than 16 MiB");
			q->cap = q->cap ? q->cap * 2 : 8192;
			q->buf = util_realloc(q->buf, q->cap);
		}
		ssize_t n = read(q->fd, q->buf + q->len, q->cap - q->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n < 0 && errno == ECONNRESET)
			n = 0; /* the peer closed with our data unread: an end of file */
		if (n < 0)
			return qmp_fail(err, QMP_ERR_IO, NULL, strerror(errno));
		if (n == 0) {
			int rc = qmp_parse_buffer(q, err);
			q->closed = true;
			if (rc != QMP_OK)
				return rc;
			if (q->len)
				return qmp_fail(err, QMP_ERR_CLOSED, NULL,
						"connection closed in the middle of a message");
			return json_array_size(q->replies) || json_array_size(q->events)
				       ? QMP_OK
				       : qmp_fail(err, QMP_ERR_CLOSED, NULL, "connection closed");
		}
		q->len += (size_t)n;
	}
	return qmp_parse_buffer(q, err);
}

/* Block until the fd is readable or the deadline passes, then pump. */
static int qmp_read_until(struct qmp *q, int64_t deadline_ms, struct qmp_error *err)
{
	struct pollfd p = {q->fd, POLLIN, 0};
	int64_t left = deadline_ms - util_now_ms();
	int dead = qmp_unusable(q, err);

	if (dead != QMP_OK)
		return dead;
	if (left <= 0)
		return qmp_fail(err, QMP_ERR_TIMEOUT, NULL, "no answer before the deadline");
	int rc = poll(&p, 1, (int)(left > 60000 ? 60000 : left));
	if (rc < 0 && errno != EINTR)
		return qmp_fail(err, QMP_ERR_IO, NULL, strerror(errno));
	if (rc <= 0)
		return QMP_OK; /* the caller checks the deadline again */
	return qmp_pump(q, err);
}

/* Send all of text: MSG_NOSIGNAL, so that a server that has gone away is
 * QMP_ERR_CLOSED for the caller instead of a SIGPIPE for the process. */
static int qmp_send(struct qmp *q, const char *text, size_t len, struct qmp_error *err)
{
	while (len > 0) {
		ssize_t n = send(q->fd, text, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			if (errno == EPIPE || errno == ECONNRESET)
				q->closed = true;
			return qmp_fail(err, q->closed ? QMP_ERR_CLOSED : QMP_ERR_IO, NULL,
					strerror(errno));
		}
		text += n;
		len -= (size_t)n;
	}
	return QMP_OK;
}

/* Take the reply with our id (or the greeting when id is NULL). */
static json_t *qmp_reply_take(struct qmp *q, const char *id)
{
	size_t i;
	json_t *r;

	json_array_foreach (q->replies, i, r) {
		const char *rid = json_string_value(json_object_get(r, "id"));
		bool greeting = json_object_get(r, "QMP") != NULL;
		if ((id && rid && !strcmp(id, rid)) || (!id && greeting)) {
			json_incref(r);
			json_array_remove(q->replies, i);
			return r;
		}
	}
	return NULL;
}

/* A search of the queues: returns a new reference or NULL. */
typedef json_t *(*qmp_take_fn)(struct qmp *q, const void *a, const void *b);

static json_t *qmp_take_reply(struct qmp *q, const void *id, const void *unused)
{
	(void)unused;
	return qmp_reply_take(q, id);
}

static json_t *qmp_take_event(struct qmp *q, const void *name, const void *data)
{
	return qmp_event_take(q, name, data);
}

/* The one wait loop: look in the queues, read more, until the deadline. */
static int qmp_wait(struct qmp *q, qmp_take_fn take, const void *a, const void *b,
		    int64_t deadline_ms, json_t **out, struct qmp_error *err)
{
	for (;;) {
		json_t *r = take(q, a, b);
		if (r) {
			*out = r;
			return QMP_OK;
		}
		if (util_now_ms() >= deadline_ms)
			return qmp_fail(err, QMP_ERR_TIMEOUT, NULL,
					"no answer before the deadline");
		int rc = qmp_read_until(q, deadline_ms, err);
		if (rc != QMP_OK) {
			if ((*out = take(q, a, b)))
				return QMP_OK;
			return rc;
		}
	}
}

static int qmp_wait_reply(struct qmp *q, const char *id, int64_t deadline_ms, json_t **out,
			  struct qmp_error *err)
{
	return qmp_wait(q, qmp_take_reply, id, NULL, deadline_ms, out, err);
}

int qmp_handshake(struct qmp *q, int64_t deadline_ms, struct qmp_error *err)
{
	json_t *greeting = NULL, *ver;
	int rc = qmp_wait_reply(q, NULL, deadline_ms, &greeting, err);

	if (rc != QMP_OK)
		return rc;
	ver = json_object_get(json_object_get(json_object_get(greeting, "QMP"), "version"), "qemu");
	if (json_is_object(ver))
		snprintf(q->version, sizeof(q->version), "%d.%d.%d",
			 (int)json_integer_value(json_object_get(ver, "major")),
			 (int)json_integer_value(json_object_get(ver, "minor")),
			 (int)json_integer_value(json_object_get(ver, "micro")));
	bool has_version = json_is_object(ver);
	json_decref(greeting);
	if (!has_version)
		return qmp_fail(err, QMP_ERR_PROTOCOL, NULL, "greeting without a version");
	return qmp_execute(q, "qmp_capabilities", NULL, deadline_ms, NULL, err);
}

int qmp_execute(struct qmp *q, const char *command, json_t *args, int64_t deadline_ms, json_t **ret,
		struct qmp_error *err)
{
	char id[32];
	json_t *msg = json_object(), *reply = NULL, *e;
	char *text;
	int rc;

	if ((rc = qmp_unusable(q, err)) != QMP_OK) {
		json_decref(msg);
		return rc;
	}
	snprintf(id, sizeof(id), "kiln-%u", ++q->next_id);
	json_object_set_new(msg, "execute", json_string(command));
	if (args)
		json_object_set(msg, "arguments", args);
	json_object_set_new(msg, "id", json_string(id));
	text = json_dumps(msg, JSON_COMPACT);
	json_decref(msg);
	qmp_log(q, "->", text, strlen(text));
	rc = qmp_send(q, text, strlen(text), err);
	if (rc == QMP_OK)
		rc = qmp_send(q, "\n", 1, err);
	free(text);
	if (rc != QMP_OK)
		return rc;
	if ((rc = qmp_wait_reply(q, id, deadline_ms, &reply, err)) != QMP_OK)
		return rc;
	if ((e = json_object_get(reply, "error"))) {
		rc = qmp_fail(err, QMP_ERR_REPLY, json_string_value(json_object_get(e, "class")),
			      json_string_value(json_object_get(e, "desc")));
	} else if (!json_object_get(reply, "return")) {
		rc = qmp_fail(err, QMP_ERR_PROTOCOL, NULL, "reply has neither return nor error");
	} else if (ret) {
		*ret = json_incref(json_object_get(reply, "return"));
	}
	json_decref(reply);
	return rc;
}

int qmp_json_subset(const json_t *subset, const json_t *value)
{
	const char *key;
	json_t *v;

	if (!json_is_object(subset) || !json_is_object(value))
		return json_equal((json_t *)subset, (json_t *)value);
	json_object_foreach ((json_t *)subset, key, v) {
		if (!qmp_json_subset(v, json_object_get(value, key)))
			return 0;
	}
	return 1;
}

json_t *qmp_event_take(struct qmp *q, const char *name, const json_t *data_subset)
{
	size_t i;
	json_t *e;

	json_array_foreach (q->events, i, e) {
		const char *ename = json_string_value(json_object_get(e, "event"));
		if (name && (!ename || strcmp(name, ename)))
			continue;
		if (data_subset && !qmp_json_subset(data_subset, json_object_get(e, "data")))
			continue;
		json_incref(e);
		json_array_remove(q->events, i);
		return e;
	}
	return NULL;
}

int qmp_wait_event(struct qmp *q, const char *name, const json_t *data_subset, int64_t deadline_ms,
		   json_t **event, struct qmp_error *err)
{
	return qmp_wait(q, qmp_take_event, name, data_subset, deadline_ms, event, err);
}
