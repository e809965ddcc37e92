// fsclient.h: the client side of the fsd protocol (common/fsd_proto.h):
// one call per operation, each a request and its reply. Results are
// byte counts or 0, or an ERR_ code. Without fsd, reads go to the kernel's
// read-only core and writes fail with ERR_NODEV (fs_writable says which).
#ifndef RUGO_FSCLIENT_H
#define RUGO_FSCLIENT_H

#include "types.h"
#include "rfs.h"

long fs_stat(const char *path, uint32 *size, uint32 *type);
long fs_read(const char *path, uint32 off, void *buf, uint32 len);
long fs_write(const char *path, uint32 off, const void *buf, uint32 len);
long fs_create(const char *path);
long fs_mkdir(const char *path);
long fs_remove(const char *path);
long fs_list(const char *path, void (*fn)(const char *name, void *arg), void *arg);
bool fs_writable(void);

#endif
