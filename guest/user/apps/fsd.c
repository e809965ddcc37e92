// fsd.c: the ring2 filesystem provider, a user-space service that owns the
// disk (through the blk_* calls) and serves the Rugo filesystem v0 over
// IPC (common/fsd_proto.h). It mounts with the shared checks of
// common/rfs_read.c, prints `FSD: mount ok` and registers as "fsd", or
// prints `FSD: mount failed: <reason>` and exits with code 1.
//
// Writes go straight to the disk (no cache but the free-space bitmap, which
// is written back sector by sector), so the kernel's read-only core sees
// them. Order of a create: inode, then the directory entry, so a reader
// never finds an entry naming a free inode.
#include "user.h"
#include "rfs_read.h"
#include "fsd_proto.h"

#define BITMAP_MAX_SECTORS 16 // images up to 64 Ki sectors (32 MiB)

static struct rfs fs;
static uint8 bitmap[BITMAP_MAX_SECTORS * RFS_SECTOR];
static uint8 sector_buf[RFS_SECTOR]; // read-modify-write; fs.buf belongs to rfs_read

static int disk_read(void *ctx, uint32 sector, void *buf, uint32 nsect)
{
	(void)ctx;
	for (uint32 done = 0; done < nsect;) {
		uint32 n = nsect - done < BLK_IO_MAX ? nsect - done : BLK_IO_MAX;
		long err = blk_read(sector + done, (uint8 *)buf + done * RFS_SECTOR, n);
		if (err < 0)
			return (int)err;
		done += n;
	}
	return 0;
}

static bool bit_used(uint32 s)
{
	return bitmap[s / 8] & (1u << (s % 8));
}

// Mark sectors [start, start + n) used or free, on disk too.
static int bits_set(uint32 start, uint32 n, bool used)
{
	for (uint32 s = start; s < start + n; s++) {
		if (used)
			bitmap[s / 8] |= (uint8)(1u << (s % 8));
		else
			bitmap[s / 8] &= (uint8) ~(1u << (s % 8));
	}
	for (uint32 b = start / (RFS_SECTOR * 8); b <= (start + n - 1) / (RFS_SECTOR * 8); b++) {
		long err = blk_write(fs.sb.bitmap_start + b, bitmap + b * RFS_SECTOR, 1);
		if (err < 0)
			return (int)err;
	}
	return 0;
}

// Are sectors [start, start + n) inside the data area and free?
static bool run_free(uint32 start, uint32 n)
{
	if (start < fs.sb.data_start || start >= fs.sb.sectors || n > fs.sb.sectors - start)
		return false;
	for (uint32 s = start; s < start + n; s++)
		if (bit_used(s))
			return false;
	return true;
}

// First fit: the start of n free contiguous sectors, or 0.
static uint32 run_find(uint32 n)
{
	for (uint32 s = fs.sb.data_start; s + n <= fs.sb.sectors; s++)
		if (run_free(s, n))
			return s;
	return 0;
}

static int inode_put(uint32 ino, const struct rfs_inode *in)
{
	uint32 s = fs.sb.inode_start + ino / RFS_INODES_PER_SECTOR;
	int err = disk_read(NULL, s, sector_buf, 1);
	if (err < 0)
		return err;
	memcpy(sector_buf + (ino % RFS_INODES_PER_SECTOR) * sizeof(*in), in, sizeof(*in));
	return (int)blk_write(s, sector_buf, 1);
}

// A free inode number (not yet written), or ERR_FSFULL.
static int inode_alloc(void)
{
	struct rfs_inode in;
	for (uint32 ino = RFS_ROOT + 1; ino < fs.sb.inode_count; ino++) {
		int err = rfs_inode(&fs, ino, &in);
		if (err < 0)
			return err;
		if (in.type == RFS_T_FREE)
			return (int)ino;
	}
	return ERR_FSFULL;
}

// Give in n more sectors: extend its last extent if the sectors after it
// are free, else start a new extent.
static int inode_grow(struct rfs_inode *in, uint32 n)
{
	int last = -1;
	for (int i = 0; i < RFS_NEXTENT; i++)
		if (in->ext[i].count)
			last = i;
	if (last >= 0 && run_free(in->ext[last].start + in->ext[last].count, n)) {
		in->ext[last].count += n;
		return bits_set(in->ext[last].start + in->ext[last].count - n, n, true);
	}
	uint32 start = run_find(n);
	if (start == 0 || last + 1 >= RFS_NEXTENT)
		return ERR_FSFULL;
	in->ext[last + 1] = (struct rfs_extent){start, n};
	return bits_set(start, n, true);
}

// Write len bytes at off (at most the size: no holes) into inode ino.
static int inode_write(uint32 ino, struct rfs_inode *in, uint32 off, const uint8 *data, uint32 len)
{
	uint32 have = 0, end = off + len;
	if (off > in->size || len > 0x7fffffff - off)
		return ERR_INVAL;
	for (int i = 0; i < RFS_NEXTENT; i++)
		have += in->ext[i].count;
	uint32 need = (end + RFS_SECTOR - 1) / RFS_SECTOR;
	int err = need > have ? inode_grow(in, need - have) : 0;
	for (uint32 done = 0; err == 0 && done < len;) {
		uint32 sector, at = (off + done) % RFS_SECTOR, n = RFS_SECTOR - at;
		if (n > len - done)
			n = len - done;
		err = rfs_sector_of(in, off + done, &sector);
		if (err == 0 && n < RFS_SECTOR)
			err = disk_read(NULL, sector, sector_buf, 1);
		if (err < 0)
			break;
		memcpy(sector_buf + at, data + done, n);
		err = (int)blk_write(sector, sector_buf, 1);
		done += n;
	}
	if (err < 0)
		return err;
	if (end > in->size)
		in->size = end;
	err = inode_put(ino, in);
	return err < 0 ? err : (int)len;
}

// Split path into its parent directory (looked up) and last name.
static int path_parent(const char *path, uint32 *dino, struct rfs_inode *dir, const char **name)
{
	char parent[RFS_PATH_MAX];
	size_t len = strlen(path);
	while (len > 1 && path[len - 1] == '/')
		len--;
	size_t slash = len;
	while (slash > 0 && path[slash - 1] != '/')
		slash--;
	if (path[0] != '/' || slash == len || len - slash > RFS_NAME_MAX)
		return ERR_INVAL;
	memcpy(parent, path, slash);
	parent[slash] = '\0';
	*name = path + slash;
	int err = rfs_lookup(&fs, parent, dino, dir);
	if (err == 0 && dir->type != RFS_T_DIR)
		err = ERR_INVAL;
	return err;
}

// The slot of dir that names ino (or, for ino 0, a free one); -1: none.
static int dir_slot(const struct rfs_inode *dir, uint32 ino)
{
	struct rfs_dirent e;
	for (uint32 i = 0; rfs_dirent(&fs, dir, i, &e) == 0; i++)
		if (e.inode == ino)
			return (int)i;
	return -1;
}

// Create a file or directory at path.
static int op_create(const char *path, uint16 type)
{
	struct rfs_inode dir, in;
	uint32 dino, ino;
	const char *name;
	int err = path_parent(path, &dino, &dir, &name);
	if (err < 0)
		return err;
	if (rfs_lookup(&fs, path, &ino, &in) == 0)
		return ERR_EXISTS;
	int n = inode_alloc();
	if (n < 0)
		return n;
	struct rfs_dirent e = {.inode = (uint32)n};
	memcpy(e.name, name, strlen(name) + 1);
	for (size_t i = 0; e.name[i]; i++)
		if (e.name[i] == '/')
			e.name[i] = '\0';
	memset(&in, 0, sizeof(in));
	in.type = type;
	err = inode_put((uint32)n, &in);
	if (err == 0 && type == RFS_T_DIR) {
		static const struct rfs_dirent empty[RFS_DIRENTS_PER_SECTOR];
		err = inode_write((uint32)n, &in, 0, (const uint8 *)empty, sizeof(empty));
	}
	if (err < 0)
		return err;
	int slot = dir_slot(&dir, 0);
	uint32 at = slot >= 0 ? (uint32)slot * sizeof(e) : dir.size;
	err = inode_write(dino, &dir, at, (const uint8 *)&e, sizeof(e));
	return err < 0 ? err : 0;
}

// Remove the file or empty directory at path.
static int op_remove(const char *path)
{
	// Zeroed for the analyzer, which cannot see that the lookups fill them.
	struct rfs_inode dir = {0}, in = {0};
	struct rfs_dirent e;
	uint32 dino = 0, ino = 0;
	const char *name;
	int err = path_parent(path, &dino, &dir, &name);
	if (err == 0)
		err = rfs_lookup(&fs, path, &ino, &in);
	if (err < 0)
		return err;
	for (uint32 i = 0; in.type == RFS_T_DIR && rfs_dirent(&fs, &in, i, &e) == 0; i++)
		if (e.inode)
			return ERR_INVAL; // not empty
	int slot = dir_slot(&dir, ino);
	if (slot < 0)
		return ERR_CORRUPT;
	memset(&e, 0, sizeof(e));
	err = inode_write(dino, &dir, (uint32)slot * sizeof(e), (const uint8 *)&e, sizeof(e));
	for (int i = 0; err >= 0 && i < RFS_NEXTENT; i++)
		if (in.ext[i].count)
			err = bits_set(in.ext[i].start, in.ext[i].count, false);
	memset(&in, 0, sizeof(in));
	return err < 0 ? err : inode_put(ino, &in);
}

// Names in directory path from slot on, NUL-separated, directories with
// a trailing '/'; rp->size is the slot to continue from.
static int op_list(const char *path, uint32 slot, struct fsd_reply *rp)
{
	struct rfs_inode dir, in;
	struct rfs_dirent e;
	uint32 ino;
	int err = rfs_lookup(&fs, path, &ino, &dir);
	if (err == 0 && dir.type != RFS_T_DIR)
		err = ERR_INVAL;
	for (; err == 0 && rfs_dirent(&fs, &dir, slot, &e) == 0; slot++) {
		if (e.inode == 0)
			continue;
		size_t n = strlen(e.name);
		if (rp->len + n + 2 > FSD_DATA_MAX)
			break;
		if ((err = rfs_inode(&fs, e.inode, &in)) < 0)
			break;
		memcpy(rp->data + rp->len, e.name, n);
		rp->len += (uint32)n;
		if (in.type == RFS_T_DIR)
			rp->data[rp->len++] = '/';
		rp->data[rp->len++] = '\0';
	}
	rp->size = slot;
	return err;
}

// Is there a NUL in the n bytes at s?
static bool has_nul(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\0')
			return true;
	return false;
}

// Serve one request into rp.
static void serve(const struct fsd_request *rq, struct fsd_reply *rp)
{
	struct rfs_inode in;
	uint32 ino;
	int err = 0;
	memset(rp, 0, sizeof(*rp));
	if (!has_nul(rq->path, sizeof(rq->path)) || rq->len > FSD_DATA_MAX) {
		rp->status = ERR_INVAL;
		return;
	}
	switch (rq->op) {
	case FSD_STAT:
		if ((err = rfs_lookup(&fs, rq->path, &ino, &in)) == 0) {
			rp->size = in.size;
			rp->type = in.type;
		}
		break;
	case FSD_READ:
		if ((err = rfs_lookup(&fs, rq->path, &ino, &in)) == 0 && in.type != RFS_T_FILE)
			err = ERR_INVAL;
		if (err == 0 && (err = rfs_read(&fs, &in, rq->offset, rp->data, rq->len)) >= 0)
			rp->len = (uint32)err;
		break;
	case FSD_WRITE:
		if ((err = rfs_lookup(&fs, rq->path, &ino, &in)) == 0 && in.type != RFS_T_FILE)
			err = ERR_INVAL;
		if (err == 0)
			err = inode_write(ino, &in, rq->offset, rq->data, rq->len);
		break;
	case FSD_CREATE:
	case FSD_MKDIR:
		err = op_create(rq->path, rq->op == FSD_MKDIR ? RFS_T_DIR : RFS_T_FILE);
		break;
	case FSD_REMOVE: err = op_remove(rq->path); break;
	case FSD_LIST: err = op_list(rq->path, rq->offset, rp); break;
	default: err = ERR_NOSYS;
	}
	rp->status = err;
}

// Does the bitmap mark every sector of inode ino's extents used? Returns
// NULL or the reason, in fs.why.
static const char *inode_bits_check(uint32 ino, const struct rfs_inode *in)
{
	for (int i = 0; in->type != RFS_T_FREE && i < RFS_NEXTENT; i++) {
		const struct rfs_extent *e = &in->ext[i];
		for (uint32 s = e->start; s < e->start + e->count; s++)
			if (!bit_used(s)) {
				fmt_snprintf(fs.why, sizeof(fs.why),
					     "free-space bitmap marks sector %u of inode %u free",
					     s, ino);
				return fs.why;
			}
	}
	return NULL;
}

// Does the bitmap mark every sector in use as used: the metadata before
// data_start and each inode's extents? A used sector marked free would be
// handed out by the next write, which would overwrite a directory, an
// inode or another file's data, so such an image is refused. Returns NULL
// or the reason, in fs.why.
static const char *bitmap_check(void)
{
	for (uint32 s = 0; s < fs.sb.data_start; s++)
		if (!bit_used(s)) {
			fmt_snprintf(fs.why, sizeof(fs.why),
				     "free-space bitmap marks metadata sector %u free", s);
			return fs.why;
		}
	// The table a sector (8 inodes) at a time: this runs on every mount.
	for (uint32 first = 0; first < fs.sb.inode_count; first += RFS_INODES_PER_SECTOR) {
		uint32 sector = fs.sb.inode_start + first / RFS_INODES_PER_SECTOR;
		if (disk_read(NULL, sector, sector_buf, 1) < 0)
			return "cannot read the inode table";
		for (uint32 ino = first; ino < first + RFS_INODES_PER_SECTOR; ino++) {
			if (ino == 0 || ino >= fs.sb.inode_count) // inode 0 is never used
				continue;
			struct rfs_inode in;
			memcpy(&in, sector_buf + (ino - first) * sizeof(in), sizeof(in));
			if (!rfs_inode_ok(&fs, &in)) {
				fmt_snprintf(fs.why, sizeof(fs.why), "inode %u is corrupt", ino);
				return fs.why;
			}
			const char *why = inode_bits_check(ino, &in);
			if (why)
				return why;
		}
	}
	return NULL;
}

// Mount: the shared checks, then the bitmap into memory, checked against
// the inode table.
static const char *mount(void)
{
	long cap = blk_info();
	if (cap < 0)
		return "no disk";
	fs.read = disk_read;
	fs.disk_sectors = (uint64)cap;
	if (rfs_mount(&fs) < 0)
		return fs.why[0] ? fs.why : "device error";
	if (fs.sb.bitmap_sectors > BITMAP_MAX_SECTORS)
		return "free-space bitmap larger than fsd supports";
	if (disk_read(NULL, fs.sb.bitmap_start, bitmap, fs.sb.bitmap_sectors) < 0)
		return "cannot read the free-space bitmap";
	return bitmap_check();
}

int main(void)
{
	static struct fsd_request rq;
	static struct fsd_reply rp;
	const char *why = mount();
	if (why) {
		printf("FSD: mount failed: %s\n", why);
		return 1;
	}
	// The marker goes out before the name is published: the kernel prints
	// its provider tag once it sees the name, so the order is always the
	// same.
	printf("FSD: mount ok\n");
	long ep = ipc_create();
	if (ep < 0 || svc_register(FSD_SERVICE, ep) < 0) {
		printf("FSD: cannot register the service\n");
		return 1;
	}
	for (;;) {
		long reply;
		long n = ipc_recv_carried(ep, &rq, sizeof(rq), &reply);
		if (n < 0 || reply < 0)
			continue; // nobody to answer
		if (n == sizeof(rq))
			serve(&rq, &rp);
		else
			rp = (struct fsd_reply){.status = ERR_INVAL};
		ipc_send(reply, &rp, sizeof(rp));
		handle_close(reply);
	}
}
