// mkfs_rugo.c: the host-side image builder. It writes a Rugo filesystem
// v0 image (guest/common/rfs.h, docs/rugofs.md) holding a copy of a
// directory tree: regular files and directories, in name order, so the
// same tree always gives the same image.
//
//   mkfs_rugo [-s SIZE_KIB] [-i INODES] OUT.img DIR
//
// Exit status: 0 done, 1 bad usage, 2 the tree cannot be read or holds
// something the format cannot (a name over 27 bytes, a symlink, a
// device), 3 the tree does not fit in the image.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rfs.h"

#define SCRATCH_SECTORS 16 // for the driver's write/read test (BLK: rw ok)
#define DIR_MIN_SECTORS 2  // room for 32 entries, so fsd can add files

static uint8_t *image;
static struct rfs_super *sb;
static uint32_t next_data, next_inode = RFS_ROOT;
static unsigned nfiles, ndirs;

static void die(int code, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));
static void die(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("mkfs_rugo: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(code);
}

static void mark_used(uint32_t sector)
{
	uint8_t *bitmap = image + (size_t)sb->bitmap_start * RFS_SECTOR;
	bitmap[sector / 8] |= (uint8_t)(1u << (sector % 8));
}

// Take count contiguous data sectors for path; returns the first.
static uint32_t alloc_sectors(uint32_t count, const char *path)
{
	if (count > sb->sectors - next_data)
		die(3, "%s: the image is full (%u sectors); give a larger -s", path, sb->sectors);
	uint32_t start = next_data;
	for (uint32_t s = start; s < start + count; s++)
		mark_used(s);
	next_data += count;
	return start;
}

static struct rfs_inode *inode_at(uint32_t ino)
{
	return (struct rfs_inode *)(image + (size_t)sb->inode_start * RFS_SECTOR) + ino;
}

static uint32_t alloc_inode(const char *path)
{
	if (next_inode >= sb->inode_count)
		die(3, "%s: out of inodes (%u); give a larger -i", path, sb->inode_count);
	return next_inode++;
}

// Store len bytes as the whole content of inode ino (type), in one extent
// of at least min_sectors sectors.
static void store(uint32_t ino, uint16_t type, const void *data, size_t len, uint32_t min_sectors,
		  const char *path)
{
	uint32_t count = (uint32_t)((len + RFS_SECTOR - 1) / RFS_SECTOR);
	if (len > UINT32_MAX - RFS_SECTOR)
		die(3, "%s: too large", path);
	if (count < min_sectors)
		count = min_sectors;
	struct rfs_inode *in = inode_at(ino);
	in->type = type;
	in->size = (uint32_t)len;
	if (count) {
		in->ext[0].start = alloc_sectors(count, path);
		in->ext[0].count = count;
		memcpy(image + (size_t)in->ext[0].start * RFS_SECTOR, data, len);
	}
}

static void *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		die(2, "%s: %s", path, strerror(errno));
	size_t cap = 4096, n = 0, got;
	char *buf = malloc(cap);
	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		if ((n += got) == cap) {
			char *bigger = realloc(buf, cap *= 2);
			if (!bigger)
				die(2, "%s: out of memory", path);
			buf = bigger;
		}
	}
	if (!buf || ferror(f))
		die(2, "%s: read failed", path);
	fclose(f);
	*len = n;
	return buf;
}

static uint32_t add_tree(const char *path, uint32_t ino);

// Add directory entry name -> a new inode for path (a file or a directory).
static void add_entry(struct rfs_dirent *e, const char *dir, const char *name)
{
	char *path;
	struct stat st;
	if (asprintf(&path, "%s/%s", dir, name) < 0)
		die(2, "out of memory");
	if (strlen(name) > RFS_NAME_MAX)
		die(2, "%s: name longer than %d bytes", path, RFS_NAME_MAX);
	if (lstat(path, &st) < 0)
		die(2, "%s: %s", path, strerror(errno));
	e->inode = alloc_inode(path);
	strcpy(e->name, name);
	if (S_ISDIR(st.st_mode)) {
		add_tree(path, e->inode);
	} else if (S_ISREG(st.st_mode)) {
		size_t len;
		void *data = read_file(path, &len);
		store(e->inode, RFS_T_FILE, data, len, 0, path);
		free(data);
		nfiles++;
	} else {
		die(2, "%s: not a regular file or directory", path);
	}
	free(path);
}

static int skip_dots(const struct dirent *d)
{
	return strcmp(d->d_name, ".") && strcmp(d->d_name, "..");
}

// Copy directory path (and everything below it) into inode ino.
static uint32_t add_tree(const char *path, uint32_t ino)
{
	struct dirent **names;
	int n = scandir(path, &names, skip_dots, alphasort);
	if (n < 0)
		die(2, "%s: %s", path, strerror(errno));
	struct rfs_dirent *ents = calloc((size_t)n + 1, sizeof(*ents));
	for (int i = 0; i < n; i++) {
		add_entry(&ents[i], path, names[i]->d_name);
		free(names[i]);
	}
	free(names);
	uint32_t sectors = (uint32_t)(((size_t)n * sizeof(*ents) + RFS_SECTOR - 1) / RFS_SECTOR);
	if (sectors < DIR_MIN_SECTORS)
		sectors = DIR_MIN_SECTORS;
	// A directory's size covers all its slots; free ones have inode 0.
	size_t len = (size_t)sectors * RFS_SECTOR;
	struct rfs_dirent *all = calloc(1, len);
	memcpy(all, ents, (size_t)n * sizeof(*ents));
	store(ino, RFS_T_DIR, all, len, sectors, path);
	free(all);
	free(ents);
	ndirs++;
	return ino;
}

static unsigned long parse_num(const char *s, const char *what, unsigned long max)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end || end == s || v == 0 || v > max)
		die(1, "bad %s '%s' (1 to %lu)", what, s, max);
	return v;
}

int main(int argc, char **argv)
{
	unsigned long size_kib = 4096, inodes = 128;
	int opt;
	while ((opt = getopt(argc, argv, "s:i:")) != -1) {
		if (opt == 's')
			size_kib = parse_num(optarg, "size in KiB", 1024 * 1024);
		else if (opt == 'i')
			inodes = parse_num(optarg, "inode count", 65536);
		else
			die(1, "usage: mkfs_rugo [-s SIZE_KIB] [-i INODES] OUT.img DIR");
	}
	if (argc - optind != 2)
		die(1, "usage: mkfs_rugo [-s SIZE_KIB] [-i INODES] OUT.img DIR");
	const char *out = argv[optind], *dir = argv[optind + 1];
	uint32_t sectors = (uint32_t)(size_kib * 1024 / RFS_SECTOR);
	image = calloc(sectors, RFS_SECTOR);
	sb = (struct rfs_super *)image;
	memcpy(sb->magic, RFS_MAGIC, sizeof(sb->magic));
	sb->version = RFS_VERSION;
	sb->sectors = sectors;
	sb->scratch_start = 1;
	sb->scratch_count = SCRATCH_SECTORS;
	sb->bitmap_start = sb->scratch_start + SCRATCH_SECTORS;
	sb->bitmap_sectors = (sectors + RFS_SECTOR * 8 - 1) / (RFS_SECTOR * 8);
	sb->inode_start = sb->bitmap_start + sb->bitmap_sectors;
	sb->inode_count = (uint32_t)inodes;
	sb->data_start = sb->inode_start +
			 (uint32_t)((inodes + RFS_INODES_PER_SECTOR - 1) / RFS_INODES_PER_SECTOR);
	sb->root = RFS_ROOT;
	if (sb->data_start + DIR_MIN_SECTORS > sectors)
		die(3, "an image of %lu KiB has no room for data", size_kib);
	for (uint32_t s = 0; s < sb->data_start; s++)
		mark_used(s);
	next_data = sb->data_start;
	add_tree(dir, alloc_inode(dir));

	char *tmp;
	if (asprintf(&tmp, "%s.tmp", out) < 0)
		die(2, "out of memory");
	FILE *f = fopen(tmp, "wb");
	if (!f || fwrite(image, RFS_SECTOR, sectors, f) != sectors || fclose(f) != 0 ||
	    rename(tmp, out) != 0)
		die(2, "%s: cannot write: %s", out, strerror(errno));
	printf("mkfs_rugo: %s: %u sectors, %u files, %u directories, %u sectors used\n", out,
	       sectors, nfiles, ndirs, next_data);
	free(tmp);
	free(image);
	return 0;
}
