// lx_fd.c: file descriptors of the Linux personality: the console on 0, 1
// and 2, pipes, and an epoll that waits on pipes with a timeout, which is
// how Go 1.19's runtime sleeps (epoll_pwait) and is woken (a byte down a
// pipe), and read-only files of the R6 disk through the kernel's ring1
// core (fscore.c), which openat opens and read reads from an offset.
// Readiness is level-triggered (EPOLLET is accepted and ignored: a caller
// that asked for edges sees extra events, never fewer). Every wait sleeps
// at most a second at a time on one channel that every pipe change wakes.
#include "types.h"
#include "defs.h"
#include "mmu.h"
#include "proc.h"
#include "spinlock.h"
#include "lx.h"
#include "rfs.h"

#define O_WRONLY 1
#define O_RDWR 2
#define O_NONBLOCK 0x800
#define O_CLOEXEC 0x80000
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define EPOLLIN 0x1
#define EPOLLOUT 0x4
#define EPOLLERR 0x8
#define EPOLLHUP 0x10
#define EPOLL_CTL_ADD 1
#define EPOLL_CTL_DEL 2
#define EPOLL_CTL_MOD 3
#define LX_EPIPE 32
#define LX_ENFILE 23
#define LX_EIO 5
#define LX_ENOTDIR 20
#define LX_EISDIR 21
#define LX_EROFS 30
#define LX_ENAMETOOLONG 36
#define O_ACCMODE 3
#define O_CREAT 0x40
#define O_TRUNC 0x200
#define O_DIRECTORY 0x10000
#define AT_FDCWD (-100)
#define FILE_READ_MAX 4096 // bytes per read of a disk file: one bounce page

#define PIPE_BUF_SIZE 512
#define NPIPE 16
#define NEPOLL 16
#define NFILE 64
#define EPOLL_ITEMS 8
#define WAIT_SLICE TIMER_HZ // ticks: one second

enum lx_kind { F_FREE, F_CONSOLE, F_PIPE_R, F_PIPE_W, F_EPOLL, F_FILE };

struct lx_pipe {
	bool used;
	uint8 buf[PIPE_BUF_SIZE];
	uint32 head, count; // ring: bytes [head, head + count)
	int readers, writers;
};

struct lx_epoll_item {
	int fd;
	uint32 events;
	uint64 data;
};

struct lx_epoll {
	bool used;
	int n;
	struct lx_epoll_item item[EPOLL_ITEMS];
};

struct lx_file {
	enum lx_kind kind;
	uint32 flags; // O_NONBLOCK and the access mode
	struct lx_pipe *pipe;
	struct lx_epoll *ep;
	// F_FILE: the disk file by path (the core looks it up on each read),
	// its size and type when opened, and the read offset.
	char path[SPAWN_PATH_MAX];
	uint32 size;
	bool is_dir;
	uint64 off;
};

struct lx_epoll_event {
	uint32 events;
	uint64 data;
} __attribute__((packed));

// lx_fd_lock guards every pool below and every process's fd table.
static struct spinlock lx_fd_lock = SPINLOCK_INIT("lx_fd");
static struct lx_file files[NFILE];
static struct lx_pipe pipes[NPIPE];
static struct lx_epoll epolls[NEPOLL];
static struct lx_file console = {F_CONSOLE, O_RDWR, NULL, NULL, {0}, 0, false, 0}; // shared
static int poll_chan; // woken by every pipe change

static struct lx_file *file_alloc(enum lx_kind kind, uint32 flags)
{
	for (int i = 0; i < NFILE; i++)
		if (files[i].kind == F_FREE) {
			files[i] = (struct lx_file){.kind = kind, .flags = flags};
			return &files[i];
		}
	return NULL;
}

// Drop one file. Caller holds lx_fd_lock.
static void file_put(struct lx_file *f)
{
	if (f == NULL || f == &console)
		return;
	if (f->kind == F_PIPE_R && --f->pipe->readers == 0 && f->pipe->writers == 0)
		f->pipe->used = false;
	if (f->kind == F_PIPE_W && --f->pipe->writers == 0 && f->pipe->readers == 0)
		f->pipe->used = false;
	if (f->kind == F_EPOLL)
		f->ep->used = false;
	f->kind = F_FREE;
	wakeup(&poll_chan);
}

// A new process's table: the console on 0, 1 and 2.
void lx_fd_init(struct lx_proc *lx)
{
	for (int i = 0; i < 3; i++)
		lx->fd[i] = &console;
}

// Close every fd of a dying process.
void lx_fd_release(struct lx_proc *lx)
{
	acquire(&lx_fd_lock);
	for (int i = 0; i < LX_NFD; i++) {
		file_put(lx->fd[i]);
		lx->fd[i] = NULL;
	}
	release(&lx_fd_lock);
}

// The file of fd in the running process, or NULL. Caller holds lx_fd_lock.
static struct lx_file *fd_get(uint64 fd)
{
	return fd < LX_NFD ? lx_me()->fd[fd] : NULL;
}

// Install f at the lowest free fd. Returns it or -EMFILE. Caller holds
// lx_fd_lock.
static int fd_install(struct lx_file *f)
{
	struct lx_proc *lx = lx_me();
	for (int i = 0; i < LX_NFD; i++)
		if (lx->fd[i] == NULL) {
			lx->fd[i] = f;
			return i;
		}
	return -LX_EMFILE;
}

// Sleep up to one slice, or until the absolute deadline if sooner (0:
// none). Caller holds lx_fd_lock. Returns -EINTR if the process is killed.
static int64 wait_slice(uint64 deadline)
{
	uint64 until = timer_ticks() + WAIT_SLICE;
	if (deadline && deadline < until)
		until = deadline;
	sleep_until(&poll_chan, &lx_fd_lock, until);
	return myproc()->killed ? -LX_EINTR : 0;
}

// Read from a pipe into user buf; waits unless O_NONBLOCK. Caller holds
// lx_fd_lock.
static int64 pipe_read(struct lx_file *f, uint64 buf, uint64 n)
{
	struct lx_pipe *p = f->pipe;
	while (p->count == 0) {
		if (p->writers == 0)
			return 0;
		if (f->flags & O_NONBLOCK)
			return -LX_EAGAIN;
		int64 err = wait_slice(0);
		if (err < 0)
			return err;
	}
	uint8 tmp[PIPE_BUF_SIZE];
	uint32 k = n < p->count ? (uint32)n : p->count;
	for (uint32 i = 0; i < k; i++)
		tmp[i] = p->buf[(p->head + i) % PIPE_BUF_SIZE];
	if (copyout(myproc()->pml4, buf, tmp, k) < 0)
		return -LX_EFAULT;
	p->head = (p->head + k) % PIPE_BUF_SIZE;
	p->count -= k;
	wakeup(&poll_chan);
	return k;
}

// Write user buf to a pipe; waits for room unless O_NONBLOCK. A short write
// is possible, as on Linux for more than PIPE_BUF bytes.
static int64 pipe_write(struct lx_file *f, uint64 buf, uint64 n)
{
	struct lx_pipe *p = f->pipe;
	while (p->count == PIPE_BUF_SIZE) {
		if (p->readers == 0)
			return -LX_EPIPE;
		if (f->flags & O_NONBLOCK)
			return -LX_EAGAIN;
		int64 err = wait_slice(0);
		if (err < 0)
			return err;
	}
	if (p->readers == 0)
		return -LX_EPIPE;
	uint8 tmp[PIPE_BUF_SIZE];
	uint32 k = n < PIPE_BUF_SIZE - p->count ? (uint32)n : PIPE_BUF_SIZE - p->count;
	if (copyin(myproc()->pml4, tmp, buf, k) < 0)
		return -LX_EFAULT;
	for (uint32 i = 0; i < k; i++)
		p->buf[(p->head + p->count + i) % PIPE_BUF_SIZE] = tmp[i];
	p->count += k;
	wakeup(&poll_chan);
	return k;
}

// Copy n bytes of user buf to the console in one piece per 256 bytes.
static int64 console_write(uint64 buf, uint64 n)
{
	char tmp[257];
	for (uint64 done = 0; done < n;) {
		uint64 k = n - done < 256 ? n - done : 256;
		if (copyin(myproc()->pml4, tmp, buf + done, k) < 0)
			return done ? (int64)done : -LX_EFAULT;
		tmp[k] = '\0';
		kprintf("%s", tmp);
		done += k;
	}
	return (int64)n;
}

// Read up to n bytes of disk file f (fd) at its offset into user buf. The
// core sleeps on the disk, so lx_fd_lock is dropped around it; the offset
// moves only if fd still holds f afterwards. Caller holds lx_fd_lock; it
// is held again on return.
static int64 file_read(uint64 fd, struct lx_file *f, uint64 buf, uint64 n)
{
	char path[SPAWN_PATH_MAX];
	uint64 off = f->off;
	if (f->is_dir)
		return -LX_EISDIR;
	if (off >= f->size)
		return 0;
	memcpy(path, f->path, sizeof(path));
	release(&lx_fd_lock);
	uint8 *page = kalloc();
	int got = page ? fs_core_read(path, (uint32)off, page,
				      n < FILE_READ_MAX ? (uint32)n : FILE_READ_MAX)
		       : ERR_NOMEM;
	int64 ret = got;
	if (got == ERR_NOMEM)
		ret = -LX_ENOMEM;
	else if (got < 0)
		ret = -LX_EIO; // the file went away or the disk failed
	else if (got > 0 && copyout(myproc()->pml4, buf, page, (uint64)got) < 0)
		ret = -LX_EFAULT;
	if (page)
		kfree(page);
	acquire(&lx_fd_lock);
	if (ret > 0 && fd_get(fd) == f)
		f->off = off + (uint64)ret;
	return ret;
}

// read(fd, buf, n): pipes and disk files; the console reads as end of file.
int64 lx_sys_read(const uint64 *a)
{
	int64 ret;
	acquire(&lx_fd_lock);
	struct lx_file *f = fd_get(a[0]);
	if (f == NULL || f->kind == F_PIPE_W || f->kind == F_EPOLL)
		ret = -LX_EBADF;
	else if (a[2] == 0 || f->kind == F_CONSOLE)
		ret = 0;
	else if (f->kind == F_FILE)
		ret = file_read(a[0], f, a[1], a[2]);
	else
		ret = pipe_read(f, a[1], a[2]);
	release(&lx_fd_lock);
	return ret;
}

// write(fd, buf, n): the console or a pipe.
int64 lx_sys_write(const uint64 *a)
{
	int64 ret;
	acquire(&lx_fd_lock);
	struct lx_file *f = fd_get(a[0]);
	if (f == NULL || f->kind == F_PIPE_R || f->kind == F_EPOLL || f->kind == F_FILE)
		ret = -LX_EBADF; // disk files open read-only
	else if (a[2] == 0)
		ret = 0;
	else if (f->kind == F_PIPE_W)
		ret = pipe_write(f, a[1], a[2]);
	else
		ret = console_write(a[1], a[2]);
	release(&lx_fd_lock);
	return ret;
}

int64 lx_sys_close(const uint64 *a)
{
	int64 ret = -LX_EBADF;
	acquire(&lx_fd_lock);
	struct lx_file *f = fd_get(a[0]);
	if (f) {
		lx_me()->fd[a[0]] = NULL;
		file_put(f);
		ret = 0;
	}
	release(&lx_fd_lock);
	return ret;
}

// fcntl(fd, cmd, arg): F_GETFD/F_SETFD (close-on-exec is moot: no exec),
// F_GETFL and F_SETFL's O_NONBLOCK.
int64 lx_sys_fcntl(const uint64 *a)
{
	int64 ret = -LX_EINVAL;
	acquire(&lx_fd_lock);
	struct lx_file *f = fd_get(a[0]);
	if (f == NULL)
		ret = -LX_EBADF;
	else if (a[1] == F_GETFL)
		ret = f->flags;
	else if (a[1] == F_GETFD || a[1] == F_SETFD || a[1] == F_SETFL) {
		// The console is shared and never blocks (a write goes out, a
		// read is end of file): its flags stay as they are.
		if (a[1] == F_SETFL && f != &console)
			f->flags = (f->flags & ~(uint32)O_NONBLOCK) | ((uint32)a[2] & O_NONBLOCK);
		ret = 0;
	}
	release(&lx_fd_lock);
	return ret;
}

// pipe2(fds, flags): flags O_NONBLOCK and O_CLOEXEC.
int64 lx_sys_pipe2(const uint64 *a)
{
	if (a[1] & ~(uint64)(O_NONBLOCK | O_CLOEXEC))
		return -LX_EINVAL;
	uint32 nb = (uint32)a[1] & O_NONBLOCK;
	int64 ret = -LX_ENFILE;
	acquire(&lx_fd_lock);
	struct lx_pipe *p = NULL;
	for (int i = 0; i < NPIPE && !p; i++)
		if (!pipes[i].used)
			p = &pipes[i];
	struct lx_file *r = p ? file_alloc(F_PIPE_R, nb) : NULL;
	struct lx_file *w = r ? file_alloc(F_PIPE_W, nb | O_WRONLY) : NULL;
	if (w) {
		*p = (struct lx_pipe){.used = true, .readers = 1, .writers = 1};
		r->pipe = w->pipe = p;
		int fds[2] = {fd_install(r), -1};
		fds[1] = fds[0] < 0 ? -1 : fd_install(w);
		if (fds[1] >= 0 && copyout(myproc()->pml4, a[0], fds, sizeof(fds)) == 0)
			ret = 0;
		else
			ret = fds[1] < 0 ? -LX_EMFILE : -LX_EFAULT;
		if (ret < 0) {
			for (int i = 0; i < 2; i++)
				if (fds[i] >= 0)
					lx_me()->fd[fds[i]] = NULL;
			file_put(r);
			file_put(w);
		}
	} else if (r) {
		r->kind = F_FREE;
	}
	release(&lx_fd_lock);
	return ret;
}

// openat(dirfd, path, flags, mode): a file or directory of the R6 disk,
// read-only. Relative paths start at "/" (the only working directory) and
// need dirfd AT_FDCWD. No disk, or no such path: -ENOENT.
int64 lx_sys_openat(const uint64 *a)
{
	char path[SPAWN_PATH_MAX];
	uint32 type, size;
	int n = copyinstr(myproc()->pml4, path + 1, a[1], sizeof(path) - 1);
	if (n == ERR_FAULT)
		return -LX_EFAULT;
	if (n < 0)
		return -LX_ENAMETOOLONG;
	char *p = path + 1;
	if (*p != '/') {
		if ((int)a[0] != AT_FDCWD)
			return -LX_ENOTDIR;
		*--p = '/';
	}
	if ((a[2] & O_ACCMODE) != 0 || (a[2] & (O_CREAT | O_TRUNC)))
		return -LX_EROFS;
	int err = fs_core_stat(p, &type, &size);
	if (err == ERR_NOTFOUND || err == ERR_NODEV)
		return -LX_ENOENT;
	if (err < 0)
		return -LX_EIO;
	if ((a[2] & O_DIRECTORY) && type != RFS_T_DIR)
		return -LX_ENOTDIR;
	int64 ret = -LX_ENFILE;
	acquire(&lx_fd_lock);
	struct lx_file *f = file_alloc(F_FILE, (uint32)a[2] & O_NONBLOCK);
	if (f) {
		memcpy(f->path, p, strlen(p) + 1);
		f->size = size;
		f->is_dir = type == RFS_T_DIR;
		if ((ret = fd_install(f)) < 0)
			f->kind = F_FREE;
	}
	release(&lx_fd_lock);
	return ret;
}

// struct stat of x86-64 Linux: only what the personality can say.
struct lx_stat {
	uint64 dev, ino, nlink;
	uint32 mode, uid, gid, pad0;
	uint64 rdev;
	int64 size, blksize, blocks;
	uint64 times[6]; // atime, mtime, ctime: seconds and nanoseconds
	int64 reserved[3];
};

#define S_IFIFO 0010000
#define S_IFCHR 0020000
#define S_IFDIR 0040000
#define S_IFREG 0100000

// fstat(fd, st): the type and size of an fd (disk files 0444, directories
// 0555, the console a character device, pipes FIFOs); times are zero.
int64 lx_sys_fstat(const uint64 *a)
{
	struct lx_stat st;
	memset(&st, 0, sizeof(st));
	acquire(&lx_fd_lock);
	struct lx_file *f = fd_get(a[0]);
	int64 ret = f ? 0 : -LX_EBADF;
	if (f) {
		st.nlink = 1;
		st.blksize = PGSIZE;
		if (f->kind == F_FILE) {
			st.mode = f->is_dir ? S_IFDIR | 0555 : S_IFREG | 0444;
			st.size = f->size;
			st.blocks = (f->size + 511) / 512;
		} else if (f->kind == F_CONSOLE) {
			st.mode = S_IFCHR | 0620;
		} else if (f->kind == F_EPOLL) {
			st.mode = 0600; // an anonymous inode, as on Linux
		} else {
			st.mode = S_IFIFO | 0600;
		}
	}
	release(&lx_fd_lock);
	if (ret == 0 && copyout(myproc()->pml4, a[1], &st, sizeof(st)) < 0)
		ret = -LX_EFAULT;
	return ret;
}

int64 lx_sys_epoll_create1(const uint64 *a)
{
	if (a[0] & ~(uint64)O_CLOEXEC)
		return -LX_EINVAL;
	int64 ret = -LX_ENFILE;
	acquire(&lx_fd_lock);
	struct lx_epoll *ep = NULL;
	for (int i = 0; i < NEPOLL && !ep; i++)
		if (!epolls[i].used)
			ep = &epolls[i];
	struct lx_file *f = ep ? file_alloc(F_EPOLL, O_RDWR) : NULL;
	if (f) {
		*ep = (struct lx_epoll){.used = true};
		f->ep = ep;
		if ((ret = fd_install(f)) < 0)
			file_put(f);
	}
	release(&lx_fd_lock);
	return ret;
}

// The item of ep watching fd, or -1.
static int epoll_item(const struct lx_epoll *ep, int fd)
{
	for (int i = 0; i < ep->n; i++)
		if (ep->item[i].fd == fd)
			return i;
	return -1;
}

// epoll_ctl(epfd, op, fd, event): ADD, MOD and DEL, EPOLL_ITEMS per epoll.
int64 lx_sys_epoll_ctl(const uint64 *a)
{
	struct lx_epoll_event ev = {0, 0};
	if (a[1] != EPOLL_CTL_DEL && copyin(myproc()->pml4, &ev, a[3], sizeof(ev)) < 0)
		return -LX_EFAULT;
	int64 ret = 0;
	acquire(&lx_fd_lock);
	struct lx_file *f = fd_get(a[0]), *target = fd_get(a[2]);
	if (f == NULL || target == NULL) {
		ret = -LX_EBADF;
	} else if (f->kind != F_EPOLL || target == f) {
		ret = -LX_EINVAL;
	} else if (target->kind == F_FILE) {
		ret = -LX_EPERM; // as Linux says of a regular file; Go then reads it directly
	} else {
		struct lx_epoll *ep = f->ep;
		int i = epoll_item(ep, (int)a[2]);
		if (a[1] == EPOLL_CTL_ADD && i >= 0)
			ret = -LX_EEXIST;
		else if (a[1] == EPOLL_CTL_ADD && ep->n == EPOLL_ITEMS)
			ret = -LX_ENOMEM;
		else if (a[1] == EPOLL_CTL_ADD)
			ep->item[ep->n++] = (struct lx_epoll_item){(int)a[2], ev.events, ev.data};
		else if (i < 0)
			ret = a[1] == EPOLL_CTL_MOD || a[1] == EPOLL_CTL_DEL ? -LX_ENOENT
									     : -LX_EINVAL;
		else if (a[1] == EPOLL_CTL_MOD)
			ep->item[i] = (struct lx_epoll_item){(int)a[2], ev.events, ev.data};
		else if (a[1] == EPOLL_CTL_DEL)
			ep->item[i] = ep->item[--ep->n];
		else
			ret = -LX_EINVAL;
	}
	release(&lx_fd_lock);
	return ret;
}

// The events fd is ready for now. Caller holds lx_fd_lock.
static uint32 ready(int fd)
{
	struct lx_file *f = fd_get((uint64)fd);
	if (f == NULL)
		return 0;
	switch (f->kind) {
	case F_PIPE_R: return (f->pipe->count ? EPOLLIN : 0) | (f->pipe->writers ? 0 : EPOLLHUP);
	case F_PIPE_W:
		return (f->pipe->count < PIPE_BUF_SIZE ? EPOLLOUT : 0) |
		       (f->pipe->readers ? 0 : EPOLLERR);
	case F_CONSOLE: return EPOLLOUT;
	default: return 0;
	}
}

// Fill up to max events of ep into ev. Caller holds lx_fd_lock.
static int collect(const struct lx_epoll *ep, struct lx_epoll_event *ev, int max)
{
	int n = 0;
	for (int i = 0; i < ep->n && n < max; i++) {
		uint32 r = ready(ep->item[i].fd) & (ep->item[i].events | EPOLLERR | EPOLLHUP);
		if (r)
			ev[n++] = (struct lx_epoll_event){r, ep->item[i].data};
	}
	return n;
}

// epoll_pwait(epfd, events, maxevents, timeout_ms, sigmask, size): wait
// until a watched fd is ready or timeout_ms passes (-1: no limit; the
// sigmask is ignored, no signal is delivered). Returns the event count.
int64 lx_sys_epoll_pwait(const uint64 *a)
{
	struct lx_epoll_event ev[EPOLL_ITEMS];
	int64 timeout = (int32)a[3], ret;
	if ((int32)a[2] <= 0)
		return -LX_EINVAL;
	int max = (int32)a[2] < EPOLL_ITEMS ? (int32)a[2] : EPOLL_ITEMS;
	uint64 deadline = 0;
	if (timeout > 0)
		deadline = timer_ticks() + ((uint64)timeout * TIMER_HZ + 999) / 1000;
	acquire(&lx_fd_lock);
	struct lx_file *f = fd_get(a[0]);
	if (f == NULL || f->kind != F_EPOLL) {
		release(&lx_fd_lock);
		return f ? -LX_EINVAL : -LX_EBADF;
	}
	for (;;) {
		ret = collect(f->ep, ev, max);
		if (ret > 0 || timeout == 0 || (deadline && timer_ticks() >= deadline))
			break;
		if ((ret = wait_slice(deadline)) < 0)
			break;
		if ((f = fd_get(a[0])) == NULL || f->kind != F_EPOLL) {
			ret = -LX_EBADF; // closed by another thread meanwhile
			break;
		}
	}
	release(&lx_fd_lock);
	if (ret > 0 && copyout(myproc()->pml4, a[1], ev, (uint64)ret * sizeof(ev[0])) < 0)
		return -LX_EFAULT;
	return ret;
}
