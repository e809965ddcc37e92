// rfs_read.h: reading a Rugo filesystem v0 image (rfs.h) through a
// sector-read callback, with every on-disk field checked before use. The
// kernel's ring1 read-only core (kernel/fscore.c) and the ring2 fsd
// service (user/apps/fsd.c) share this code; fsd adds writing on top.
#ifndef RUGO_RFS_READ_H
#define RUGO_RFS_READ_H

#include "types.h"
#include "rfs.h"

// Read nsect sectors at sector into buf; returns 0 or a negative error.
typedef int (*rfs_read_fn)(void *ctx, uint32 sector, void *buf, uint32 nsect);

struct rfs {
	rfs_read_fn read;
	void *ctx;
	uint64 disk_sectors; // what the device says it holds
	struct rfs_super sb;
	char why[80]; // the reason of the last failed mount, for the log line
	uint8 buf[RFS_SECTOR];
};

int rfs_mount(struct rfs *fs);
int rfs_inode(struct rfs *fs, uint32 ino, struct rfs_inode *out);
bool rfs_inode_ok(const struct rfs *fs, const struct rfs_inode *in);
int rfs_read(struct rfs *fs, const struct rfs_inode *in, uint32 off, void *dst, uint32 len);
int rfs_dirent(struct rfs *fs, const struct rfs_inode *dir, uint32 index, struct rfs_dirent *out);
int rfs_lookup(struct rfs *fs, const char *path, uint32 *ino, struct rfs_inode *out);
int rfs_sector_of(const struct rfs_inode *in, uint32 off, uint32 *sector);

#endif
