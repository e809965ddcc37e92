/* backend_libvirt_console.c: the serial console of a guest on another
 * host, through libvirt (virDomainOpenConsole).
 *
 * Owner: ring2 (libvirt). On this host the backend connects to QEMU's unix
 * socket itself; on another host that socket is out of reach, so the guest
 * gets a pty there and libvirt carries its bytes in a stream (libvirt 9
 * opens consoles on ptys only). Bytes are pumped on libvirt's event loop
 * thread between the stream and a socketpair; the engine holds the other
 * end, exactly as it would hold the socket: it reads the guest's output and
 * writes `send` steps to it. A stream that ends is an end of file there.
 *
 * A pty loses what it still holds when QEMU exits, and a guest that panics
 * exits right after its last line: measured, 1 case in 10 lost its end. So
 * QEMU also logs the port to a file (<log> in the domain XML), and when the
 * stream ends the bytes of that log past what the stream brought are passed
 * on before the end of file. The log is on the guest's host: this needs the
 * case directory shared (docs/scale-out.md); without it, nothing is added.
 *
 * The console is opened while the domain is still paused (before
 * virDomainResume), so, as with the socket, no output is lost.
 */
#include <errno.h>
#include <libvirt/virterror.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "backend_libvirt_link.h"
#include "kiln/lib/util.h"

/* A guest that does not take our input for this long gets no more of it. */
#define LV_CONSOLE_SEND_MS 1000

/* Shared by the engine and two registrations (the stream callback and the
 * fd watch), each holding a reference; the last one frees. */
struct lv_console {
	atomic_int refs;
	virStreamPtr st;
	int fd;	   /* our end of the socketpair */
	int watch; /* virEventAddHandle id, or -1 */
	bool ended;
	char *serial_log;   /* QEMU's log of the same port */
	uint64_t forwarded; /* bytes the stream brought */
};

static void lv_console_unref(void *opaque)
{
	struct lv_console *c = opaque;

	if (atomic_fetch_sub(&c->refs, 1) > 1)
		return;
	if (c->st)
		virStreamFree(c->st);
	close(c->fd);
	free(c->serial_log);
	free(c);
}

/* The stream is over: what it lost, from QEMU's log, then end of file.
 * Event thread only. */
static void lv_console_end(struct lv_console *c)
{
	size_t len = 0;
	char *log;

	if (c->ended)
		return;
	c->ended = true;
	log = util_read_file(c->serial_log, &len);
	if (log && len > c->forwarded)
		util_write_all(c->fd, log + c->forwarded, len - (size_t)c->forwarded);
	free(log);
	shutdown(c->fd, SHUT_WR);
	virStreamEventUpdateCallback(c->st, 0);
}

static void lv_console_on_stream(virStreamPtr st, int events, void *opaque)
{
	struct lv_console *c = opaque;
	char buf[16384];

	if (events & VIR_STREAM_EVENT_READABLE) {
		for (;;) {
			int n = virStreamRecv(st, buf, sizeof(buf));
			if (n == -2)
				break; /* nothing more now */
			if (n <= 0 || util_write_all(c->fd, buf, (size_t)n) < 0) {
				lv_console_end(c);
				return;
			}
			c->forwarded += (uint64_t)n;
		}
	}
	if (events & (VIR_STREAM_EVENT_ERROR | VIR_STREAM_EVENT_HANGUP))
		lv_console_end(c);
}

/* The engine wrote bytes for the guest (a send step). */
static void lv_console_on_fd(int watch, int fd, int events, void *opaque)
{
	struct lv_console *c = opaque;
	char buf[4096];
	ssize_t n;

	(void)events;
	n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		virEventRemoveHandle(watch); /* the engine is gone */
		return;
	}
	int64_t until = util_now_ms() + LV_CONSOLE_SEND_MS;
	for (ssize_t off = 0; off < n && !c->ended;) {
		int sent = virStreamSend(c->st, buf + off, (size_t)(n - off));
		if (sent == -2 && util_now_ms() < until) {
			struct timespec ms = {0, 1000000};
			nanosleep(&ms, NULL);
			continue;
		}
		if (sent <= 0)
			break;
		off += sent;
	}
}

int lv_console_open(virDomainPtr dom, const char *serial_log, int *engine_fd,
		    struct lv_console **out, char *reason, size_t len)
{
	virConnectPtr conn = virDomainGetConnect(dom);
	struct lv_console *c;
	int sv[2];

	*out = NULL;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		snprintf(reason, len, "socketpair: %s", strerror(errno));
		return -1;
	}
	c = util_calloc(1, sizeof(*c));
	atomic_init(&c->refs, 1);
	c->fd = sv[1];
	c->watch = -1;
	c->serial_log = util_strdup(serial_log);
	c->st = virStreamNew(conn, VIR_STREAM_NONBLOCK);
	if (!c->st || virDomainOpenConsole(dom, NULL, c->st, VIR_DOMAIN_CONSOLE_FORCE) < 0) {
		snprintf(reason, len, "libvirt: cannot open the console: %s",
			 virGetLastErrorMessage());
		goto fail;
	}
	atomic_fetch_add(&c->refs, 1);
	if (virStreamEventAddCallback(c->st,
				      VIR_STREAM_EVENT_READABLE | VIR_STREAM_EVENT_ERROR |
					      VIR_STREAM_EVENT_HANGUP,
				      lv_console_on_stream, c, lv_console_unref) < 0) {
		atomic_fetch_sub(&c->refs, 1);
		snprintf(reason, len, "libvirt: cannot watch the console: %s",
			 virGetLastErrorMessage());
		goto fail;
	}
	atomic_fetch_add(&c->refs, 1);
	c->watch = virEventAddHandle(c->fd, VIR_EVENT_HANDLE_READABLE, lv_console_on_fd, c,
				     lv_console_unref);
	if (c->watch < 0) {
		atomic_fetch_sub(&c->refs, 1);
		snprintf(reason, len, "libvirt: cannot watch the console socket");
		goto fail;
	}
	util_fd_nonblock_cloexec(sv[0]);
	*engine_fd = sv[0];
	*out = c;
	return 0;
fail:
	close(sv[0]);
	lv_console_close(c);
	return -1;
}

void lv_console_close(struct lv_console *c)
{
	if (!c)
		return;
	if (c->watch >= 0)
		virEventRemoveHandle(c->watch);
	if (c->st) {
		virStreamEventRemoveCallback(c->st);
		virStreamAbort(c->st);
	}
	lv_console_unref(c);
}
