// fscore.c: the ring1 filesystem provider, a read-only core in the kernel.
// It mounts the disk at boot (with the same checks as fsd, rfs_read.c) and
// reads whole files for the kernel: the programs that proc_spawn_file
// starts from the disk. The fs_stat and fs_read calls give user space the
// same read-only view, which the fsd client falls back to when the policy
// allows it and fsd is not running. It never writes; the ring2 fsd service owns the
// disk for writing, and writes through (no cache), so the core sees what
// fsd wrote on its next read.
#include "types.h"
#include "defs.h"
#include "rfs_read.h"
#include "spinlock.h"

#define FS_CORE_FILE_MAX (64 * 1024) // largest program the core loads

// core_lock guards the state below; `busy` makes readers take turns, as
// they sleep in the driver with core_lock released.
static struct spinlock core_lock = SPINLOCK_INIT("fscore");
static struct rfs core;
static bool mounted, busy;
static uint8 file_buf[FS_CORE_FILE_MAX] __attribute__((aligned(8)));

static int fs_core_read_sectors(void *ctx, uint32 sector, void *buf, uint32 nsect)
{
	(void)ctx;
	return blk_rw(false, sector, buf, nsect);
}

// Mount the disk, if there is one: `FSCORE: mount ok` or
// `FSCORE: mount failed: <reason>`. Runs once, in the scenario thread
// before the scenario (the driver sleeps, so not in kmain).
void fs_core_init(void)
{
	if (!blk_present())
		return;
	core.read = fs_core_read_sectors;
	core.disk_sectors = blk_capacity();
	int err = rfs_mount(&core);
	mounted = err == 0;
	if (mounted)
		kprintf("FSCORE: mount ok\n");
	else
		kprintf("FSCORE: mount failed: %s\n", core.why[0] ? core.why : "device error");
}

bool fs_core_mounted(void)
{
	return mounted;
}

// Take the core for one reader; fs_core_close gives it back.
static void fs_core_take(void)
{
	acquire(&core_lock);
	while (busy)
		sleep(&busy, &core_lock);
	busy = true;
	release(&core_lock);
}

// Look path up with the core taken. Returns 0 with the core still taken
// (the caller calls fs_core_close), or an error with it given back.
static int fs_core_lookup(const char *path, struct rfs_inode *in)
{
	uint32 ino;
	if (!mounted)
		return ERR_NODEV;
	fs_core_take();
	int err = rfs_lookup(&core, path, &ino, in);
	if (err < 0)
		fs_core_close();
	return err;
}

// Read the whole file at path into the core's buffer. On success (0) the
// caller owns the buffer until fs_core_close. Errors: ERR_NODEV (nothing
// mounted), ERR_NOTFOUND, ERR_INVAL (a directory, or larger than 64 KiB),
// ERR_CORRUPT, or the device's.
int fs_core_open(const char *path, const uint8 **data, uint64 *size)
{
	struct rfs_inode in;
	int err = fs_core_lookup(path, &in);
	if (err < 0)
		return err;
	if (in.type != RFS_T_FILE || in.size > FS_CORE_FILE_MAX)
		err = ERR_INVAL;
	if (err == 0 && (err = rfs_read(&core, &in, 0, file_buf, in.size)) >= 0) {
		*data = file_buf;
		*size = (uint64)err;
		return 0;
	}
	fs_core_close();
	return err;
}

// Give the buffer back.
void fs_core_close(void)
{
	acquire(&core_lock);
	busy = false;
	release(&core_lock);
	wakeup(&busy);
}

// The type and size of path, for the fs_stat call.
int fs_core_stat(const char *path, uint32 *type, uint32 *size)
{
	struct rfs_inode in;
	int err = fs_core_lookup(path, &in);
	if (err < 0)
		return err;
	fs_core_close();
	*type = in.type;
	*size = in.size;
	return 0;
}

// Up to len bytes of the file or directory at path from off into kernel
// buffer dst, for the fs_read call. Returns the count (0 at the end).
int fs_core_read(const char *path, uint32 off, void *dst, uint32 len)
{
	struct rfs_inode in;
	int err = fs_core_lookup(path, &in);
	if (err < 0)
		return err;
	err = rfs_read(&core, &in, off, dst, len);
	fs_core_close();
	return err;
}
