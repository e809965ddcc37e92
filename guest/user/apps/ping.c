// ping.c: the IPC client. Registers its reply endpoint "ping", finds the
// server's "pong", and prints `PING: ok` after ROUNDS round trips in which
// each reply arrived (recv blocks until the server answers).
#include "user.h"

#define ROUNDS 3

int main(void)
{
	char buf[16];
	long reply = ipc_create();
	if (reply < 0 || svc_register("ping", reply) != 0)
		fail("ping register");
	long server = svc_wait("pong");
	for (int i = 0; i < ROUNDS; i++) {
		if (ipc_send(server, "ping", 5) != 0)
			fail("ping send");
		if (ipc_recv(reply, buf, sizeof(buf)) != 5 || memcmp(buf, "pong", 5) != 0)
			fail("ping recv");
	}
	printf("PING: ok\n");
	return 0;
}
