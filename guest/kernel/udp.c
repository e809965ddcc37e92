// udp.c: UDP sockets: which process bound which port, and each socket's
// queue of received datagrams. net.c delivers into the queues from the
// receive thread; sys_net.c's calls take from them. A socket is a kernel
// object behind a handle (H_UDP): the port is freed with its last handle.
#include "types.h"
#include "defs.h"
#include "proc.h"
#include "spinlock.h"

#define UDP_SOCKETS 8
#define UDP_QUEUE 8 // datagrams a socket holds before it drops (queue_full)

struct udp_dgram {
	uint32 src;
	uint16 src_port;
	uint16 len;
	uint8 data[NET_UDP_MAX];
};

struct udp_sock {
	int refs; // 0: free
	uint16 port;
	uint32 head, count;
	struct udp_dgram q[UDP_QUEUE];
};

// udp_lock guards every socket.
static struct spinlock udp_lock = SPINLOCK_INIT("udp");
static struct udp_sock socks[UDP_SOCKETS];

// Bind port; returns a socket with one reference, or NULL with *err
// ERR_EXISTS (bound already) or ERR_FULL (no free socket).
struct udp_sock *udp_bind(uint16 port, int *err)
{
	struct udp_sock *free = NULL;
	acquire(&udp_lock);
	for (int i = 0; i < UDP_SOCKETS; i++) {
		if (socks[i].refs && socks[i].port == port) {
			release(&udp_lock);
			*err = ERR_EXISTS;
			return NULL;
		}
		if (!socks[i].refs && !free)
			free = &socks[i];
	}
	if (free) {
		free->refs = 1;
		free->port = port;
		free->head = free->count = 0;
	}
	release(&udp_lock);
	*err = free ? 0 : ERR_FULL;
	return free;
}

uint16 udp_port(const struct udp_sock *s)
{
	return s->port;
}

void udp_get(struct udp_sock *s)
{
	acquire(&udp_lock);
	s->refs++;
	release(&udp_lock);
}

void udp_put(struct udp_sock *s)
{
	acquire(&udp_lock);
	s->refs--;
	release(&udp_lock);
	wakeup(s);
}

// A datagram for port from src:src_port; queued or dropped. Receive thread.
void udp_deliver(uint16 port, uint32 src, uint16 src_port, const uint8 *data, uint32 len)
{
	struct udp_sock *s = NULL;
	acquire(&udp_lock);
	for (int i = 0; i < UDP_SOCKETS && !s; i++)
		if (socks[i].refs && socks[i].port == port)
			s = &socks[i];
	if (!s || s->count == UDP_QUEUE || len > NET_UDP_MAX) {
		release(&udp_lock);
		net_drop(!s			 ? DROP_NO_PORT
			 : s->count == UDP_QUEUE ? DROP_QUEUE_FULL
						 : DROP_BAD_UDP);
		return;
	}
	struct udp_dgram *d = &s->q[(s->head + s->count++) % UDP_QUEUE];
	*d = (struct udp_dgram){.src = src, .src_port = src_port, .len = (uint16)len};
	memcpy(d->data, data, len);
	release(&udp_lock);
	wakeup(s);
}

// Take the oldest datagram of s into buf (cap bytes; a longer one is cut),
// waiting until deadline (ticks). Returns the bytes copied, with *src and
// *src_port set, or ERR_TIMEOUT.
int udp_take(struct udp_sock *s, uint8 *buf, uint32 cap, uint32 *src, uint16 *src_port,
	     uint64 deadline)
{
	acquire(&udp_lock);
	while (s->count == 0) {
		if (timer_ticks() >= deadline || proc_killed()) {
			release(&udp_lock);
			return ERR_TIMEOUT;
		}
		sleep_until(s, &udp_lock, deadline);
	}
	struct udp_dgram *d = &s->q[s->head];
	uint32 n = d->len < cap ? d->len : cap;
	memcpy(buf, d->data, n);
	*src = d->src;
	*src_port = d->src_port;
	s->head = (s->head + 1) % UDP_QUEUE;
	s->count--;
	release(&udp_lock);
	return (int)n;
}
