// shmwrite.c: the bulk producer. Fills a 32 KiB shm object with a
// pseudo-random pattern, publishes it as "bulk", and sends only its length
// and checksum to the consumer's endpoint "bulk-done": the data itself
// moves through the shared pages.
#include "user.h"

#define BULK_LEN (32 * 1024)

int main(void)
{
	long shm = shm_create(BULK_LEN);
	long a = shm < 0 ? shm : shm_map(shm, 0, VM_WRITE);
	if (a < 0)
		fail("shmwrite map");
	uint8 *data = (uint8 *)a;
	uint32 x = 2463534242u;
	for (int i = 0; i < BULK_LEN; i++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5; // xorshift32
		data[i] = (uint8)x;
	}
	uint32 msg[2] = {BULK_LEN, checksum(data, BULK_LEN)};
	if (svc_register("bulk", shm) != 0)
		fail("shmwrite register");
	if (ipc_send(svc_wait("bulk-done"), msg, sizeof(msg)) != 0)
		fail("shmwrite send");
	return 0;
}
