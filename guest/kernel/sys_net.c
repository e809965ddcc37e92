// sys_net.c: the UDP system calls of ABI v0 (docs/abi/syscall_v0.md):
// bind a port (a handle), send a datagram to a peer, receive one with a
// bounded wait. Payloads go through a kernel buffer, so user pointers are
// validated by copyin/copyout like every other pointer.
#include "types.h"
#include "defs.h"
#include "proc.h"

// net_bind(port): a handle on a new socket bound to UDP port 1-65535.
int64 sys_net_bind(const uint64 *arg)
{
	int err;
	if (!net_present())
		return ERR_NODEV;
	if (arg[0] == 0 || arg[0] > 65535)
		return ERR_INVAL;
	struct udp_sock *s = udp_bind((uint16)arg[0], &err);
	if (s == NULL)
		return err;
	return handle_install(myproc(), H_UDP, s);
}

// net_sendto(handle, buf, len, addr): one datagram of 1 to NET_UDP_MAX
// bytes from the socket's port to NET_ADDR addr.
int64 sys_net_sendto(const uint64 *arg)
{
	struct udp_sock *s = handle_get(arg[0], H_UDP, NULL);
	uint64 len = arg[2];
	if (s == NULL)
		return ERR_BADHANDLE;
	if (len == 0 || len > NET_UDP_MAX || NET_ADDR_PORT(arg[3]) == 0 || arg[3] >> 48)
		return ERR_INVAL;
	uint8 *page = kalloc(); // the send may sleep: no static buffer behind a lock
	if (page == NULL)
		return ERR_NOMEM;
	int64 ret;
	if (copyin(myproc()->pml4, page, arg[1], len) < 0)
		ret = ERR_FAULT;
	else
		ret = net_udp_output(udp_port(s), NET_ADDR_IP(arg[3]), NET_ADDR_PORT(arg[3]), page,
				     (uint32)len);
	kfree(page);
	return ret < 0 ? ret : (int64)len;
}

// net_recvfrom(handle, buf, cap, peer): the oldest datagram, cut to cap
// bytes, waiting at most peer->timeout_ms; the sender goes to peer->addr.
int64 sys_net_recvfrom(const uint64 *arg)
{
	struct udp_sock *s = handle_get(arg[0], H_UDP, NULL);
	struct net_peer peer;
	uint32 src;
	uint16 src_port;
	if (s == NULL)
		return ERR_BADHANDLE;
	if (copyin(myproc()->pml4, &peer, arg[3], sizeof(peer)) < 0)
		return ERR_FAULT;
	if (arg[2] == 0 || peer.timeout_ms > NET_RECV_WAIT_MAX)
		return ERR_INVAL;
	uint8 *page = kalloc(); // NET_UDP_MAX fits in one page
	if (page == NULL)
		return ERR_NOMEM;
	uint32 cap = arg[2] < NET_UDP_MAX ? (uint32)arg[2] : NET_UDP_MAX;
	uint64 deadline = timer_ticks() + (peer.timeout_ms * TIMER_HZ + 999) / 1000;
	int64 n = udp_take(s, page, cap, &src, &src_port, deadline);
	if (n >= 0) {
		peer.addr = NET_ADDR(src, src_port);
		if (copyout(myproc()->pml4, arg[1], page, (uint64)n) < 0 ||
		    copyout(myproc()->pml4, arg[3], &peer, sizeof(peer)) < 0)
			n = ERR_FAULT;
	}
	kfree(page);
	return n;
}
