// hostile_net.c: bad arguments to the R7 network calls (net_bind,
// net_sendto, net_recvfrom). Each case prints `HOSTILE: <case> ok` when the
// kernel returned the documented error (docs/abi/syscall_v0.md), or
// `HOSTILE: <case> fail got=N want=N`.
#include "user.h"

#define KERNEL_TEXT 0x100000L
#define GATEWAY_ECHO NET_ADDR(0x0a000202u, 7)

int main(void)
{
	static char buf[NET_UDP_MAX + 1];
	int failures = 0;
	long h = net_bind(4000);
	struct net_peer peer = {.timeout_ms = 0};
	struct net_peer slow = {.timeout_ms = NET_RECV_WAIT_MAX + 1};
	if (h < 0)
		fail("hostile_net setup");
	failures += hostile_check("bind_port_zero", net_bind(0), ERR_INVAL);
	failures += hostile_check("bind_port_too_big", net_bind(65536), ERR_INVAL);
	failures += hostile_check("bind_port_taken", net_bind(4000), ERR_EXISTS);
	failures += hostile_check("sendto_bad_handle", net_sendto(99, buf, 1, GATEWAY_ECHO),
				  ERR_BADHANDLE);
	failures += hostile_check("sendto_kernel_pointer",
				  net_sendto(h, (void *)KERNEL_TEXT, 8, GATEWAY_ECHO), ERR_FAULT);
	failures += hostile_check("sendto_too_long",
				  net_sendto(h, buf, NET_UDP_MAX + 1, GATEWAY_ECHO), ERR_INVAL);
	failures += hostile_check("sendto_zero", net_sendto(h, buf, 0, GATEWAY_ECHO), ERR_INVAL);
	failures += hostile_check("sendto_port_zero",
				  net_sendto(h, buf, 1, NET_ADDR(0x0a000202u, 0)), ERR_INVAL);
	failures += hostile_check("recvfrom_bad_peer",
				  net_recvfrom(h, buf, 8, (struct net_peer *)KERNEL_TEXT),
				  ERR_FAULT);
	failures +=
		hostile_check("recvfrom_wait_too_long", net_recvfrom(h, buf, 8, &slow), ERR_INVAL);
	failures += hostile_check("recvfrom_nothing", net_recvfrom(h, buf, 8, &peer), ERR_TIMEOUT);
	failures += hostile_check("recvfrom_wrong_kind", net_recvfrom(ipc_create(), buf, 8, &peer),
				  ERR_BADHANDLE);
	failures += hostile_check("bind_after_close",
				  handle_close(h) == 0 ? net_bind(4000) >= 0 : -100, 1);
	printf("HOSTILE: done failures=%d\n", failures);
	return failures != 0;
}
