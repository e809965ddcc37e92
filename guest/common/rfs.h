// rfs.h: the on-disk format of the Rugo filesystem v0 (RFS0), shared by
// the host image builder (guest/tools/mkfs_rugo.c), the kernel's ring1
// read-only core and the ring2 fsd service. docs/rugofs.md describes it.
// All integers are little-endian; the unit of everything is the 512-byte
// sector.
//
//   sector 0                  superblock
//   [scratch_start, +count)   reserved for the driver's write/read test
//   [bitmap_start, +sectors)  one bit per sector of the image, 1 = in use
//   [inode_start, ...)        inode table, RFS_INODES_PER_SECTOR per sector
//   [data_start, sectors)     file and directory contents
#ifndef RUGO_RFS_H
#define RUGO_RFS_H

#include "types.h"

#define RFS_MAGIC "RUGOFS0" // 8 bytes with the NUL
#define RFS_VERSION 0
#define RFS_SECTOR 512
#define RFS_ROOT 1	// inode 0 is never used: a free directory slot has inode 0
#define RFS_NEXTENT 6	// extents per inode
#define RFS_NAME_MAX 27 // bytes of a name, without the NUL
#define RFS_PATH_MAX 64 // bytes of a path, with the NUL
#define RFS_DEPTH_MAX 8 // directory levels

struct rfs_super {
	char magic[8];
	uint32 version;
	uint32 sectors; // size of the image
	uint32 scratch_start, scratch_count;
	uint32 bitmap_start, bitmap_sectors;
	uint32 inode_start, inode_count;
	uint32 data_start;
	uint32 root;
};

enum rfs_type { RFS_T_FREE = 0, RFS_T_FILE = 1, RFS_T_DIR = 2 };

struct rfs_extent {
	uint32 start, count; // sectors; count 0 = unused
};

struct rfs_inode {
	uint16 type; // enum rfs_type
	uint16 reserved;
	uint32 size; // bytes
	struct rfs_extent ext[RFS_NEXTENT];
	uint8 pad[8];
};

// A directory's contents: an array of these; inode 0 marks a free slot.
struct rfs_dirent {
	uint32 inode;
	char name[RFS_NAME_MAX + 1]; // NUL-terminated
};

#define RFS_INODES_PER_SECTOR (RFS_SECTOR / sizeof(struct rfs_inode))
#define RFS_DIRENTS_PER_SECTOR (RFS_SECTOR / sizeof(struct rfs_dirent))

_Static_assert(sizeof(struct rfs_super) == 48, "superblock layout");
_Static_assert(sizeof(struct rfs_inode) == 64, "inode layout");
_Static_assert(sizeof(struct rfs_dirent) == 32, "directory entry layout");

#endif
