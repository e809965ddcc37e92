/* fuzz_qmp.c: the libFuzzer target of the QMP client (`make fuzz`).
 *
 * Owner: ring1 (backend/qmp.c). The input is everything a QMP server says
 * on one connection: a greeting, replies and events, mutated. A fake peer
 * (the other end of a socketpair) has written it all, then shut its side
 * for writing, so the client reads the input and then end of file and
 * never waits for the deadline. The client does what the case engine does:
 * the handshake, a command, an event wait and a drain of the queue. What
 * must hold whatever the bytes: every call returns a known status within
 * its deadline; an error has a NUL-terminated class and description; a
 * successful command gives its return value when asked; nothing leaks.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kiln/backend/qmp.h"
#include "kiln/lib/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A Unix stream socket holds at least this much unread (net.core defaults
 * are larger); longer inputs would block the peer's write. */
#define PEER_MAX 65536

static void check_error(int rc, const struct qmp_error *err)
{
	if (rc < QMP_OK || rc > QMP_ERR_IO)
		abort();
	if (rc == QMP_OK)
		return;
	if (err->status != (enum qmp_status)rc || !memchr(err->class, 0, sizeof(err->class)) ||
	    !memchr(err->desc, 0, sizeof(err->desc)))
		abort();
	if (strcmp(qmp_status_name((enum qmp_status)rc), "") == 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qmp_error err;
	struct qmp *q;
	json_t *ret = NULL, *ev = NULL;
	int sv[2], rc;
	int64_t t0, deadline;

	if (size > PEER_MAX || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return 0;
	if (write(sv[1], data, size) != (ssize_t)size)
		abort();
	shutdown(sv[1], SHUT_WR); /* the client reads EOF after the input */
	t0 = util_now_ms();
	deadline = t0 + 2000;
	q = qmp_new(sv[0], NULL, t0);

	memset(&err, 0, sizeof(err));
	rc = qmp_handshake(q, deadline, &err);
	check_error(rc, &err);
	if (rc == QMP_OK && !qmp_version(q))
		abort();
	memset(&err, 0, sizeof(err));
	rc = qmp_execute(q, "query-status", NULL, deadline, &ret, &err);
	check_error(rc, &err);
	if (rc == QMP_OK && !ret)
		abort(); /* a success gives its "return" */
	json_decref(ret);
	memset(&err, 0, sizeof(err));
	rc = qmp_wait_event(q, "SHUTDOWN", NULL, deadline, &ev, &err);
	check_error(rc, &err);
	if (rc == QMP_OK && !ev)
		abort();
	json_decref(ev);
	while ((ev = qmp_event_take(q, NULL, NULL)))
		json_decref(ev);
	if (util_now_ms() > deadline + 500)
		abort(); /* a wait outlived its deadline */
	qmp_free(q);
	close(sv[1]);
	return 0;
}
