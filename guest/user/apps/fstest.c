// fstest.c: the fsd smoke test: create, write, read back, list and remove
// a file through the fsd service, then a directory with a file in it, one
// FSTEST marker per step, each after its result was checked. The file
// spans two sectors and several requests (FSD_DATA_MAX bytes each).
#include "user.h"
#include "fsclient.h"

#define PATH "/tmp/fstest.txt"
#define LEN 700

static void find_name(const char *name, void *arg)
{
	if (strcmp(name, "fstest.txt") == 0)
		*(int *)arg += 1;
}

static int count_in_tmp(void)
{
	int found = 0;
	if (fs_list("/tmp", find_name, &found) < 0)
		fail("fstest list");
	return found;
}

int main(void)
{
	static char out[LEN], in[LEN];
	uint32 size, type;
	for (int i = 0; i < LEN; i++)
		out[i] = (char)('a' + (i * 7 + i / 26) % 26);

	if (fs_create(PATH) != 0 || fs_create(PATH) != ERR_EXISTS)
		fail("fstest create");
	printf("FSTEST: create ok\n");
	if (fs_write(PATH, 0, out, LEN) != LEN || fs_stat(PATH, &size, &type) != 0 || size != LEN ||
	    type != 1)
		fail("fstest write");
	printf("FSTEST: write ok size=%u\n", size);
	if (fs_read(PATH, 0, in, LEN) != LEN || memcmp(in, out, LEN) != 0)
		fail("fstest read");
	printf("FSTEST: read ok\n");
	if (count_in_tmp() != 1)
		fail("fstest list");
	printf("FSTEST: list ok\n");
	if (fs_remove(PATH) != 0 || fs_stat(PATH, &size, &type) != ERR_NOTFOUND ||
	    count_in_tmp() != 0)
		fail("fstest remove");
	printf("FSTEST: remove ok\n");
	if (fs_mkdir("/tmp/d") != 0 || fs_create("/tmp/d/f") != 0 ||
	    fs_write("/tmp/d/f", 0, "x", 1) != 1 || fs_stat("/tmp/d", &size, &type) != 0 ||
	    type != 2)
		fail("fstest mkdir");
	if (fs_remove("/tmp/d") != ERR_INVAL) // not empty
		fail("fstest rmdir of a full directory");
	if (fs_remove("/tmp/d/f") != 0 || fs_remove("/tmp/d") != 0 ||
	    fs_stat("/tmp/d", &size, &type) != ERR_NOTFOUND)
		fail("fstest rmdir");
	printf("FSTEST: mkdir ok\n");
	return 0;
}
