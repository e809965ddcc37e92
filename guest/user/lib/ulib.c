// ulib.c: user-side helpers over the system calls: printf (one debug_write
// per call, so a line is never torn), threads with their own stacks, and
// the service lookup and checksum the IPC and shm programs share.
#include "user.h"

struct printf_buf {
	char data[512];
	size_t len;
};

static void printf_put(char c, void *arg)
{
	struct printf_buf *b = arg;
	if (b->len < sizeof(b->data))
		b->data[b->len++] = c;
}

// Format into a local buffer (512 bytes, truncated beyond) and write it
// out in one call. Returns the number of bytes written or an error.
int printf(const char *fmt, ...)
{
	struct printf_buf b = {.len = 0};
	va_list ap;
	va_start(ap, fmt);
	fmt_vformat(printf_put, &b, fmt, ap);
	va_end(ap);
	return (int)debug_write(b.data, b.len);
}

void thread_trampoline(void *start);

// Start fn(arg) in a new thread on a fresh stack of stack_len bytes.
// Returns the thread id or a negative error.
long thread_create(void (*fn)(void *), void *arg, size_t stack_len)
{
	long base = vm_map(0, stack_len, VM_WRITE);
	if (base < 0)
		return base;
	void **start = (void **)(base + (long)stack_len) - 2;
	start[0] = (void *)fn;
	start[1] = arg;
	return thread_spawn((void *)thread_trampoline, start, start);
}

// Look name up in the service registry, yielding until it is registered.
long svc_wait(const char *name)
{
	long h;
	while ((h = svc_lookup(name)) == ERR_NOTFOUND)
		yield();
	return h;
}

// A position-dependent checksum (Fletcher-style) of len bytes.
uint32 checksum(const void *buf, size_t len)
{
	const uint8 *p = buf;
	uint32 a = 1, b = 0;
	for (size_t i = 0; i < len; i++) {
		a = (a + p[i]) % 65521;
		b = (b + a) % 65521;
	}
	return (b << 16) | a;
}

// One case of a hostile-argument test: `HOSTILE: <name> ok` if the call
// returned want, else `HOSTILE: <name> fail got=N want=N`. Returns 1 for a
// failure, 0 otherwise.
int hostile_check(const char *name, long got, long want)
{
	if (got == want) {
		printf("HOSTILE: %s ok\n", name);
		return 0;
	}
	printf("HOSTILE: %s fail got=%ld want=%ld\n", name, got, want);
	return 1;
}

// Report a failed check and end the process's thread with an error code.
void fail(const char *what)
{
	printf("USER: fail %s\n", what);
	thread_exit(1);
}
