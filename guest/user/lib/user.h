// user.h: the Rugo user runtime: typed system call wrappers (usys.c),
// printing and small helpers (ulib.c), and the shared string/format code.
#ifndef RUGO_USER_H
#define RUGO_USER_H

#include "types.h"
#include "lib.h"
#include "abi.h"

long syscall4(long num, long a0, long a1, long a2, long a3);

// One wrapper per ABI v0 call; results as the kernel returns them.
long debug_write(const void *buf, size_t len);
long thread_spawn(void *entry, void *stack_top, void *arg);
void thread_exit(long code) __attribute__((noreturn));
long yield(void);
long vm_map(void *addr, size_t len, int prot);
long vm_unmap(void *addr, size_t len);
long shm_create(size_t len);
long shm_map(long handle, void *addr, int prot);
long ipc_send(long handle, const void *buf, size_t len);
long ipc_recv(long handle, void *buf, size_t cap);
long time_now(void);
long stats(char *buf, size_t cap);
long ipc_create(void);
long svc_register(const char *name, long handle);
long svc_lookup(const char *name);
long getpid(void);
long ipc_send_carry(long handle, const void *buf, size_t len, long carry);
long ipc_recv_carried(long handle, void *buf, size_t cap, long *carried);
long blk_info(void);
long blk_read(uint64 sector, void *buf, size_t nsect);
long blk_write(uint64 sector, const void *buf, size_t nsect);
long spawn(const char *path, const char *args, size_t len);
long wait(long pid);
long handle_close(long handle);
long console_read(void *buf, size_t cap);
long fs_core_stat(const char *path, uint32 out[2]);
long fs_core_read(const char *path, uint32 off, void *buf, size_t len);
long net_bind(long port);
long net_sendto(long handle, const void *buf, size_t len, unsigned long addr);
long net_recvfrom(long handle, void *buf, size_t cap, struct net_peer *peer);

// ulib.c
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
long thread_create(void (*fn)(void *), void *arg, size_t stack_len);
long svc_wait(const char *name);
uint32 checksum(const void *buf, size_t len);
void fail(const char *what) __attribute__((noreturn));
int hostile_check(const char *name, long got, long want);

#endif
