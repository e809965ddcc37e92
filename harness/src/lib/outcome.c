/* outcome.c: names and exit codes of the outcome classes. */
#include "kiln/lib/outcome.h"

#include <string.h>

static const struct {
	const char *name;
	int exit_code;
} outcome_table[OUTCOME_COUNT] = {
	[OUTCOME_PASS] = {"pass", 0},
	[OUTCOME_FAIL] = {"fail", 1},
	[OUTCOME_QEMU_START_FAILED] = {"qemu_start_failed", 3},
	[OUTCOME_GUEST_SILENT] = {"guest_silent", 4},
	[OUTCOME_GUEST_PANICKED] = {"guest_panicked", 5},
	[OUTCOME_TIMEOUT] = {"timeout", 6},
	[OUTCOME_HARNESS_ERROR] = {"harness_error", 7},
};

const char *outcome_name(enum outcome o)
{
	return o < OUTCOME_COUNT ? outcome_table[o].name : "harness_error";
}

int outcome_exit_code(enum outcome o)
{
	return o < OUTCOME_COUNT ? outcome_table[o].exit_code : 7;
}

enum outcome outcome_from_name(const char *name)
{
	for (int o = 0; o < OUTCOME_COUNT; o++)
		if (strcmp(outcome_table[o].name, name) == 0)
			return (enum outcome)o;
	return OUTCOME_COUNT;
}

enum outcome outcome_worst(enum outcome a, enum outcome b)
{
	return a > b ? a : b;
}
