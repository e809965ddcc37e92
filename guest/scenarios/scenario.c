// scenario.c: the table of test scenarios selected by `rugo.test=NAME` on
// the kernel command line, so one image serves every fixture. docs/guest.md
// lists each scenario with its markers and exit.
#include "types.h"
#include "defs.h"
#include "scenario.h"

struct scenario {
	const char *name;
	void (*run)(void);
};

// banner: nothing beyond boot; halt cleanly.
static void scen_banner(void)
{
}

// panic: exercise the panic path with a fixed code.
static void scen_panic(void)
{
	panic(PANIC_TEST, "rugo.test=panic");
}

static const struct scenario scenarios[] = {
	{"banner", scen_banner},
	{"panic", scen_panic},
	{"paging", scen_paging},
	{"divide_error", scen_divide_error},
	{"breakpoint", scen_breakpoint},
	{"page_fault", scen_page_fault},
	{"general_protection", scen_general_protection},
	{"double_fault", scen_double_fault},
	{"stack_guard", scen_stack_guard},
	{"ticks", scen_ticks},
	{"two_threads", scen_two_threads},
	{"lock", scen_lock},
	{"user_hello", scen_user_hello},
	{"syscall", scen_syscall},
	{"thread_exit_race", scen_thread_exit_race},
	{"user_fault", scen_user_fault},
	{"ping_pong", scen_ping_pong},
	{"shm", scen_shm},
	{"hostile", scen_hostile},
	{"hostile_io", scen_hostile_io},
	{"stats", scen_stats},
	{"replay_null_write", scen_replay_null_write},
	{"blk_identify", scen_blk_identify},
	{"blk_rw", scen_blk_rw},
	{"blk_timeout", scen_blk_timeout},
	{"fsd_smoke", scen_fsd_smoke},
	{"shell", scen_shell},
	{"net_identify", scen_net_identify},
	{"udp_echo", scen_udp_echo},
	{"net_hostile", scen_net_hostile},
	{"go_std", scen_go_std},
	{"go_panic", scen_go_panic},
	{"go_nosys", scen_go_nosys},
	{"go_file", scen_go_file},
	{"go_user_service", scen_go_user_service},
	{"go_hostile", scen_go_hostile},
};

// Body of the scenario thread: mount the disk's filesystem for the ring1
// core (it reads through the driver, which sleeps, so it needs a thread),
// run, then halt with the success exit.
static void scenario_thread(void *arg)
{
	const struct scenario *s = arg;
	fs_core_init();
	s->run();
	halt_ok();
}

// Start the named scenario in its own kernel thread. An unknown name is a
// fixture bug: say which name, and panic with its own code.
void scenario_start(const char *name)
{
	for (size_t i = 0; i < NELEM(scenarios); i++) {
		if (strcmp(scenarios[i].name, name) == 0) {
			if (!thread_create("scenario", scenario_thread, (void *)&scenarios[i]))
				panic(PANIC_SCENARIO, "scenario_start: no thread");
			return;
		}
	}
	panic(PANIC_UNKNOWN_TEST, "unknown scenario rugo.test=%s", name);
}
