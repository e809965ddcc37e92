// scenario.c: the test scenarios selected by `rugo.test=NAME` on the kernel
// command line, so one image serves every fixture. Each scenario ends in
// halt_ok() or panic(); docs/guest.md lists them with their markers.
#include "types.h"
#include "defs.h"

struct scenario {
	const char *name;
	void (*run)(void);
};

// banner: nothing beyond boot; halt cleanly.
static void scenario_banner(void)
{
}

// panic: exercise the panic path with a fixed code.
static void scenario_panic(void)
{
	panic(PANIC_TEST, "rugo.test=panic");
}

static const struct scenario scenarios[] = {
	{ "banner", scenario_banner },
	{ "panic", scenario_panic },
};

// Run the named scenario, then halt with the success exit. An unknown name
// is a fixture bug: say which name, and panic with its own code.
void scenario_run(const char *name)
{
	for (size_t i = 0; i < NELEM(scenarios); i++) {
		if (strcmp(scenarios[i].name, name) == 0) {
			scenarios[i].run();
			halt_ok();
		}
	}
	panic(PANIC_UNKNOWN_TEST, "unknown scenario rugo.test=%s", name);
}
