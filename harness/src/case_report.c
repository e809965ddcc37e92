/* case_report.c: case.json, the record of one case (schema in
 * docs/reports.md). Written atomically on every path, so a reader never
 * finds half a file, and a run interrupted by Ctrl-C still has it. */
#include <stdlib.h>
#include <string.h>

#include "kiln/case_ctx.h"
#include "kiln/case_line.h"
#include "kiln/replay_recipe.h"
#include "kiln/text.h"

static json_t *case_report_exit(const struct vm *vm)
{
	if (!vm || !vm->exit.exited)
		return json_null();
	if (vm->exit.signaled)
		return json_pack("{s:i}", "signal", vm->exit.signal);
	json_t *e = json_pack("{s:i}", "status", vm->exit.status);
	if (vm->exit.status & 1)
		json_object_set_new(e, "debug_exit", json_integer(vm->exit.status >> 1));
	return e;
}

int case_report_write(struct case_ctx *c, int64_t duration_ms)
{
	json_t *r = json_object();
	char *path, *text, *cls;
	int rc;

	cls = case_class_text(c->outcome, c->last_marker);
	json_object_set_new(r, "schema", json_string("kiln.case/1"));
	json_object_set_new(r, "name", json_string(c->f->name));
	json_object_set_new(r, "fixture", json_string(c->f->path));
	json_object_set_new(r, "attempt", json_integer(c->opts->attempt));
	json_object_set_new(r, "outcome", json_string(outcome_name(c->outcome)));
	json_object_set_new(r, "class", json_string(cls));
	json_object_set_new(r, "reason", text_json_string(c->reason, strlen(c->reason)));
	json_object_set_new(r, "duration_ms", json_integer(duration_ms));
	json_object_set_new(r, "backend", json_string(c->opts->ops->name));
	if (c->opts->connect_uri)
		json_object_set_new(r, "connect", json_string(c->opts->connect_uri));
	if (c->host_failed)
		json_object_set_new(r, "host_failed", json_true());
	json_object_set_new(r, "accel_requested", json_string(c->f->machine.accel));
	json_object_set_new(r, "accel", c->accel_used ? json_string(c->accel_used) : json_null());
	json_object_set_new(r, "exit", case_report_exit(c->vm));
	json_object_set(r, "steps", c->steps);
	json_object_set(r, "markers", c->markers);
	json_object_set_new(r, "last_marker",
			    c->last_marker ? json_string(c->last_marker) : json_null());
	json_object_set_new(r, "console_bytes", json_integer((json_int_t)console_total(c->con)));
	if (c->capsule)
		json_object_set(r, "capsule", c->capsule);
	json_object_set_new(r, "diagnostics",
			    c->diagnostics ? json_incref(c->diagnostics) : json_array());
	if (c->vm)
		json_object_set(r, "backend_facts", c->vm->facts);
	json_object_set_new(r, "replay",
			    replay_recipe_build(c->f, c->vm, c->case_dir, c->opts->accel));
	text = json_dumps(r, JSON_INDENT(2) | JSON_SORT_KEYS);
	path = util_strdup_printf("%s/case.json", c->case_dir);
	rc = text ? util_write_file_atomic(path, text, strlen(text)) : -1;
	if (rc < 0)
		util_err("cannot write %s", path);
	free(path);
	free(text);
	free(cls);
	json_decref(r);
	return rc;
}
