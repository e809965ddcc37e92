#!/bin/sh
# corrupt_image.sh KIND IN.img OUT.img: copy a Rugo filesystem image and
# break it in one known way, for the fs/corrupt_* fixtures (the guest must
# answer each with one `FSD: mount failed: <reason>` line, never a panic):
#   magic      the superblock's magic is overwritten;
#   truncated  only the first 1 MiB is kept, less than the superblock says;
#   dirent     the root directory's first entry names an inode far beyond
#              the inode table, i.e. outside the disk;
#   bitmap     the free-space bitmap is zeroed: every sector, metadata and
#              files too, is marked free (fsd must refuse it; the ring1
#              core, which never allocates, mounts it).
# Offsets come from the superblock and inode layout in guest/common/rfs.h.
set -eu
kind=$1 in=$2 out=$3
tmp=$out.tmp
u32() { # u32 FILE OFFSET: the little-endian 32-bit value at OFFSET
	od -An -tu4 -j "$2" -N4 "$1" | tr -d ' '
}
case $kind in
magic)
	cp "$in" "$tmp"
	printf 'BADMAGIC' | dd of="$tmp" bs=1 seek=0 conv=notrunc status=none
	;;
truncated)
	head -c 1048576 "$in" >"$tmp"
	;;
dirent)
	cp "$in" "$tmp"
	inode_start=$(u32 "$in" 32) # struct rfs_super.inode_start
	root=$(u32 "$in" 44)        # struct rfs_super.root
	# struct rfs_inode is 64 bytes; ext[0].start is at byte 8 of it.
	root_dir=$(u32 "$in" $((inode_start * 512 + root * 64 + 8)))
	printf '\377\377\377\000' | dd of="$tmp" bs=1 seek=$((root_dir * 512)) conv=notrunc status=none
	;;
bitmap)
	cp "$in" "$tmp"
	bitmap_start=$(u32 "$in" 24)   # struct rfs_super.bitmap_start
	bitmap_sectors=$(u32 "$in" 28) # struct rfs_super.bitmap_sectors
	dd if=/dev/zero of="$tmp" bs=512 seek="$bitmap_start" count="$bitmap_sectors" \
		conv=notrunc status=none
	;;
*)
	echo "corrupt_image.sh: unknown kind '$kind' (magic, truncated, dirent, bitmap)" >&2
	exit 1
	;;
esac
mv "$tmp" "$out"
