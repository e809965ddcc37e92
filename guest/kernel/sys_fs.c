// sys_fs.c: the read-only filesystem calls of ABI v0, answered by the
// kernel's ring1 core (fscore.c): what user space uses when the ring2 fsd
// service is not there and the policy (rugo.fs=auto or core) allows it.
#include "types.h"
#include "defs.h"
#include "proc.h"

#define FS_READ_MAX 4096 // bytes per fs_read call

// fs_stat(path, out): out gets { u32 type, u32 size }.
int64 sys_fs_stat(const uint64 *arg)
{
	char path[SPAWN_PATH_MAX];
	uint32 st[2];
	int err = copyin_name(path, arg[0], sizeof(path));
	if (err == 0)
		err = fs_core_stat(path, &st[0], &st[1]);
	if (err == 0 && copyout(myproc()->pml4, arg[1], st, sizeof(st)) < 0)
		err = ERR_FAULT;
	return err;
}

// fs_read(path, off, buf, len): up to len bytes from off; returns the count.
int64 sys_fs_read(const uint64 *arg)
{
	char path[SPAWN_PATH_MAX];
	uint64 off = arg[1], len = arg[3];
	int err = copyin_name(path, arg[0], sizeof(path));
	if (err < 0)
		return err;
	if (len > FS_READ_MAX || off > 0xffffffffULL)
		return ERR_INVAL;
	uint8 *page = kalloc();
	if (page == NULL)
		return ERR_NOMEM;
	err = fs_core_read(path, (uint32)off, page, (uint32)len);
	if (err > 0 && copyout(myproc()->pml4, arg[2], page, (uint64)err) < 0)
		err = ERR_FAULT;
	kfree(page);
	return err;
}
