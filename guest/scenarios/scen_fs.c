// scen_fs.c: the filesystem scenarios and the kernel's choice of the
// filesystem provider. Like Kiln's backends (docs/architecture.md), Rugo
// has a ring1 provider that is there whenever the disk mounts (the
// kernel's read-only core, fscore.c) and a ring2 one (the fsd service);
// `rugo.fs=` is the policy:
//   service (the default)  fsd must mount; otherwise fail fast, no fallback;
//   auto                   fsd, or else the read-only core (a fallback the
//                          policy allows, and says so);
//   core                   the read-only core only; fsd is not started.
// The choice prints `[provider/select:fs ring=N src=service|fallback|static]`,
// or `[failfast/provider/fs:<reason>]` and the scenario stops there.
#include "types.h"
#include "defs.h"
#include "scenario.h"

#define FSD_START_TICKS (10 * TIMER_HZ) // bound on fsd's mount

// Start fsd and wait until it serves, exits (a failed mount) or the bound
// passes. Returns NULL when it serves, else the fail-fast reason.
static const char *fs_start_fsd(void)
{
	int pid = proc_spawn("fsd", 0);
	if (pid < 0)
		return "fsd_not_started";
	uint64 deadline = timer_ticks() + FSD_START_TICKS;
	while (!svc_registered("fsd") && !proc_exited(pid) && timer_ticks() < deadline)
		timer_sleep(1);
	if (svc_registered("fsd"))
		return NULL;
	if (!proc_exited(pid))
		return "fsd_timeout";
	kprintf("fs: fsd exited with code %d\n", proc_wait(pid, 0));
	return "mount_failed";
}

// Choose the filesystem provider by the rugo.fs= policy and print the
// tag. Returns whether there is one.
bool fs_provider_start(void)
{
	char policy[16];
	const char *why = NULL;
	if (!cmdline_get("rugo.fs", policy, sizeof(policy)))
		fmt_snprintf(policy, sizeof(policy), "service");
	bool core = strcmp(policy, "core") == 0, fallback = strcmp(policy, "auto") == 0;
	if (!core && !fallback && strcmp(policy, "service") != 0)
		why = "unknown_policy";
	else if (!core && (why = fs_start_fsd()) == NULL)
		kprintf("[provider/select:fs ring=2 src=service]\n");
	if (!why && !core)
		return true;
	if ((core || fallback) && fs_core_mounted()) {
		kprintf("[provider/select:fs ring=1 src=%s]\n", core ? "static" : "fallback");
		return true;
	}
	kprintf("[failfast/provider/fs:%s]\n", why ? why : "core_not_mounted");
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
