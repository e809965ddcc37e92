// sys_blk.c: the block system calls of ABI v0 (docs/abi/syscall_v0.md):
// whole sectors between the disk and user memory, at most BLK_IO_MAX per
// call, through a kernel page so the user buffer is validated by
// copyin/copyout like every other pointer.
#include "types.h"
#include "defs.h"
#include "proc.h"

// blk_info(): the disk's capacity in sectors, or ERR_NODEV.
int64 sys_blk_info(const uint64 *arg)
{
	(void)arg;
	return blk_present() ? (int64)blk_capacity() : ERR_NODEV;
}

// Move arg[2] sectors at arg[0] between the disk and user buffer arg[1].
static int64 sys_blk_rw(const uint64 *arg, bool write)
{
	uint64 sector = arg[0], va = arg[1], nsect = arg[2];
	if (!blk_present())
		return ERR_NODEV;
	if (nsect == 0 || nsect > BLK_IO_MAX || sector >= blk_capacity() ||
	    nsect > blk_capacity() - sector)
		return ERR_INVAL;
	uint8 *page = kalloc();
	if (page == NULL)
		return ERR_NOMEM;
	uint64 len = nsect * BLK_SECTOR;
	int64 err = 0;
	if (write && copyin(myproc()->pml4, page, va, len) < 0)
		err = ERR_FAULT;
	if (err == 0)
		err = blk_rw(write, sector, page, (uint32)nsect);
	if (err == 0 && !write && copyout(myproc()->pml4, va, page, len) < 0)
		err = ERR_FAULT;
	kfree(page);
	return err;
}

int64 sys_blk_read(const uint64 *arg)
{
	return sys_blk_rw(arg, false);
}

int64 sys_blk_write(const uint64 *arg)
{
	return sys_blk_rw(arg, true);
}
