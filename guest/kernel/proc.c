// proc.c: user processes. A process is an address space (uvm.c), a handle
// table and one or more threads (thread.c) that enter ring 3 through a
// trap frame at the top of their kernel stack. The last thread to leave
// tears the process down; a scenario waits for that with proc_wait.
#include "types.h"
#include "x86.h"
#include "defs.h"
#include "mmu.h"
#include "proc.h"
#include "spinlock.h"
#include "trap.h"
#include "lx.h"

struct spinlock proc_lock = SPINLOCK_INIT("proc");
static struct proc procs[NPROC];
static int next_pid = 1;

#define USER_STACK_SIZE (16 * 1024)

// The running thread's process, or NULL in a kernel thread.
struct proc *myproc(void)
{
	return cpu.thread ? cpu.thread->proc : NULL;
}

// Claim a process slot. Returns it ALIVE with a pid, or NULL if full.
static struct proc *proc_alloc(const char *name)
{
	struct proc *p = NULL;
	acquire(&proc_lock);
	for (int i = 0; i < NPROC && !p; i++)
		if (procs[i].state == P_UNUSED)
			p = &procs[i];
	if (p) {
		memset(p, 0, sizeof(*p));
		p->state = P_ALIVE;
		p->pid = next_pid++;
		p->mmap_next = USER_MMAP_BASE;
		fmt_snprintf(p->name, sizeof(p->name), "%s", name);
	}
	release(&proc_lock);
	return p;
}

// Build the address space of a program from its ELF image: segments and
// first stack. With args (len bytes, at most SPAWN_ARGS_MAX), they are
// copied to the top of the stack, NUL-terminated, and *arg becomes their
// address. Returns 0, the entry point and the stack top, or an error.
static int proc_load(struct proc *p, const uint8 *image, uint64 size, const char *args, uint64 len,
		     uint64 *entry, uint64 *stack_top, uint64 *arg)
{
	if ((p->pml4 = uvm_create()) == NULL)
		return ERR_NOMEM;
	if (p->lx) // the Linux personality builds its own stack (lx_exec.c)
		return lx_load(p, image, size, entry, stack_top);
	int err = exec_load(p->pml4, image, size, entry);
	if (err < 0)
		return err;
	if (uvm_alloc(p->pml4, USER_STACK_TOP - USER_STACK_SIZE, USER_STACK_SIZE, PTE_W | PTE_NX) <
	    0)
		return ERR_NOMEM;
	*stack_top = USER_STACK_TOP;
	if (args) {
		char copy[SPAWN_ARGS_MAX + 1];
		memcpy(copy, args, len);
		copy[len] = '\0';
		*stack_top = USER_STACK_TOP - SPAWN_ARGS_MAX - 16; // stays 16-byte aligned
		*arg = *stack_top;
		if (copyout(p->pml4, *arg, copy, len + 1) < 0)
			return ERR_NOMEM;
	}
	return 0;
}

// Start the ELF image as process `name` with one thread. rdi gets arg, or
// the address of a copy of args when args is not NULL. Returns the pid or
// a negative error.
static int proc_start(const char *name, const uint8 *image, uint64 size, uint64 arg,
		      const char *args, uint64 len, int parent, bool linux)
{
	struct proc *p = proc_alloc(name);
	uint64 entry, stack_top;
	if (p == NULL)
		return ERR_FULL;
	p->parent = parent;
	if (linux && (p->lx = lx_proc_alloc()) == NULL) {
		acquire(&proc_lock);
		p->state = P_UNUSED;
		release(&proc_lock);
		return ERR_FULL;
	}
	int err = proc_load(p, image, size, args, len, &entry, &stack_top, &arg);
	if (err == 0) {
		push_off(); // the thread must not run (and exit) before main_tid is set
		err = p->main_tid = proc_add_thread(p, entry, stack_top, arg);
		pop_off();
	}
	if (err < 0) {
		if (p->pml4)
			uvm_destroy(p->pml4);
		lx_proc_free(p);
		acquire(&proc_lock);
		p->state = P_UNUSED;
		release(&proc_lock);
		return err;
	}
	kprintf("proc: pid %d (%s) started\n", p->pid, p->name);
	return p->pid;
}

// Start embedded program `name` for the kernel, with arg in rdi (main's
// argument). Returns the pid, or a negative error.
int proc_spawn(const char *name, uint64 arg)
{
	const uint8 *image;
	uint64 size;
	int err = exec_embedded(name, &image, &size);
	return err < 0 ? err : proc_start(name, image, size, arg, NULL, 0, 0, false);
}

// Start embedded program `name`, a static Linux ELF, with the Linux
// personality (lx.h) for the kernel. Returns the pid or a negative error.
int proc_spawn_linux(const char *name)
{
	const uint8 *image;
	uint64 size;
	int err = exec_embedded(name, &image, &size);
	return err < 0 ? err : proc_spawn_linux_image(name, image, size);
}

// Start the Linux ELF image (size bytes, 8-byte aligned) as process name
// with the personality. Returns the pid or a negative error.
int proc_spawn_linux_image(const char *name, const uint8 *image, uint64 size)
{
	return proc_start(name, image, size, 0, NULL, 0, 0, true);
}

// The last component of path, for the process name.
static const char *proc_basename(const char *path)
{
	const char *base = path;
	for (const char *s = path; *s; s++)
		if (*s == '/')
			base = s + 1;
	return base;
}

// Start the program at path on the disk, read by the ring1 filesystem
// core, with the argument string args (len bytes), as a child of parent
// (a pid, or 0 for the kernel). Returns the pid or a negative error.
int proc_spawn_file(const char *path, const char *args, uint64 len, int parent)
{
	const uint8 *image;
	uint64 size;
	if (len > SPAWN_ARGS_MAX)
		return ERR_INVAL;
	int err = fs_core_open(path, &image, &size);
	if (err < 0)
		return err;
	err = proc_start(proc_basename(path), image, size, 0, args ? args : "", len, parent, false);
	fs_core_close();
	return err;
}

// Add a user thread to p entering at entry with rsp = stack_top and
// rdi = arg. Returns the thread id, or ERR_FULL.
int proc_add_thread(struct proc *p, uint64 entry, uint64 stack_top, uint64 arg)
{
	struct trapframe tf;
	memset(&tf, 0, sizeof(tf));
	tf.rip = entry;
	tf.rsp = stack_top;
	tf.rdi = arg;
	return proc_add_thread_tf(p, &tf, 0);
}

// Add a user thread to p that enters ring 3 with the registers of *tf and
// FS base fsbase (a Linux clone). Returns the thread id, or ERR_FULL.
int proc_add_thread_tf(struct proc *p, const struct trapframe *tf, uint64 fsbase)
{
	acquire(&proc_lock);
	p->nthreads++;
	release(&proc_lock);
	struct thread *t = thread_create_user_tf(p, tf, fsbase);
	if (t)
		return t->tid;
	acquire(&proc_lock);
	p->nthreads--;
	release(&proc_lock);
	return ERR_FULL;
}

// Drop every handle and shm mapping reference of a dead process.
static void proc_release_objects(struct proc *p)
{
	for (int i = 0; i < NHANDLE; i++)
		if (p->handles[i].kind != H_NONE)
			kobj_put(p->handles[i].kind, p->handles[i].obj);
	for (int i = 0; i < NSHM_MAP; i++)
		if (p->shm_maps[i].shm)
			kobj_put(H_SHM, p->shm_maps[i].shm);
	memset(p->handles, 0, sizeof(p->handles));
	memset(p->shm_maps, 0, sizeof(p->shm_maps));
}

// Its children outlive p: zombies nobody will wait for are freed, live
// ones are marked orphans (freed when they exit). Caller holds proc_lock.
static void proc_orphan_children(struct proc *p)
{
	for (int i = 0; i < NPROC; i++) {
		if (procs[i].state == P_UNUSED || procs[i].parent != p->pid)
			continue;
		if (procs[i].state == P_ZOMBIE)
			procs[i].state = P_UNUSED;
		else
			procs[i].parent = -1;
	}
}

// Free p's address space and objects and wake proc_wait. The calling
// thread has detached (proc_thread_exit), so no switch loads the freed
// tables for it.
static void proc_teardown(struct proc *p)
{
	vm_switch(kernel_pml4);
	uvm_destroy(p->pml4);
	p->pml4 = NULL;
	lx_proc_free(p);
	acquire(&proc_lock);
	proc_release_objects(p);
	proc_orphan_children(p);
	p->state = p->parent < 0 ? P_UNUSED : P_ZOMBIE;
	release(&proc_lock);
	kprintf("proc: pid %d (%s) exited code=%d\n", p->pid, p->name, p->exit_code);
	wakeup(p);
}

// End the calling user thread with code; the last one out tears the
// process down. The first thread's code (its low 8 bits) is the process's
// exit code, unless a trap killed it. Never returns.
void proc_thread_exit(int64 code)
{
	struct proc *p = myproc();
	acquire(&proc_lock);
	if (cpu.thread->tid == p->main_tid && !p->killed)
		p->exit_code = (int)(code & 0xff);
	bool last = --p->nthreads == 0;
	// Detach while the lock keeps interrupts off. Once it is dropped the
	// timer may preempt this thread before thread_exit; if another thread
	// of p is the last out meanwhile, p's tables are freed, and the
	// scheduler must not load them (p->pml4 is then NULL: CR3 = 0, a
	// triple fault) when it runs this thread again.
	cpu.thread->proc = NULL;
	release(&proc_lock);
	if (proc_exit_preempt && !last)
		yield();
	if (last)
		proc_teardown(p);
	thread_exit();
}

// Test hook (scenario thread_exit_race): every exiting thread but the last
// yields in the window above, where otherwise only a timer tick preempts it.
bool proc_exit_preempt;

// Mark p killed: its threads leave at their next return towards ring 3,
// and sleeping ones are woken to notice.
void proc_kill(struct proc *p)
{
	acquire(&proc_lock);
	p->killed = true;
	release(&proc_lock);
	thread_wake_proc(p);
}

// Has the running thread's process been killed?
bool proc_killed(void)
{
	struct proc *p = myproc();
	acquire(&proc_lock);
	bool k = p && p->killed;
	release(&proc_lock);
	return k;
}

// A CPU exception in ring 3: the process dies, the kernel carries on. One
// marker names the pid, the reason and, for a page fault, the address.
void proc_user_fault(struct trapframe *tf)
{
	struct proc *p = myproc();
	if (tf->vector == T_PAGE_FAULT)
		kprintf("USER: killed pid=%d reason=%s addr=0x%lx\n", p->pid, trap_name(tf->vector),
			read_cr2());
	else
		kprintf("USER: killed pid=%d reason=%s\n", p->pid, trap_name(tf->vector));
	kprintf("user: pid %d (%s) rip=%p err=0x%lx\n", p->pid, p->name, (void *)tf->rip, tf->err);
	acquire(&proc_lock);
	if (!p->killed)
		p->exit_code = 128 + (int)tf->vector;
	release(&proc_lock);
	proc_kill(p);
}

// Wait until process pid, a child of parent (0: the kernel), has exited,
// then free its slot. Returns its exit code (0-255), or ERR_INVAL if it is
// no such child. A killed waiter gives up with ERR_INVAL.
int proc_wait(int pid, int parent)
{
	struct proc *p = NULL;
	int code = ERR_INVAL;
	acquire(&proc_lock);
	for (int i = 0; i < NPROC; i++)
		if (procs[i].state != P_UNUSED && procs[i].pid == pid && procs[i].parent == parent)
			p = &procs[i];
	while (p && p->state != P_ZOMBIE && !(myproc() && myproc()->killed))
		sleep(p, &proc_lock);
	if (p && p->state == P_ZOMBIE) {
		code = p->exit_code;
		p->state = P_UNUSED;
	}
	release(&proc_lock);
	return code;
}

// Has process pid ended (or never existed)?
bool proc_exited(int pid)
{
	bool alive = false;
	acquire(&proc_lock);
	for (int i = 0; i < NPROC; i++)
		if (procs[i].state == P_ALIVE && procs[i].pid == pid)
			alive = true;
	release(&proc_lock);
	return !alive;
}

// Number of live processes, for the stats call.
int proc_count(void)
{
	int n = 0;
	acquire(&proc_lock);
	for (int i = 0; i < NPROC; i++)
		n += procs[i].state == P_ALIVE;
	release(&proc_lock);
	return n;
}

// Put obj in the first free slot of p's handle table, taking over the
// caller's reference. Returns the handle or ERR_FULL (reference dropped).
int handle_install(struct proc *p, enum handle_kind kind, void *obj)
{
	acquire(&proc_lock);
	for (int h = 0; h < NHANDLE; h++) {
		if (p->handles[h].kind == H_NONE) {
			p->handles[h] = (struct handle){kind, obj};
			release(&proc_lock);
			return h;
		}
	}
	release(&proc_lock);
	kobj_put(kind, obj);
	return ERR_FULL;
}

// handle_close(h): drop handle h of the running process and its reference.
int64 sys_handle_close(const uint64 *arg)
{
	struct proc *p = myproc();
	struct handle old = {H_NONE, NULL};
	acquire(&proc_lock);
	if (arg[0] < NHANDLE) {
		old = p->handles[arg[0]];
		p->handles[arg[0]] = (struct handle){H_NONE, NULL};
	}
	release(&proc_lock);
	if (old.kind == H_NONE)
		return ERR_BADHANDLE;
	kobj_put(old.kind, old.obj);
	return 0;
}

// The object behind handle h of the running process if it is of `kind`
// (H_NONE: any kind, reported in *kind_out), else NULL. The reference
// stays with the handle, which lives as long as the process.
void *handle_get(uint64 h, enum handle_kind kind, enum handle_kind *kind_out)
{
	struct proc *p = myproc();
	void *obj = NULL;
	acquire(&proc_lock);
	if (h < NHANDLE && p->handles[h].kind != H_NONE &&
	    (kind == H_NONE || p->handles[h].kind == kind)) {
		obj = p->handles[h].obj;
		if (kind_out)
			*kind_out = p->handles[h].kind;
	}
	release(&proc_lock);
	return obj;
}

// Take one more reference to a kernel object of the given kind.
void kobj_get(enum handle_kind kind, void *obj)
{
	if (kind == H_ENDPOINT)
		endpoint_get(obj);
	else if (kind == H_SHM)
		shm_get(obj);
	else if (kind == H_UDP)
		udp_get(obj);
}

// Drop a reference; the object is freed with its last one.
void kobj_put(enum handle_kind kind, void *obj)
{
	if (kind == H_ENDPOINT)
		endpoint_put(obj);
	else if (kind == H_SHM)
		shm_put(obj);
	else if (kind == H_UDP)
		udp_put(obj);
}
