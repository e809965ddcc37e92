// udpecho.c: the UDP echo service on port 7: every datagram goes back to
// its sender unchanged. `NET: udp echo ok` after the first echo; the
// datagram "quit" is answered "bye" and ends the service, so a fixture can
// end the guest cleanly. Each wait is bounded (ECHO_WAIT_MS); the service
// gives up after ECHO_IDLE_WAITS waits without a datagram.
#include "user.h"

#define ECHO_PORT 7
#define ECHO_WAIT_MS 10000
#define ECHO_IDLE_WAITS 6

int main(void)
{
	static char buf[NET_UDP_MAX];
	long h = net_bind(ECHO_PORT), echoed = 0;
	if (h < 0) {
		printf("NET: udp echo failed: bind error %ld\n", h);
		return 1;
	}
	printf("NET: udp echo ready on port %d\n", ECHO_PORT);
	for (int idle = 0; idle < ECHO_IDLE_WAITS;) {
		struct net_peer peer = {.timeout_ms = ECHO_WAIT_MS};
		long n = net_recvfrom(h, buf, sizeof(buf), &peer);
		if (n == ERR_TIMEOUT) {
			idle++;
			continue;
		}
		if (n < 0) {
			printf("NET: udp echo failed: receive error %ld\n", n);
			return 1;
		}
		idle = 0;
		bool quit = n == 4 && memcmp(buf, "quit", 4) == 0;
		long err = quit ? net_sendto(h, "bye", 3, peer.addr)
				: net_sendto(h, buf, (size_t)n, peer.addr);
		if (err < 0) {
			printf("NET: udp echo failed: send error %ld\n", err);
			return 1;
		}
		if (quit) {
			printf("NET: udp echo done after %ld datagrams\n", echoed);
			return 0;
		}
		if (echoed++ == 0)
			printf("NET: udp echo ok\n");
	}
	printf("NET: udp echo idle for %d s, stopping\n", ECHO_WAIT_MS / 1000 * ECHO_IDLE_WAITS);
	return 1;
}
