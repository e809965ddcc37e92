// fsclient.c: fsd requests for user programs. The service endpoint is
// looked up once; the reply endpoint is made once and carried with every
// request (ipc_send_carry), so fsd can answer without a name of its own.
// When no fsd is registered (the kernel fell back to the ring1 provider,
// rugo.fs=auto or core), reads are answered by the kernel's read-only core
// (fs_stat, fs_read calls) and writes get ERR_NODEV.
// One request at a time: the buffers are static.
#include "user.h"
#include "fsd_proto.h"
#include "fsclient.h"

static long fsd_ep = -1, reply_ep = -1;
static struct fsd_request rq;
static struct fsd_reply rp;

// Directory slots of path from slot on, as FSD_LIST answers, from the
// kernel's core: the raw entries, and a stat of each for its type.
static long core_list(const char *path, uint32 slot)
{
	struct rfs_dirent e;
	char child[RFS_PATH_MAX];
	uint32 st[2];
	for (;; slot++) {
		long n = fs_core_read(path, slot * (uint32)sizeof(e), &e, sizeof(e));
		if (n < 0)
			return n;
		if (n < (long)sizeof(e))
			break;
		e.name[RFS_NAME_MAX] = '\0';
		size_t len = strlen(e.name);
		if (e.inode == 0)
			continue;
		if (rp.len + len + 2 > FSD_DATA_MAX)
			break;
		fmt_snprintf(child, sizeof(child), "%s/%s", strcmp(path, "/") ? path : "", e.name);
		memcpy(rp.data + rp.len, e.name, len);
		rp.len += (uint32)len;
		if (fs_core_stat(child, st) == 0 && st[0] == RFS_T_DIR)
			rp.data[rp.len++] = '/';
		rp.data[rp.len++] = '\0';
	}
	rp.size = slot;
	return 0;
}

// The read-only fallback: a request answered by the kernel's ring1 core.
static long core_call(uint32 op, const char *path, uint32 off, uint32 len)
{
	uint32 st[2];
	if (op != FSD_STAT && op != FSD_READ && op != FSD_LIST)
		return ERR_NODEV; // the core never writes
	long err = fs_core_stat(path, st);
	memset(&rp, 0, sizeof(rp));
	if (err < 0)
		return err;
	rp.type = st[0];
	rp.size = st[1];
	if (op == FSD_STAT)
		return 0;
	if (op == FSD_READ && st[0] == RFS_T_FILE) {
		err = fs_core_read(path, off, rp.data, len);
		rp.len = err > 0 ? (uint32)err : 0;
		return err < 0 ? err : 0;
	}
	if (op == FSD_LIST && st[0] == RFS_T_DIR)
		return core_list(path, off);
	return ERR_INVAL;
}

// Find fsd (once). Returns whether it is there.
static bool fsd_connect(void)
{
	if (fsd_ep < 0)
		fsd_ep = svc_lookup(FSD_SERVICE);
	return fsd_ep >= 0;
}

bool fs_writable(void)
{
	return fsd_connect();
}

// Send one request and wait for its reply (in rp). Returns rp.status or
// an IPC error.
static long fs_call(uint32 op, const char *path, uint32 off, const void *data, uint32 len)
{
	size_t n = strlen(path);
	if (n >= RFS_PATH_MAX || len > FSD_DATA_MAX)
		return ERR_INVAL;
	if (!fsd_connect()) {
		long err = fsd_ep;
		fsd_ep = -1;
		return err == ERR_NOTFOUND ? core_call(op, path, off, len) : err;
	}
	if (reply_ep < 0 && (reply_ep = ipc_create()) < 0) {
		long err = reply_ep;
		reply_ep = -1;
		return err;
	}
	memset(&rq, 0, sizeof(rq));
	rq.op = op;
	rq.offset = off;
	rq.len = len;
	memcpy(rq.path, path, n + 1);
	if (data)
		memcpy(rq.data, data, len);
	long err = ipc_send_carry(fsd_ep, &rq, sizeof(rq), reply_ep);
	if (err == 0)
		err = ipc_recv(reply_ep, &rp, sizeof(rp));
	if (err < 0)
		return err;
	return err == sizeof(rp) ? rp.status : ERR_INVAL;
}

long fs_stat(const char *path, uint32 *size, uint32 *type)
{
	long err = fs_call(FSD_STAT, path, 0, NULL, 0);
	if (err == 0) {
		*size = rp.size;
		*type = rp.type;
	}
	return err;
}

// Read up to len bytes from off; returns the count (short at the end).
long fs_read(const char *path, uint32 off, void *buf, uint32 len)
{
	uint32 done = 0;
	while (done < len) {
		uint32 n = len - done < FSD_DATA_MAX ? len - done : FSD_DATA_MAX;
		long err = fs_call(FSD_READ, path, off + done, NULL, n);
		if (err < 0)
			return err;
		if (rp.len == 0 || rp.len > n)
			break;
		memcpy((uint8 *)buf + done, rp.data, rp.len);
		done += rp.len;
	}
	return done;
}

long fs_write(const char *path, uint32 off, const void *buf, uint32 len)
{
	uint32 done = 0;
	while (done < len) {
		uint32 n = len - done < FSD_DATA_MAX ? len - done : FSD_DATA_MAX;
		long err = fs_call(FSD_WRITE, path, off + done, (const uint8 *)buf + done, n);
		if (err < 0)
			return err;
		done += n;
	}
	return done;
}

long fs_create(const char *path)
{
	return fs_call(FSD_CREATE, path, 0, NULL, 0);
}

long fs_mkdir(const char *path)
{
	return fs_call(FSD_MKDIR, path, 0, NULL, 0);
}

long fs_remove(const char *path)
{
	return fs_call(FSD_REMOVE, path, 0, NULL, 0);
}

// Call fn(name, arg) for every entry of directory path (directories end
// in '/'). fn may make fs_ calls of its own (not fs_list). Returns the
// number of entries or an error.
long fs_list(const char *path, void (*fn)(const char *name, void *arg), void *arg)
{
	static char names[FSD_DATA_MAX + 1];
	uint32 slot = 0;
	long count = 0;
	for (;;) {
		long err = fs_call(FSD_LIST, path, slot, NULL, 0);
		if (err < 0)
			return err;
		uint32 len = rp.len, next = rp.size; // fn's own calls reuse rp
		if (len == 0 || next <= slot)
			return count;
		memcpy(names, rp.data, len);
		names[len] = '\0';
		for (uint32 at = 0; at < len; at += (uint32)strlen(names + at) + 1, count++)
			fn(names + at, arg);
		slot = next;
	}
}
