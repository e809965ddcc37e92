// scen_blk.c: the virtio-blk scenarios. The driver prints
// `BLK: found virtio-blk ...` or `BLK: no device` at boot; these check a
// write, read back and compare of the scratch area the test image
// reserves (its superblock says where), and that a request the device
// never completes ends in a bounded wait.
#include "types.h"
#include "defs.h"
#include "rfs.h"
#include "scenario.h"

#define RW_SECTORS 12 // more than one request's worth (BLK_IO_MAX = 8)

// blk_identify: the boot's BLK line is the whole test.
void scen_blk_identify(void)
{
}

// Find the scratch area: sector 0 must be an RFS0 superblock.
static bool blk_scratch(uint32 *start, uint32 *count)
{
	static uint8 sb_sector[BLK_SECTOR];
	const struct rfs_super *sb = (const void *)sb_sector;
	if (blk_rw(false, 0, sb_sector, 1) < 0 || memcmp(sb->magic, RFS_MAGIC, 8) != 0)
		return false;
	*start = sb->scratch_start;
	*count = sb->scratch_count;
	return *start > 0 && *count >= RW_SECTORS && *start + *count <= blk_capacity();
}

// blk_rw: write a pattern that differs on every boot to the scratch area,
// read it back into another buffer and compare: `BLK: rw ok`.
void scen_blk_rw(void)
{
	static uint8 out[RW_SECTORS * BLK_SECTOR], in[RW_SECTORS * BLK_SECTOR];
	uint32 start, count;
	if (!blk_present()) {
		kprintf("BLK: rw skipped: no device\n");
		return;
	}
	if (!blk_scratch(&start, &count)) {
		kprintf("BLK: rw failed: no scratch area on the disk\n");
		return;
	}
	uint32 seed = (uint32)timer_ticks() * 2654435761u + 1;
	for (uint32 i = 0; i < sizeof(out); i++) {
		seed = seed * 1103515245u + 12345u;
		out[i] = (uint8)(seed >> 16);
	}
	memset(in, 0, sizeof(in));
	uint64 req0, intr0, req1, intr1;
	blk_stats(&req0, &intr0);
	int err = blk_rw(true, start, out, RW_SECTORS);
	if (err == 0)
		err = blk_rw(false, start, in, RW_SECTORS);
	if (err < 0)
		kprintf("BLK: rw failed: error %d\n", err);
	else if (memcmp(in, out, sizeof(in)) != 0)
		kprintf("BLK: rw failed: read back differs\n");
	else
		kprintf("BLK: rw ok sectors=%u\n", RW_SECTORS);
	blk_stats(&req1, &intr1);
	kprintf("blk: irq=%d requests=%lu interrupts=%lu\n", virtio_blk_irq(), req1 - req0,
		intr1 - intr0);
}

// blk_timeout: a request the device never completes (blk_submit_broken)
// must end in `BLK: timeout ...` within the driver's bound, and the
// kernel must carry on, refusing further requests.
void scen_blk_timeout(void)
{
	static uint8 sector[BLK_SECTOR];
	int err = blk_submit_broken();
	if (err != ERR_TIMEOUT) {
		kprintf("BLK: timeout test failed: error %d\n", err);
		return;
	}
	err = blk_rw(false, 0, sector, 1);
	kprintf("BLK: after timeout: read refused error=%d\n", err);
}
