/* fuzz_fixture.c: the libFuzzer target of the fixture loader (`make fuzz`).
 *
 * Owner: ring0 core (fixture/fixture.c). The input is a fixture file,
 * hand-written or mutated from the real ones in fixtures/. The loader reads
 * files, so each input is written to one scratch file first. What must
 * hold whatever the bytes: the loader either returns a fixture or fails
 * with one message that starts with "<path>:<line>:<column>: " and a
 * reason; a loaded fixture has what the engine relies on (a name, a
 * kernel, a positive timeout, a silence deadline within it, a known exit)
 * and every step can be described for the reports; nothing leaks.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kiln/fixture/fixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char scratch[64];

static void scratch_init(void)
{
	int fd;

	if (scratch[0])
		return;
	snprintf(scratch, sizeof(scratch), "/tmp/fuzz_fixture.XXXXXX");
	fd = mkstemp(scratch);
	if (fd < 0)
		abort();
	close(fd);
}

static void check_error(const char *err)
{
	size_t plen = strlen(scratch);
	int line, column, used = 0;

	if (strncmp(err, scratch, plen) != 0 || err[plen] != ':')
		abort(); /* the message names the file */
	if (sscanf(err + plen, ":%d:%d: %n", &line, &column, &used) != 2 || used == 0)
		abort(); /* then the line and column */
	if (line < 0 || column < 0 || err[plen + (size_t)used] == '\0')
		abort(); /* then a reason */
}

static void check_steps(const struct step *steps, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *d = fixture_step_describe(&steps[i]);

		if (!d || !d[0])
			abort();
		free(d);
		check_steps(steps[i].children, steps[i].n_children);
	}
}

static void check_fixture(const struct fixture *f)
{
	if (!f->name || !f->name[0] || !f->guest.kernel || !f->machine.type)
		abort();
	if (!(f->timeout_s > 0) || !(f->silent_timeout_s > 0) || f->silent_timeout_s > f->timeout_s)
		abort();
	if (f->exit.kind != EXIT_DEBUG && f->exit.kind != EXIT_SHUTDOWN &&
	    f->exit.kind != EXIT_RUNNING)
		abort();
	for (size_t i = 0; i < f->n_fails; i++)
		if (f->fails[i].from_step && f->fails[i].from_step >= f->n_steps)
			abort(); /* armed by a step that does not exist */
	check_steps(f->steps, f->n_steps);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[1024];
	struct fixture *f;
	FILE *out;

	scratch_init();
	out = fopen(scratch, "w");
	if (!out || fwrite(data, 1, size, out) != size || fclose(out) != 0)
		abort();
	err[0] = '\0';
	f = fixture_load(scratch, err, sizeof(err));
	if (f) {
		check_fixture(f);
		fixture_free(f);
	} else {
		check_error(err);
	}
	return 0;
}
