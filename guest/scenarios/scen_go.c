// scen_go.c: Go programs (guest/go/) run by the Linux personality (lx.h).
// Each scenario starts one stock Go binary, waits for it and checks its
// exit code; the markers come from the programs and the kernel. Returning
// means the kernel is still in charge after the Go process ended.
#include "types.h"
#include "defs.h"
#include "scenario.h"

// Start Go program name, wait for it, and return its exit code.
static int run_go(const char *name)
{
	int pid = proc_spawn_linux(name);
	if (pid < 0)
		panic(PANIC_SCENARIO, "spawn %s: error %d", name, pid);
	return proc_wait(pid, 0);
}

// go_std: G2, `GOSTD: ok` from an unmodified Go binary, which exits 0.
void scen_go_std(void)
{
	int code = run_go("gostd");
	if (code != 0)
		panic(PANIC_SCENARIO, "go_std: exit code %d", code);
}

// go_panic: a Go panic prints the runtime's own text and exits 2; then a
// C program still runs (`USER: hello`).
void scen_go_panic(void)
{
	int code = run_go("gopanic");
	kprintf("GO: gopanic exit code %d\n", code);
	if (code != 2)
		panic(PANIC_SCENARIO, "go_panic: exit code %d, want 2", code);
	int pid = proc_spawn("hello", 0);
	if (pid < 0)
		panic(PANIC_SCENARIO, "spawn hello: error %d", pid);
	proc_wait(pid, 0);
}

// go_nosys: a call Rugo lacks gets ENOSYS and one `LINUX: unimplemented
// syscall` line; the program carries on and exits 0.
void scen_go_nosys(void)
{
	int code = run_go("gonosys");
	if (code != 0)
		panic(PANIC_SCENARIO, "go_nosys: exit code %d", code);
}

// go_user_service: G1, the Go key-value service "gosvc" answers the C
// client "kvclient" over Rugo IPC; the client prints `GOUSR: ok`. Both
// must exit 0.
void scen_go_user_service(void)
{
	int svc = proc_spawn_linux("gosvc");
	if (svc < 0)
		panic(PANIC_SCENARIO, "spawn gosvc: error %d", svc);
	int client = proc_spawn("kvclient", 0);
	if (client < 0)
		panic(PANIC_SCENARIO, "spawn kvclient: error %d", client);
	int client_code = proc_wait(client, 0), svc_code = proc_wait(svc, 0);
	kprintf("GO: gosvc exit code %d, kvclient exit code %d\n", svc_code, client_code);
	if (client_code != 0 || svc_code != 0)
		panic(PANIC_SCENARIO, "go_user_service: exit codes client=%d service=%d", client_code,
		      svc_code);
}
