// ipc.c: IPC endpoints and the service registry.
//
// An endpoint is a kernel queue of up to IPC_QUEUE_LEN messages of up to
// IPC_MSG_MAX bytes. Send copies the message in and never blocks (a full
// queue is ERR_FULL); recv blocks until a message arrives. Any process
// holding a handle may send or receive. A message may carry one handle
// (a reference to its object travels with it; the receiver gets a new
// handle), which is how a client gives a server its reply endpoint.
//
// The service registry is a kernel table (not a user svcman process), so
// that it works before any service runs and needs no bootstrap endpoint:
// it maps a name to a kernel object (an endpoint, or a shm object for bulk
// data) and holds a reference to it. Names are never unregistered in v0.
#include "types.h"
#include "defs.h"
#include "proc.h"
#include "spinlock.h"

// An object a message carries; the message holds a reference to it.
struct carried {
	enum handle_kind kind; // H_NONE: nothing carried
	void *obj;
};

struct message {
	uint64 len;
	struct carried x;
	uint8 data[IPC_MSG_MAX];
};

struct endpoint {
	int refs;	 // 0: free slot
	int head, count; // ring of queued messages
	struct message queue[IPC_QUEUE_LEN];
};

struct service {
	char name[SVC_NAME_MAX]; // "" if the slot is free
	enum handle_kind kind;
	void *obj;
};

#define NENDPOINT 32
#define NSERVICE 16

// ipc_lock guards endpoints, the registry and the counters.
static struct spinlock ipc_lock = SPINLOCK_INIT("ipc");
static struct endpoint endpoints[NENDPOINT];
static struct service services[NSERVICE];
static uint64 ipc_sent, ipc_received;

void endpoint_get(struct endpoint *ep)
{
	acquire(&ipc_lock);
	ep->refs++;
	release(&ipc_lock);
}

// Drop a reference; the last one discards queued messages and drops the
// references they carry (after ipc_lock is released: one may be the last
// reference to another endpoint).
void endpoint_put(struct endpoint *ep)
{
	struct carried carried[IPC_QUEUE_LEN];
	int n = 0;
	acquire(&ipc_lock);
	if (--ep->refs == 0) {
		for (int i = 0; i < ep->count; i++) {
			struct message *m = &ep->queue[(ep->head + i) % IPC_QUEUE_LEN];
			if (m->x.kind != H_NONE)
				carried[n++] = m->x;
		}
		ep->head = ep->count = 0;
	}
	release(&ipc_lock);
	for (int i = 0; i < n; i++)
		kobj_put(carried[i].kind, carried[i].obj);
}

// ipc_create(): a new endpoint in the caller's handle table.
int64 sys_ipc_create(const uint64 *arg)
{
	struct endpoint *ep = NULL;
	(void)arg;
	acquire(&ipc_lock);
	for (int i = 0; i < NENDPOINT && !ep; i++)
		if (endpoints[i].refs == 0)
			ep = &endpoints[i];
	if (ep)
		ep->refs = 1;
	release(&ipc_lock);
	if (ep == NULL)
		return ERR_FULL;
	return handle_install(myproc(), H_ENDPOINT, ep);
}

// ipc_send(handle, buf, len, carry): queue a copy of len bytes and, if
// carry is not 0, a reference to the object of handle carry - 1.
int64 sys_ipc_send(const uint64 *arg)
{
	static struct message msg; // guarded by send_lock; too big for the stack
	static struct spinlock send_lock = SPINLOCK_INIT("ipc_send");
	struct endpoint *ep = handle_get(arg[0], H_ENDPOINT, NULL);
	enum handle_kind xkind = H_NONE;
	void *xobj = NULL;
	int64 ret = 0;

	if (ep == NULL)
		return ERR_BADHANDLE;
	if (arg[2] > IPC_MSG_MAX)
		return ERR_INVAL;
	if (arg[3] && (xobj = handle_get(arg[3] - 1, H_NONE, &xkind)) == NULL)
		return ERR_BADHANDLE;
	if (xobj)
		kobj_get(xkind, xobj); // the message's reference
	acquire(&send_lock);
	msg.len = arg[2];
	msg.x = (struct carried){xkind, xobj};
	if (copyin(myproc()->pml4, msg.data, arg[1], msg.len) < 0)
		ret = ERR_FAULT;
	acquire(&ipc_lock);
	if (ret == 0 && ep->count == IPC_QUEUE_LEN)
		ret = ERR_FULL;
	if (ret == 0) {
		ep->queue[(ep->head + ep->count++) % IPC_QUEUE_LEN] = msg;
		ipc_sent++;
	}
	release(&ipc_lock);
	release(&send_lock);
	if (ret == 0)
		wakeup(ep);
	else if (xobj)
		kobj_put(xkind, xobj);
	return ret;
}

// Move the first message of ep (non-empty) to user buf of cap bytes, and
// its carried object, if any, to *carried. Caller holds ipc_lock. A
// message that does not fit or cannot be copied stays queued.
static int64 ipc_deliver(struct endpoint *ep, uint64 buf, uint64 cap, struct carried *carried)
{
	struct message *m = &ep->queue[ep->head];
	if (m->len > cap)
		return ERR_NOSPACE;
	if (copyout(myproc()->pml4, buf, m->data, m->len) < 0)
		return ERR_FAULT;
	*carried = m->x;
	ep->head = (ep->head + 1) % IPC_QUEUE_LEN;
	ep->count--;
	ipc_received++;
	return (int64)m->len;
}

// Give the receiver the object a message carried: a new handle, written
// to user address out (not 0), or -1 there if none came. Without out, or
// when the handle table is full (ERR_FULL), the reference is dropped.
static int64 ipc_take_carried(const struct carried *carried, uint64 out, int64 len)
{
	int64 h = -1;
	if (carried->kind != H_NONE) {
		if (out == 0) {
			kobj_put(carried->kind, carried->obj);
			return len;
		}
		h = handle_install(myproc(), carried->kind, carried->obj);
		if (h < 0)
			return h;
	}
	if (out && copyout(myproc()->pml4, out, &h, sizeof(h)) < 0)
		return ERR_FAULT;
	return len;
}

// ipc_recv(handle, buf, cap, carried): wait for a message; returns its
// length. If carried is not 0, the handle the message carried (or -1) is
// stored there as a 64-bit integer.
// A killed process's waiter returns ERR_INVAL and dies on its way out.
// `killed` is read without proc_lock: one CPU, and a stale read only
// means one more sleep, which proc_kill's wakeup ends.
int64 sys_ipc_recv(const uint64 *arg)
{
	struct endpoint *ep = handle_get(arg[0], H_ENDPOINT, NULL);
	struct carried carried = {H_NONE, NULL};
	int64 ret;

	if (ep == NULL)
		return ERR_BADHANDLE;
	acquire(&ipc_lock);
	while (ep->count == 0 && !myproc()->killed)
		sleep(ep, &ipc_lock);
	ret = ep->count ? ipc_deliver(ep, arg[1], arg[2], &carried) : ERR_INVAL;
	release(&ipc_lock);
	return ret < 0 ? ret : ipc_take_carried(&carried, arg[3], ret);
}

// Copy a service name from user memory. Returns 0 or an error.
static int svc_name_in(char *name, uint64 uva)
{
	return copyin_name(name, uva, SVC_NAME_MAX);
}

// svc_register(name, handle): publish the object behind handle as name.
int64 sys_svc_register(const uint64 *arg)
{
	char name[SVC_NAME_MAX];
	enum handle_kind kind;
	int err = svc_name_in(name, arg[0]);
	void *obj = handle_get(arg[1], H_NONE, &kind);
	struct service *free_slot = NULL;

	if (err < 0)
		return err;
	if (obj == NULL)
		return ERR_BADHANDLE;
	acquire(&ipc_lock);
	for (int i = 0; i < NSERVICE; i++) {
		if (strcmp(services[i].name, name) == 0) {
			release(&ipc_lock);
			return ERR_EXISTS;
		}
		if (!free_slot && services[i].name[0] == '\0')
			free_slot = &services[i];
	}
	if (free_slot) {
		memcpy(free_slot->name, name, SVC_NAME_MAX);
		free_slot->kind = kind;
		free_slot->obj = obj;
	}
	release(&ipc_lock);
	if (free_slot == NULL)
		return ERR_FULL;
	kobj_get(kind, obj); // the registry's reference
	return 0;
}

// svc_lookup(name): a new handle to the object registered as name.
int64 sys_svc_lookup(const uint64 *arg)
{
	char name[SVC_NAME_MAX];
	struct service found = {.kind = H_NONE};
	int err = svc_name_in(name, arg[0]);

	if (err < 0)
		return err;
	acquire(&ipc_lock);
	for (int i = 0; i < NSERVICE; i++)
		if (services[i].name[0] && strcmp(services[i].name, name) == 0)
			found = services[i];
	release(&ipc_lock);
	if (found.kind == H_NONE)
		return ERR_NOTFOUND;
	kobj_get(found.kind, found.obj);
	return handle_install(myproc(), found.kind, found.obj);
}

// Is a service registered as name? For the kernel's provider selection.
bool svc_registered(const char *name)
{
	bool found = false;
	acquire(&ipc_lock);
	for (int i = 0; i < NSERVICE; i++)
		if (services[i].name[0] && strcmp(services[i].name, name) == 0)
			found = true;
	release(&ipc_lock);
	return found;
}

// Message counters for the stats call.
void ipc_stats(uint64 *sent, uint64 *received)
{
	acquire(&ipc_lock);
	*sent = ipc_sent;
	*received = ipc_received;
	release(&ipc_lock);
}
