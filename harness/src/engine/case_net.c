/* case_net.c: the network of one case: the host ports Kiln picks for a
 * fixture's machine.network, its own UDP sockets to them, and the udp_send
 * step (docs/fixtures.md). Owner: ring0 core, the case engine.
 *
 * A host port is picked by binding a UDP socket to 127.0.0.1:0, reading
 * the port the kernel chose and closing the socket just before QEMU starts,
 * so QEMU can bind it. Between the two another process can take the port;
 * QEMU then fails with "Could not set up host forwarding rule" and
 * case_net_port_taken() tells the engine to pick again and restart.
 *
 * Kiln's socket for each forward is bound to 127.0.0.1 and connected to the
 * forwarded port, so the kernel delivers to it only what comes from that
 * port: QEMU's answer on behalf of the guest.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "case_ctx.h"
#include "kiln/lib/text.h"

#define NET_REPLY_MAX 65536

static double net_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static int net_udp_socket(void)
{
	return socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
}

static struct sockaddr_in net_loopback(int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

/* A UDP port on 127.0.0.1 that is free now, or -1 (errno set). */
static int net_free_port(void)
{
	struct sockaddr_in a = net_loopback(0);
	socklen_t len = sizeof(a);
	int fd = net_udp_socket(), port = -1;

	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	close(fd);
	return port;
}

int case_net_pick_ports(struct case_ctx *c, char *why, size_t len)
{
	size_t n = c->f->machine.n_udp_ports;

	for (size_t i = 0; i < n; i++) {
		c->net.host_ports[i] = net_free_port();
		if (c->net.host_ports[i] < 0) {
			snprintf(why, len, "cannot find a free UDP port on 127.0.0.1: %s",
				 strerror(errno));
			return -1;
		}
	}
	return 0;
}

bool case_net_port_taken(const struct case_ctx *c, const char *qemu_reason)
{
	return c->f->machine.n_udp_ports && strstr(qemu_reason, "Could not set up host forwarding");
}

/* After QEMU has started: one connected socket per forward, and the
 * "network" facts of case.json. */
int case_net_connect(struct case_ctx *c, char *why, size_t len)
{
	c->net.facts = json_array();
	for (size_t i = 0; i < c->f->machine.n_udp_ports; i++) {
		struct sockaddr_in self = net_loopback(0),
				   peer = net_loopback(c->net.host_ports[i]);
		int fd = net_udp_socket();
		c->net.fds[i] = fd;
		if (fd < 0 || bind(fd, (struct sockaddr *)&self, sizeof(self)) < 0 ||
		    connect(fd, (struct sockaddr *)&peer, sizeof(peer)) < 0) {
			snprintf(why, len, "cannot open a UDP socket to 127.0.0.1:%d: %s",
				 c->net.host_ports[i], strerror(errno));
			return -1;
		}
		json_array_append_new(c->net.facts,
				      json_pack("{s:s, s:i, s:s, s:i}", "proto", "udp",
						"guest_port", c->f->machine.udp_ports[i], "host",
						"127.0.0.1", "host_port", c->net.host_ports[i]));
	}
	return 0;
}

void case_net_close(struct case_ctx *c)
{
	for (size_t i = 0; i < c->f->machine.n_udp_ports; i++)
		if (c->net.fds[i] >= 0)
			close(c->net.fds[i]);
	json_decref(c->net.facts);
}

static size_t net_forward_index(const struct case_ctx *c, int guest_port)
{
	for (size_t i = 0; i < c->f->machine.n_udp_ports; i++)
		if (c->f->machine.udp_ports[i] == guest_port)
			return i;
	return 0; /* fixture.c checked that the port is forwarded */
}

int case_net_fd(const struct case_ctx *c)
{
	const struct step *s = c->step < c->f->n_steps ? &c->f->steps[c->step] : NULL;

	if (!s || s->kind != STEP_UDP || !c->net.sent)
		return -1;
	return c->net.fds[net_forward_index(c, s->udp_port)];
}

static bool net_reply_matches(const struct step *s, const char *buf, size_t n)
{
	if (!s->reply.is_regex)
		return n == strlen(s->reply.text) && memcmp(buf, s->reply.text, n) == 0;
	return memchr(buf, '\0', n) == NULL && regexec(&s->reply.re, buf, 0, NULL, 0) == 0;
}

/* The step's record in case.json gets the exchange, like a marker. */
static void net_record(struct case_ctx *c, const struct step *s, const char *reply, size_t n)
{
	json_t *rec = json_array_get(c->steps, c->step);
	double now = net_now_ms();

	json_object_set_new(rec, "host_port",
			    json_integer(c->net.host_ports[net_forward_index(c, s->udp_port)]));
	json_object_set_new(rec, "sent_bytes", json_integer((json_int_t)s->udp_len));
	json_object_set_new(rec, "sent_t_ms", json_integer(c->net.sent_ms - c->t0));
	if (!reply)
		return;
	json_object_set_new(rec, "reply", text_json_string(reply, n));
	json_object_set_new(rec, "reply_bytes", json_integer((json_int_t)n));
	/* Three decimals: a loopback round trip is well under a millisecond
	 * on the host side, and a few under TCG. */
	json_object_set_new(rec, "rtt_ms",
			    json_real((double)(int64_t)((now - c->net.sent_at) * 1000.0) / 1000.0));
}

static bool net_send(struct case_ctx *c, const struct step *s)
{
	int fd = c->net.fds[net_forward_index(c, s->udp_port)];

	c->net.sent_at = net_now_ms();
	c->net.sent_ms = util_now_ms();
	if (send(fd, s->udp_payload, s->udp_len, 0) != (ssize_t)s->udp_len) {
		case_verdict(c, OUTCOME_HARNESS_ERROR, "step %zu: udp_send to 127.0.0.1:%d: %s",
			     c->step + 1, c->net.host_ports[net_forward_index(c, s->udp_port)],
			     strerror(errno));
		return false;
	}
	c->net.sent = true;
	return true;
}

bool case_net_try(struct case_ctx *c, const struct step *s)
{
	char *buf;
	ssize_t n;

	if (!c->net.sent) {
		if (!net_send(c, s))
			return false;
		if (!s->has_reply) {
			net_record(c, s, NULL, 0);
			return true;
		}
	}
	buf = util_malloc(NET_REPLY_MAX + 1);
	/* ECONNREFUSED: an ICMP error for an earlier datagram; keep waiting. */
	do
		n = recv(case_net_fd(c), buf, NET_REPLY_MAX, 0);
	while (n < 0 && (errno == EINTR || errno == ECONNREFUSED));
	if (n < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			case_verdict(c, OUTCOME_HARNESS_ERROR, "step %zu: udp receive: %s",
				     c->step + 1, strerror(errno));
		free(buf);
		return false;
	}
	buf[n] = '\0';
	net_record(c, s, buf, (size_t)n);
	if (!net_reply_matches(s, buf, (size_t)n)) {
		char *got = text_escape_controls(buf, (size_t)(n > 200 ? 200 : n));
		char *d = fixture_step_describe(s);
		case_verdict(c, OUTCOME_FAIL, "step %zu: %s: got a %zd-byte reply '%s%s'",
			     c->step + 1, d, n, got, n > 200 ? "..." : "");
		free(d);
		free(got);
	}
	free(buf);
	return !c->finished;
}

bool case_net_no_reply(struct case_ctx *c)
{
	const struct step *s = c->step < c->f->n_steps ? &c->f->steps[c->step] : NULL;

	if (!s || s->kind != STEP_UDP || !c->net.sent)
		return false;
	char *d = fixture_step_describe(s);
	case_verdict(c, OUTCOME_FAIL, "step %zu: %s: no reply from 127.0.0.1:%d in %.1f s",
		     c->step + 1, d, c->net.host_ports[net_forward_index(c, s->udp_port)],
		     (net_now_ms() - c->net.sent_at) / 1000.0);
	free(d);
	return true;
}
