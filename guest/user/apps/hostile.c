// hostile.c: system calls with bad pointers, huge lengths, invalid handles
// and unknown numbers. Each case prints one marker: `HOSTILE: <case> ok`
// when the kernel returned the documented error, `HOSTILE: <case> fail
// got=<n> want=<n>` otherwise. The kernel must survive them all.
#include "user.h"

#define KERNEL_TEXT 0x100000L
#define KERNEL_HEAP 0x1000000L // 16 MiB: kernel RAM mapped with 2 MiB pages
#define UNMAPPED_USER 0x7000000000L
#define HUGE (1L << 62)

static int failures;

int main(void);

static void expect(const char *name, long got, long want)
{
	failures += hostile_check(name, got, want);
}

// The `syscall` instruction, which only a process of the Linux personality
// may use (docs/guest.md): rax is Linux's getpid (39), the answer -ENOSYS.
static long syscall_insn(long num)
{
	long ret;
	__asm__ volatile("syscall" : "=a"(ret) : "a"(num) : "rcx", "r11", "memory");
	return ret;
}

static void bad_numbers(void)
{
	expect("unknown_syscall", syscall4(9999, 0, 0, 0, 0), ERR_NOSYS);
	expect("negative_syscall", syscall4(-1, 0, 0, 0, 0), ERR_NOSYS);
	expect("first_unused_syscall", syscall4(SYS_COUNT, 0, 0, 0, 0), ERR_NOSYS);
	expect("syscall_insn_no_personality", syscall_insn(39), -38);
}

static void bad_in_pointers(void)
{
	expect("null_pointer", debug_write(0, 8), ERR_FAULT);
	expect("kernel_pointer", debug_write((void *)KERNEL_TEXT, 16), ERR_FAULT);
	expect("kernel_heap_pointer", debug_write((void *)KERNEL_HEAP, 16), ERR_FAULT);
	expect("unmapped_pointer", debug_write((void *)UNMAPPED_USER, 16), ERR_FAULT);
	expect("noncanonical_pointer", debug_write((void *)0xfffffffffffff000UL, 16), ERR_FAULT);
	expect("bad_name_pointer", svc_lookup((const char *)16), ERR_FAULT);
}

static void huge_lengths(long ep)
{
	char buf[8] = "hostile";
	char name[64];
	memset(name, 'n', sizeof(name));
	expect("huge_write_length", debug_write(buf, HUGE), ERR_INVAL);
	expect("huge_ipc_length", ipc_send(ep, buf, 1L << 40), ERR_INVAL);
	expect("huge_vm_map", vm_map(0, 1L << 50, VM_WRITE), ERR_INVAL);
	expect("huge_shm", shm_create(1L << 40), ERR_INVAL);
	expect("unterminated_name", svc_register(name, ep), ERR_INVAL);
	expect("span_past_mapping", debug_write((void *)(USER_STACK_TOP - 8), 64), ERR_FAULT);
}

static void bad_handles(long ep, long shm)
{
	char buf[8];
	expect("bad_handle", ipc_send(999, buf, 1), ERR_BADHANDLE);
	expect("negative_handle", ipc_recv(-1, buf, sizeof(buf)), ERR_BADHANDLE);
	expect("wrong_kind_handle", ipc_recv(shm, buf, sizeof(buf)), ERR_BADHANDLE);
	expect("shm_map_endpoint", shm_map(ep, 0, 0), ERR_BADHANDLE);
	expect("unknown_service", svc_lookup("no-such-service"), ERR_NOTFOUND);
}

// Output pointers: a failed copy-out leaves the message queued.
static void bad_out_pointers(long ep)
{
	char buf[8];
	expect("readonly_out_pointer", stats((char *)(long)main, 256), ERR_FAULT);
	ipc_send(ep, "12345678", 8);
	expect("kernel_out_pointer", ipc_recv(ep, (void *)KERNEL_TEXT, 8), ERR_FAULT);
	expect("short_out_buffer", ipc_recv(ep, buf, 1), ERR_NOSPACE);
	expect("message_kept", ipc_recv(ep, buf, sizeof(buf)), 8);
}

static void bad_vm(void)
{
	expect("vm_map_kernel", vm_map((void *)KERNEL_TEXT, 4096, VM_WRITE), ERR_INVAL);
	expect("vm_unmap_kernel", vm_unmap((void *)KERNEL_TEXT, 4096), ERR_INVAL);
	expect("vm_map_unaligned", vm_map((void *)(USER_MMAP_BASE + 123), 4096, 0), ERR_INVAL);
	expect("vm_map_bad_prot", vm_map(0, 4096, 0x80), ERR_INVAL);
	expect("vm_map_over_image", vm_map((void *)USER_IMAGE_BASE, 4096, 0), ERR_INVAL);
	expect("thread_kernel_entry", thread_spawn((void *)KERNEL_TEXT, (void *)USER_STACK_TOP, 0),
	       ERR_INVAL);
}

int main(void)
{
	long ep = ipc_create(), shm = shm_create(4096);
	if (ep < 0 || shm < 0)
		fail("hostile setup");
	bad_numbers();
	bad_in_pointers();
	huge_lengths(ep);
	bad_handles(ep, shm);
	bad_out_pointers(ep);
	bad_vm();
	printf("HOSTILE: done failures=%d\n", failures);
	return 0;
}
