/* case_diag.c: the diagnostics normalizer applied to a case that did not
 * pass: QEMU's stderr, the console and QEMU's end become SMOKES_* lines for
 * the case line, case.json and junit.xml. */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "kiln/case_ctx.h"
#include "kiln/diag.h"

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

json_t *case_diag_collect(struct case_ctx *c)
{
	struct diag_set *set = diag_set_new();
	char *path = util_strdup_printf("%s/qemu.stderr", c->case_dir);
	bool strict = diag_strict_from_env();
	json_t *out;

	diag_scan_file(set, DIAG_FROM_QEMU, path);
	free(path);
	path = util_strdup_printf("%s/console.log", c->case_dir);
	diag_scan_file(set, DIAG_FROM_CONSOLE, path);
	free(path);
	if (c->vm && c->vm->exit.exited) {
		int ws = c->vm->exit.signaled ? W_EXITCODE(0, c->vm->exit.signal)
					      : W_EXITCODE(c->vm->exit.status, 0);
		diag_note_exit(set, ws, case_diag_triple_fault(c));
	} else if (case_diag_triple_fault(c)) {
		diag_note_exit(set, 0, true);
	}
	out = diag_set_to_json(set, strict);
	/* Each finding also carries its printed line, so readers of case.json
	 * and junit.xml need not rebuild it. */
	size_t i = 0;
	for (const struct diag_finding *f = diag_set_first(set); f; f = diag_set_next(set, f)) {
		char *line = diag_finding_line(f, strict);
		json_object_set_new(json_array_get(out, i++), "line", json_string(line));
		free(line);
	}
	diag_set_free(set);
	return out;
}
