// shmread.c: the bulk consumer. Waits for the producer's (length,
// checksum) message, maps the shm object "bulk" read-only, recomputes the
// checksum over the shared pages and prints `SHM: checksum ok` on a match.
#include "user.h"

int main(void)
{
	uint32 msg[2];
	long ep = ipc_create();
	if (ep < 0 || svc_register("bulk-done", ep) != 0)
		fail("shmread register");
	if (ipc_recv(ep, msg, sizeof(msg)) != sizeof(msg))
		fail("shmread recv");
	long shm = svc_lookup("bulk");
	long a = shm < 0 ? shm : shm_map(shm, 0, 0);
	if (a < 0)
		fail("shmread map");
	uint32 sum = checksum((const void *)a, msg[0]);
	if (sum != msg[1]) {
		printf("SHM: checksum bad 0x%x != 0x%x\n", sum, msg[1]);
		return 1;
	}
	printf("SHM: checksum ok\n");
	return 0;
}
