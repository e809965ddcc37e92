// pong.c: the IPC server. Registers endpoint "pong", answers each "ping"
// with "pong" on the client's endpoint "ping", and prints `PONG: ok` once
// every round's request arrived intact.
#include "user.h"

#define ROUNDS 3

int main(void)
{
	char buf[16];
	long ep = ipc_create(), client = -1;
	if (ep < 0 || svc_register("pong", ep) != 0)
		fail("pong register");
	for (int i = 0; i < ROUNDS; i++) {
		long n = ipc_recv(ep, buf, sizeof(buf));
		if (n != 5 || memcmp(buf, "ping", 5) != 0)
			fail("pong recv");
		if (i == ROUNDS - 1)
			printf("PONG: ok\n");
		if (client < 0)
			client = svc_wait("ping");
		if (ipc_send(client, "pong", 5) != 0)
			fail("pong send");
	}
	return 0;
}
