// scen_fs.c: the filesystem scenarios and the kernel's choice of the
// filesystem provider. Like Kiln's backends (docs/architecture.md), Rugo
// has a ring1 provider that is always there (the kernel's read-only core,
// fscore.c) and a ring2 one (the fsd service); `rugo.fs=` is the policy:
//   service (the default)  fsd must mount; otherwise fail fast, no fallback.
// The choice prints `[provider/select:fs ring=2 src=service]`, or
// `[failfast/provider/fs:<reason>]` and the scenario stops there.
#include "types.h"
#include "defs.h"
#include "scenario.h"

#define FSD_START_TICKS (10 * TIMER_HZ) // bound on fsd's mount

// Start fsd and wait until it serves, exits (a failed mount) or the bound
// passes. Returns whether the ring2 provider was selected.
bool fs_provider_start(void)
{
	char policy[16];
	if (!cmdline_get("rugo.fs", policy, sizeof(policy)))
		fmt_snprintf(policy, sizeof(policy), "service");
	if (strcmp(policy, "service") != 0) {
		kprintf("[failfast/provider/fs:unknown_policy]\n");
		return false;
	}
	int pid = proc_spawn("fsd", 0);
	if (pid < 0) {
		kprintf("[failfast/provider/fs:fsd_not_started]\n");
		return false;
	}
	uint64 deadline = timer_ticks() + FSD_START_TICKS;
	while (!svc_registered("fsd") && !proc_exited(pid) && timer_ticks() < deadline)
		timer_sleep(1);
	if (svc_registered("fsd")) {
		kprintf("[provider/select:fs ring=2 src=service]\n");
		return true;
	}
	if (proc_exited(pid)) {
		int code = proc_wait(pid, 0);
		kprintf("fs: fsd exited with code %d\n", code);
		kprintf("[failfast/provider/fs:mount_failed]\n");
	} else {
		kprintf("[failfast/provider/fs:fsd_timeout]\n");
	}
	return false;
}

// fsd_smoke: fsd mounts the test image, then fstest creates, writes,
// reads back, lists and removes a file through it (FSTEST markers). With a
// corrupt image: `FSD: mount failed: <reason>` and the fail-fast tag.
void scen_fsd_smoke(void)
{
	if (!fs_provider_start())
		return;
	int pid = proc_spawn("fstest", 0);
	if (pid < 0)
		panic(PANIC_SCENARIO, "spawn fstest: error %d", pid);
	int code = proc_wait(pid, 0);
	kprintf("FSTEST: exit code=%d\n", code);
}

// shell: the ring2 provider, then /bin/sh from the disk on the serial
// console; when it exits (the `exit` builtin) the kernel halts.
void scen_shell(void)
{
	if (!fs_provider_start())
		return;
	int pid = proc_spawn_file("/bin/sh", "", 0, 0);
	if (pid < 0) {
		kprintf("SH: cannot start /bin/sh: error %d\n", pid);
		return;
	}
	kprintf("SH: exited code=%d\n", proc_wait(pid, 0));
}
