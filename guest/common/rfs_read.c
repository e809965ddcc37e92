// rfs_read.c: mount (with a full check of the tree), inode and directory
// reads, and path lookup for the Rugo filesystem v0. Nothing read from the
// disk is trusted: a bad field is an error with a reason, never a fault.
#include "types.h"
#include "lib.h"
#include "abi.h"
#include "rfs_read.h"

// Does the extent list of in stay inside the data area and cover its size?
static bool rfs_extents_ok(const struct rfs *fs, const struct rfs_inode *in)
{
	uint64 room = 0;
	for (int i = 0; i < RFS_NEXTENT; i++) {
		const struct rfs_extent *e = &in->ext[i];
		if (e->count == 0)
			continue;
		if (e->start < fs->sb.data_start || e->start >= fs->sb.sectors ||
		    e->count > fs->sb.sectors - e->start)
			return false;
		room += (uint64)e->count * RFS_SECTOR;
	}
	return in->size <= room;
}

// Is in a valid inode: a known type and, unless free, extents inside the
// data area that cover its size?
bool rfs_inode_ok(const struct rfs *fs, const struct rfs_inode *in)
{
	return in->type <= RFS_T_DIR && (in->type == RFS_T_FREE || rfs_extents_ok(fs, in));
}

// Read inode ino into *out. Returns 0, ERR_INVAL (no such inode number)
// or ERR_CORRUPT (it lies outside the disk, or its extents do).
int rfs_inode(struct rfs *fs, uint32 ino, struct rfs_inode *out)
{
	if (ino == 0 || ino >= fs->sb.inode_count)
		return ERR_INVAL;
	uint32 sector = fs->sb.inode_start + ino / RFS_INODES_PER_SECTOR;
	int err = fs->read(fs->ctx, sector, fs->buf, 1);
	if (err < 0)
		return err;
	memcpy(out, fs->buf + (ino % RFS_INODES_PER_SECTOR) * sizeof(*out), sizeof(*out));
	if (!rfs_inode_ok(fs, out))
		return ERR_CORRUPT;
	return 0;
}

// The disk sector holding byte off of in (off < in->size).
int rfs_sector_of(const struct rfs_inode *in, uint32 off, uint32 *sector)
{
	uint32 s = off / RFS_SECTOR;
	for (int i = 0; i < RFS_NEXTENT; i++) {
		if (s < in->ext[i].count) {
			*sector = in->ext[i].start + s;
			return 0;
		}
		s -= in->ext[i].count;
	}
	return ERR_CORRUPT;
}

// Copy up to len bytes from offset off of in to dst. Returns the count
// (0 at the end) or an error.
int rfs_read(struct rfs *fs, const struct rfs_inode *in, uint32 off, void *dst, uint32 len)
{
	uint32 done = 0;
	if (off >= in->size)
		return 0;
	if (len > in->size - off)
		len = in->size - off;
	while (done < len) {
		uint32 sector, at = (off + done) % RFS_SECTOR, n = RFS_SECTOR - at;
		int err = rfs_sector_of(in, off + done, &sector);
		if (err == 0)
			err = fs->read(fs->ctx, sector, fs->buf, 1);
		if (err < 0)
			return err;
		if (n > len - done)
			n = len - done;
		memcpy((uint8 *)dst + done, fs->buf + at, n);
		done += n;
	}
	return (int)done;
}

// Directory slot index of dir (free slots have inode 0). Returns 0,
// ERR_NOTFOUND past the end, or ERR_CORRUPT (an unterminated name).
int rfs_dirent(struct rfs *fs, const struct rfs_inode *dir, uint32 index, struct rfs_dirent *out)
{
	if ((uint64)index * sizeof(*out) >= dir->size)
		return ERR_NOTFOUND;
	int n = rfs_read(fs, dir, index * (uint32)sizeof(*out), out, sizeof(*out));
	if (n < 0)
		return n;
	if (n != (int)sizeof(*out) || out->name[RFS_NAME_MAX] != '\0')
		return ERR_CORRUPT;
	return 0;
}

// Check directory dir and everything below it (depth levels deep).
static int rfs_check_dir(struct rfs *fs, const struct rfs_inode *dir, int depth)
{
	struct rfs_dirent e;
	struct rfs_inode in;
	for (uint32 i = 0;; i++) {
		int err = rfs_dirent(fs, dir, i, &e);
		if (err == ERR_NOTFOUND)
			return 0;
		if (err < 0) {
			fmt_snprintf(fs->why, sizeof(fs->why), "directory entry %u is unreadable",
				     i);
			return ERR_CORRUPT;
		}
		if (e.inode == 0)
			continue;
		err = rfs_inode(fs, e.inode, &in);
		if (err == ERR_INVAL || err == ERR_CORRUPT) {
			fmt_snprintf(fs->why, sizeof(fs->why),
				     "directory entry '%s' points outside the disk", e.name);
			return ERR_CORRUPT;
		}
		if (err < 0)
			return err;
		if (in.type == RFS_T_FREE) {
			fmt_snprintf(fs->why, sizeof(fs->why),
				     "directory entry '%s' names a free inode", e.name);
			return ERR_CORRUPT;
		}
		if (in.type == RFS_T_DIR && depth >= RFS_DEPTH_MAX) {
			fmt_snprintf(fs->why, sizeof(fs->why), "directories nested deeper than %d",
				     RFS_DEPTH_MAX);
			return ERR_CORRUPT;
		}
		if (in.type == RFS_T_DIR && (err = rfs_check_dir(fs, &in, depth + 1)) < 0)
			return err;
	}
}

// Is the superblock's layout in order: regions in sequence, inside the
// image, with a bitmap that covers it?
static bool rfs_layout_ok(const struct rfs_super *sb)
{
	uint64 inode_end = sb->inode_start + ((uint64)sb->inode_count + RFS_INODES_PER_SECTOR - 1) /
						     RFS_INODES_PER_SECTOR;
	return sb->scratch_start >= 1 &&
	       sb->bitmap_start >= sb->scratch_start + sb->scratch_count &&
	       (uint64)sb->bitmap_sectors * RFS_SECTOR * 8 >= sb->sectors &&
	       sb->inode_start >= (uint64)sb->bitmap_start + sb->bitmap_sectors &&
	       sb->inode_count > RFS_ROOT && sb->data_start >= inode_end &&
	       sb->data_start < sb->sectors && sb->root == RFS_ROOT;
}

// Read and check the superblock and the whole tree. fs->read, ctx and
// disk_sectors are set by the caller. Returns 0, or ERR_CORRUPT with the
// reason in fs->why (or the device's error).
int rfs_mount(struct rfs *fs)
{
	struct rfs_inode root;
	int err = fs->read(fs->ctx, 0, fs->buf, 1);
	fs->why[0] = '\0';
	if (err < 0) {
		fmt_snprintf(fs->why, sizeof(fs->why), "cannot read the superblock (error %d)",
			     err);
		return err;
	}
	memcpy(&fs->sb, fs->buf, sizeof(fs->sb));
	if (memcmp(fs->sb.magic, RFS_MAGIC, sizeof(fs->sb.magic)) != 0)
		fmt_snprintf(fs->why, sizeof(fs->why), "bad magic");
	else if (fs->sb.version != RFS_VERSION)
		fmt_snprintf(fs->why, sizeof(fs->why), "unsupported version %u", fs->sb.version);
	else if (fs->sb.sectors > fs->disk_sectors)
		fmt_snprintf(fs->why, sizeof(fs->why),
			     "image truncated: superblock says %u sectors, disk has %lu",
			     fs->sb.sectors, fs->disk_sectors);
	else if (!rfs_layout_ok(&fs->sb))
		fmt_snprintf(fs->why, sizeof(fs->why), "bad layout in the superblock");
	else if (rfs_inode(fs, fs->sb.root, &root) < 0 || root.type != RFS_T_DIR)
		fmt_snprintf(fs->why, sizeof(fs->why), "the root is not a directory");
	else
		return rfs_check_dir(fs, &root, 1);
	return ERR_CORRUPT;
}

// Find the entry called name (len bytes) in dir. Returns 0 with *ino set,
// ERR_NOTFOUND or an error.
static int rfs_find(struct rfs *fs, const struct rfs_inode *dir, const char *name, size_t len,
		    uint32 *ino)
{
	struct rfs_dirent e;
	for (uint32 i = 0;; i++) {
		int err = rfs_dirent(fs, dir, i, &e);
		if (err < 0)
			return err;
		if (e.inode && strlen(e.name) == len && memcmp(e.name, name, len) == 0) {
			*ino = e.inode;
			return 0;
		}
	}
}

// Resolve an absolute path ("/", "/bin/sh") to its inode. Returns 0,
// ERR_INVAL (not absolute, or a component is not a directory),
// ERR_NOTFOUND or an error.
int rfs_lookup(struct rfs *fs, const char *path, uint32 *ino, struct rfs_inode *out)
{
	if (path[0] != '/')
		return ERR_INVAL;
	*ino = fs->sb.root;
	int err = rfs_inode(fs, *ino, out);
	while (err == 0) {
		while (*path == '/')
			path++;
		if (*path == '\0')
			return 0;
		size_t len = 0;
		while (path[len] && path[len] != '/')
			len++;
		if (out->type != RFS_T_DIR)
			return ERR_INVAL;
		err = rfs_find(fs, out, path, len, ino);
		if (err == 0)
			err = rfs_inode(fs, *ino, out);
		path += len;
	}
	return err;
}
