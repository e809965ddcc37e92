// kvclient.c: the C client of G1's Go key-value service (guest/go/gosvc).
// Registers its reply endpoint "gokv.client", waits for "gokv", and checks
// every answer of a fixed exchange; `GOUSR: ok` when all were right.
#include "user.h"

struct exchange {
	const char *req, *want;
};

static const struct exchange script[] = {
	{"PUT lang go", "OK"},	{"PUT kernel rugo", "OK"},  {"GET lang", "go"},
	{"GET kernel", "rugo"}, {"GET harness", "MISSING"}, {"PUT lang c", "OK"},
	{"GET lang", "c"},	{"HELLO", "ERROR"},	    {"QUIT", "BYE"},
};

int main(void)
{
	char buf[IPC_MSG_MAX + 1];
	long reply = ipc_create();
	if (reply < 0 || svc_register("gokv.client", reply) != 0)
		fail("kvclient register");
	long server = svc_wait("gokv");
	if (server < 0)
		fail("kvclient lookup");
	for (size_t i = 0; i < sizeof(script) / sizeof(script[0]); i++) {
		if (ipc_send(server, script[i].req, strlen(script[i].req)) != 0)
			fail("kvclient send");
		long n = ipc_recv(reply, buf, IPC_MSG_MAX);
		if (n < 0)
			fail("kvclient recv");
		buf[n] = '\0';
		if (strcmp(buf, script[i].want) != 0) {
			printf("GOUSR: fail %s: got '%s', want '%s'\n", script[i].req, buf,
			       script[i].want);
			return 1;
		}
	}
	printf("GOUSR: ok\n");
	return 0;
}
