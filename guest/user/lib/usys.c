// usys.c: the system call wrappers, one per ABI v0 call, over syscall4
// (crt0.S).
#include "user.h"

long debug_write(const void *buf, size_t len)
{
	return syscall4(SYS_debug_write, (long)buf, (long)len, 0, 0);
}

long thread_spawn(void *entry, void *stack_top, void *arg)
{
	return syscall4(SYS_thread_spawn, (long)entry, (long)stack_top, (long)arg, 0);
}

long yield(void)
{
	return syscall4(SYS_yield, 0, 0, 0, 0);
}

long vm_map(void *addr, size_t len, int prot)
{
	return syscall4(SYS_vm_map, (long)addr, (long)len, prot, 0);
}

long vm_unmap(void *addr, size_t len)
{
	return syscall4(SYS_vm_unmap, (long)addr, (long)len, 0, 0);
}

long shm_create(size_t len)
{
	return syscall4(SYS_shm_create, (long)len, 0, 0, 0);
}

long shm_map(long handle, void *addr, int prot)
{
	return syscall4(SYS_shm_map, handle, (long)addr, prot, 0);
}

long ipc_send(long handle, const void *buf, size_t len)
{
	return syscall4(SYS_ipc_send, handle, (long)buf, (long)len, 0);
}

long ipc_recv(long handle, void *buf, size_t cap)
{
	return syscall4(SYS_ipc_recv, handle, (long)buf, (long)cap, 0);
}

long time_now(void)
{
	return syscall4(SYS_time_now, 0, 0, 0, 0);
}

long stats(char *buf, size_t cap)
{
	return syscall4(SYS_stats, (long)buf, (long)cap, 0, 0);
}

long ipc_create(void)
{
	return syscall4(SYS_ipc_create, 0, 0, 0, 0);
}

long svc_register(const char *name, long handle)
{
	return syscall4(SYS_svc_register, (long)name, handle, 0, 0);
}

long svc_lookup(const char *name)
{
	return syscall4(SYS_svc_lookup, (long)name, 0, 0, 0);
}

long getpid(void)
{
	return syscall4(SYS_getpid, 0, 0, 0, 0);
}

// Send with a handle: its object travels with the message.
long ipc_send_carry(long handle, const void *buf, size_t len, long carry)
{
	return syscall4(SYS_ipc_send, handle, (long)buf, (long)len, carry + 1);
}

// Receive; *carried gets the handle the message carried, or -1.
long ipc_recv_carried(long handle, void *buf, size_t cap, long *carried)
{
	return syscall4(SYS_ipc_recv, handle, (long)buf, (long)cap, (long)carried);
}

long blk_info(void)
{
	return syscall4(SYS_blk_info, 0, 0, 0, 0);
}

long blk_read(uint64 sector, void *buf, size_t nsect)
{
	return syscall4(SYS_blk_read, (long)sector, (long)buf, (long)nsect, 0);
}

long blk_write(uint64 sector, const void *buf, size_t nsect)
{
	return syscall4(SYS_blk_write, (long)sector, (long)buf, (long)nsect, 0);
}

long spawn(const char *path, const char *args, size_t len)
{
	return syscall4(SYS_spawn, (long)path, (long)args, (long)len, 0);
}

long wait(long pid)
{
	return syscall4(SYS_wait, pid, 0, 0, 0);
}

long handle_close(long handle)
{
	return syscall4(SYS_handle_close, handle, 0, 0, 0);
}

long console_read(void *buf, size_t cap)
{
	return syscall4(SYS_console_read, (long)buf, (long)cap, 0, 0);
}

// The ring1 core's read-only view: out = { type, size }.
long fs_core_stat(const char *path, uint32 out[2])
{
	return syscall4(SYS_fs_stat, (long)path, (long)out, 0, 0);
}

long fs_core_read(const char *path, uint32 off, void *buf, size_t len)
{
	return syscall4(SYS_fs_read, (long)path, off, (long)buf, (long)len);
}

void thread_exit(long code)
{
	syscall4(SYS_thread_exit, code, 0, 0, 0);
	__builtin_unreachable();
}

long net_bind(long port)
{
	return syscall4(SYS_net_bind, port, 0, 0, 0);
}

long net_sendto(long handle, const void *buf, size_t len, unsigned long addr)
{
	return syscall4(SYS_net_sendto, handle, (long)buf, (long)len, (long)addr);
}

long net_recvfrom(long handle, void *buf, size_t cap, struct net_peer *peer)
{
	return syscall4(SYS_net_recvfrom, handle, (long)buf, (long)cap, (long)peer);
}
