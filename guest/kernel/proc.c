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

// Build the address space of program `name`: image and first stack.
// Returns 0 and the entry point, or a negative error.
static int proc_load(struct proc *p, const char *name, uint64 *entry)
{
	if ((p->pml4 = uvm_create()) == NULL)
		return ERR_NOMEM;
	int err = exec_load(p->pml4, name, entry);
	if (err < 0)
		return err;
	if (uvm_alloc(p->pml4, USER_STACK_TOP - USER_STACK_SIZE, USER_STACK_SIZE, PTE_W | PTE_NX) <
	    0)
		return ERR_NOMEM;
	return 0;
}

// Start program `name` (from the embedded archive) as a new process with
// one thread, which gets arg in rdi (main's argument). Returns the pid, or
// a negative error.
int proc_spawn(const char *name, uint64 arg)
{
	struct proc *p = proc_alloc(name);
	uint64 entry;
	if (p == NULL)
		return ERR_FULL;
	int err = proc_load(p, name, &entry);
	if (err == 0)
		err = proc_add_thread(p, entry, USER_STACK_TOP, arg);
	if (err < 0) {
		if (p->pml4)
			uvm_destroy(p->pml4);
		acquire(&proc_lock);
		p->state = P_UNUSED;
		release(&proc_lock);
		return err;
	}
	kprintf("proc: pid %d (%s) started\n", p->pid, p->name);
	return p->pid;
}

// Add a user thread to p entering at entry with rsp = stack_top and
// rdi = arg. Returns the thread id, or ERR_FULL.
int proc_add_thread(struct proc *p, uint64 entry, uint64 stack_top, uint64 arg)
{
	acquire(&proc_lock);
	p->nthreads++;
	release(&proc_lock);
	struct thread *t = thread_create_user(p, entry, stack_top, arg);
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

// Free p's address space and objects and wake proc_wait. The calling
// thread detaches first, so no switch can load the freed tables.
static void proc_teardown(struct proc *p)
{
	cpu.thread->proc = NULL;
	vm_switch(kernel_pml4);
	uvm_destroy(p->pml4);
	p->pml4 = NULL;
	acquire(&proc_lock);
	proc_release_objects(p);
	p->state = P_ZOMBIE;
	release(&proc_lock);
	kprintf("proc: pid %d (%s) exited\n", p->pid, p->name);
	wakeup(p);
}

// End the calling user thread; the last one out tears the process down.
// Never returns.
void proc_thread_exit(void)
{
	struct proc *p = myproc();
	acquire(&proc_lock);
	bool last = --p->nthreads == 0;
	release(&proc_lock);
	if (last)
		proc_teardown(p);
	thread_exit();
}

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
	proc_kill(p);
}

// Wait until process pid has exited, then free its slot. Returns 0, or
// ERR_INVAL if there is no such process. Kernel threads only.
int proc_wait(int pid)
{
	struct proc *p = NULL;
	acquire(&proc_lock);
	for (int i = 0; i < NPROC; i++)
		if (procs[i].state != P_UNUSED && procs[i].pid == pid)
			p = &procs[i];
	while (p && p->state != P_ZOMBIE)
		sleep(p, &proc_lock);
	if (p)
		p->state = P_UNUSED;
	release(&proc_lock);
	return p ? 0 : ERR_INVAL;
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
}

// Drop a reference; the object is freed with its last one.
void kobj_put(enum handle_kind kind, void *obj)
{
	if (kind == H_ENDPOINT)
		endpoint_put(obj);
	else if (kind == H_SHM)
		shm_put(obj);
}
