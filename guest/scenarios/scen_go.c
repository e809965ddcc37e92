// scen_go.c: Go programs (guest/go/) run by the Linux personality (lx.h).
// Each scenario starts one stock Go binary, waits for it and checks its
// exit code; the markers come from the programs and the kernel. Returning
// means the kernel is still in charge after the Go process ended.
#include "types.h"
#include "defs.h"
#include "scenario.h"
#include "elf.h"
#include "mmu.h"
#include "lx.h"

// Start Go program name and return its pid. The Go programs are Multiboot
// modules (exec.c), so a fixture that forgot one is told which.
static int spawn_go(const char *name)
{
	int pid = proc_spawn_linux(name);
	if (pid == ERR_NOTFOUND)
		panic(PANIC_SCENARIO,
		      "spawn %s: no such program (add build/guest/go/%s.elf to guest.modules)",
		      name, name);
	if (pid < 0)
		panic(PANIC_SCENARIO, "spawn %s: error %d", name, pid);
	return pid;
}

// Start Go program name, wait for it, and return its exit code.
static int run_go(const char *name)
{
	return proc_wait(spawn_go(name), 0);
}

// The kernel carries on after a Go process ended badly: a C program runs.
static void run_hello(void)
{
	int pid = proc_spawn("hello", 0);
	if (pid < 0)
		panic(PANIC_SCENARIO, "spawn hello: error %d", pid);
	proc_wait(pid, 0);
}

// go_std: G2, `GOSTD: ok` from an unmodified Go binary, which exits 0
// and gives back every page it used.
void scen_go_std(void)
{
	uint64 free_before, free_after, total;
	kalloc_stats(&free_before, &total);
	int code = run_go("gostd");
	if (code != 0)
		panic(PANIC_SCENARIO, "go_std: exit code %d", code);
	kalloc_stats(&free_after, &total);
	if (free_after != free_before)
		panic(PANIC_SCENARIO, "go_std: %lu pages leaked", free_before - free_after);
	kprintf("GO: gostd exit code 0, no pages leaked\n");
}

// go_panic: a Go panic prints the runtime's own text and exits 2; then a
// C program still runs (`USER: hello`).
void scen_go_panic(void)
{
	int code = run_go("gopanic");
	kprintf("GO: gopanic exit code %d\n", code);
	if (code != 2)
		panic(PANIC_SCENARIO, "go_panic: exit code %d, want 2", code);
	run_hello();
}

// go_nosys: a call Rugo lacks gets ENOSYS and one `LINUX: unimplemented
// syscall` line; the program carries on and exits 0.
void scen_go_nosys(void)
{
	int code = run_go("gonosys");
	if (code != 0)
		panic(PANIC_SCENARIO, "go_nosys: exit code %d", code);
}

// go_file: a Go program reads /etc/motd of the R6 disk (attached by the
// fixture) through openat, fstat and read; it prints `GOFILE: ok` and must
// exit 0.
void scen_go_file(void)
{
	int code = run_go("gofile");
	kprintf("GO: gofile exit code %d\n", code);
	if (code != 0)
		panic(PANIC_SCENARIO, "go_file: exit code %d", code);
}

// go_user_service: G1, the Go key-value service "gosvc" answers the C
// client "kvclient" over Rugo IPC; the client prints `GOUSR: ok`. Both
// must exit 0.
void scen_go_user_service(void)
{
	int svc = spawn_go("gosvc");
	int client = proc_spawn("kvclient", 0);
	if (client < 0)
		panic(PANIC_SCENARIO, "spawn kvclient: error %d", client);
	int client_code = proc_wait(client, 0), svc_code = proc_wait(svc, 0);
	kprintf("GO: gosvc exit code %d, kvclient exit code %d\n", svc_code, client_code);
	if (client_code != 0 || svc_code != 0)
		panic(PANIC_SCENARIO, "go_user_service: exit codes client=%d service=%d",
		      client_code, svc_code);
}

// A one-segment static ELF64 image for the loader tests: a valid one,
// which each case then breaks in one way.
struct tiny_elf {
	struct elf64_ehdr eh;
	struct elf64_phdr ph;
	uint8 code[16];
};

static void tiny_elf_init(struct tiny_elf *e)
{
	memset(e, 0, sizeof(*e));
	e->eh.magic = ELF_MAGIC;
	e->eh.ident[0] = ELFCLASS64;
	e->eh.type = ET_EXEC;
	e->eh.machine = EM_X86_64;
	e->eh.entry = USER_IMAGE_BASE + offsetof(struct tiny_elf, code);
	e->eh.phoff = offsetof(struct tiny_elf, ph);
	e->eh.phentsize = sizeof(struct elf64_phdr);
	e->eh.phnum = 1;
	e->ph.type = PT_LOAD;
	e->ph.flags = PF_X;
	e->ph.vaddr = USER_IMAGE_BASE;
	e->ph.filesz = e->ph.memsz = sizeof(*e);
	// exit_group(7): mov $231, %eax; mov $7, %edi; syscall
	static const uint8 code[] = {0xb8, 0xe7, 0, 0, 0, 0xbf, 7, 0, 0, 0, 0x0f, 0x05};
	memcpy(e->code, code, sizeof(code));
}

#define HOSTILE_ELFS 7

// One broken image per case: the Linux loader must refuse each.
static void tiny_elf_break(struct tiny_elf *e, int how)
{
	switch (how) {
	case 0: e->eh.magic = 0x464c457eU; break;	    // not ELF
	case 1: e->ph.vaddr = 0x100000; break;		    // over the kernel
	case 2: e->eh.phnum = 0xffff; break;		    // headers past the end
	case 3: e->eh.entry = 0x100000; break;		    // entry in the kernel
	case 4: e->ph.vaddr = LX_STACK_TOP - PGSIZE; break; // over the main stack
	case 5: e->ph.filesz = e->ph.memsz + 1; break;	    // file bigger than memory
	default: e->ph.offset = 1ULL << 40; break;	    // data past the end
	}
}

// go_hostile: a tiny valid ELF runs and exits 7, and the Linux loader
// refuses seven broken copies of it without a
// page leaked; a Go program's bad syscall arguments each get their errno
// (`GOHOSTILE: done failures=0`); a Go nil write is killed with
// `USER: killed`; then a C program still runs.
void scen_go_hostile(void)
{
	static struct tiny_elf e __attribute__((aligned(8)));
	uint64 free_before, free_after, total;
	kalloc_stats(&free_before, &total);
	// The control: the image unbroken loads, runs and exits 7.
	tiny_elf_init(&e);
	int pid = proc_spawn_linux_image("tinyelf", (const uint8 *)&e, sizeof(e));
	int code = pid < 0 ? pid : proc_wait(pid, 0);
	if (code != 7)
		panic(PANIC_SCENARIO, "go_hostile: the valid tiny ELF gave %d, want exit 7", code);
	for (int how = 0; how < HOSTILE_ELFS; how++) {
		tiny_elf_init(&e);
		tiny_elf_break(&e, how);
		int err = proc_spawn_linux_image("badelf", (const uint8 *)&e, sizeof(e));
		if (err >= 0)
			panic(PANIC_SCENARIO, "go_hostile: bad ELF %d was loaded", how);
		kprintf("goelf: case %d refused error=%d\n", how, err);
	}
	kalloc_stats(&free_after, &total);
	if (free_after != free_before)
		panic(PANIC_SCENARIO, "go_hostile: %lu pages leaked", free_before - free_after);
	kprintf("GOHOSTILE: bad ELFs refused, no pages leaked\n");
	code = run_go("gohostile");
	if (code != 0)
		panic(PANIC_SCENARIO, "go_hostile: gohostile exit code %d", code);
	code = run_go("gofault");
	kprintf("GO: gofault exit code %d\n", code);
	if (code != 128 + 14)
		panic(PANIC_SCENARIO, "go_hostile: gofault exit code %d, want 142", code);
	run_hello();
}
