/* case_diag.c: the diagnostics normalizer applied to a case: the console as
 * it streams, then, for a case that did not pass, QEMU's stderr and QEMU's
 * end become SMOKES_* lines for the case line, case.json and junit.xml. */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "case_ctx.h"
#include "kiln/diag/diag.h"

/* QEMU names a triple fault only in its cpu_reset log (-d cpu_reset). */
static bool case_diag_triple_fault(const struct case_ctx *c)
{
	char *path = util_strdup_printf("%s/qemu-debug.log", c->case_dir);
	char *log = util_read_file(path, NULL);
	bool hit = log && strstr(log, "Triple fault") != NULL;

	free(log);
	free(path);
	return hit;
}

void case_diag_start(struct case_ctx *c)
{
	c->diag = diag_set_new();
	c->diag_console = diag_scan_new(c->diag, DIAG_FROM_CONSOLE);
}

void case_diag_feed(struct case_ctx *c, const char *buf, size_t len)
{
	diag_scan_feed(c->diag_console, buf, len);
}

json_t *case_diag_collect(struct case_ctx *c)
{
	char *path = util_strdup_printf("%s/qemu.stderr", c->case_dir);
	bool strict = diag_strict_from_env();
	json_t *out;

	/* The console's last partial line is judged now. */
	diag_scan_end(c->diag_console);
	c->diag_console = NULL;
	/* QEMU writes its stderr to the file itself; Kiln never sees those
	 * bytes pass, so this one is read back. */
	diag_scan_file(c->diag, DIAG_FROM_QEMU, path);
	free(path);
	if (c->vm && c->vm->exit.exited) {
		int ws = c->vm->exit.signaled ? W_EXITCODE(0, c->vm->exit.signal)
					      : W_EXITCODE(c->vm->exit.status, 0);
		diag_note_exit(c->diag, ws, case_diag_triple_fault(c));
	} else if (case_diag_triple_fault(c)) {
		diag_note_exit(c->diag, 0, true);
	}
	out = diag_set_to_json(c->diag, strict);
	/* Each finding also carries its printed line, so readers of case.json
	 * and junit.xml need not rebuild it. */
	size_t i = 0;
	for (const struct diag_finding *f = diag_set_first(c->diag); f;
	     f = diag_set_next(c->diag, f)) {
		char *line = diag_finding_line(f, strict);
		json_object_set_new(json_array_get(out, i++), "line", json_string(line));
		free(line);
	}
	return out;
}

void case_diag_free(struct case_ctx *c)
{
	diag_scan_end(c->diag_console);
	c->diag_console = NULL;
	diag_set_free(c->diag);
	c->diag = NULL;
}
