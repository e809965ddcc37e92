// sys_proc.c: the process system calls of ABI v0: spawn a program from
// the disk and wait for a child's exit code.
#include "types.h"
#include "defs.h"
#include "proc.h"

// spawn(path, args, len): start the program at path (read by the ring1
// filesystem core) with the argument string args of len bytes, as a child
// of the caller. Returns the child's pid.
int64 sys_spawn(const uint64 *arg)
{
	char path[SPAWN_PATH_MAX], args[SPAWN_ARGS_MAX];
	uint64 len = arg[2];
	int err = copyin_name(path, arg[0], sizeof(path));
	if (err < 0)
		return err;
	if (len > SPAWN_ARGS_MAX)
		return ERR_INVAL;
	if (len && copyin(myproc()->pml4, args, arg[1], len) < 0)
		return ERR_FAULT;
	return proc_spawn_file(path, args, len, myproc()->pid);
}

// wait(pid): block until child pid exits; returns its exit code (0-255).
int64 sys_wait(const uint64 *arg)
{
	if (arg[0] == 0 || arg[0] > 0x7fffffff)
		return ERR_INVAL;
	return proc_wait((int)arg[0], myproc()->pid);
}
