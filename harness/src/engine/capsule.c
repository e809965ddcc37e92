/* capsule.c: the evidence a failing case saves before its guest is killed.
 *
 * While QEMU is alive: stop the guest, then query-status and the registers
 * (HMP "info registers" through QMP, the one form every QEMU has). Always:
 * the console tail and the last marker. The registers go to registers.txt in
 * the case directory; the rest into case.json's "capsule".
 */
#include <stdlib.h>
#include <string.h>

#include "case_ctx.h"
#include "kiln/lib/text.h"

#define CAPSULE_TAIL_BYTES 4096
#define CAPSULE_QMP_MS 2000

static void capsule_registers(struct case_ctx *c, json_t *cap, int64_t deadline)
{
	json_t *args = json_pack("{s:s}", "command-line", "info registers");
	json_t *ret = NULL;
	struct qmp_error err;

	if (c->vm->ops->execute(c->vm, "human-monitor-command", args, deadline, &ret, &err) ==
		    QMP_OK &&
	    json_is_string(ret)) {
		char *path = util_strdup_printf("%s/registers.txt", c->case_dir);
		util_write_file_atomic(path, json_string_value(ret), json_string_length(ret));
		json_object_set_new(cap, "registers", json_string("registers.txt"));
		free(path);
	} else {
		json_object_set_new(cap, "registers_error", json_string(err.desc));
	}
	json_decref(args);
	json_decref(ret);
}

json_t *capsule_collect(struct case_ctx *c)
{
	json_t *cap = json_object(), *ret = NULL;
	int64_t deadline = util_now_ms() + CAPSULE_QMP_MS;
	uint64_t end = console_total(c->con);
	struct qmp_error err;
	size_t len;
	char *tail;

	if (!c->vm) {
		/* QEMU never came up (qemu_start_failed, harness_error): the
		 * capsule still says so, with the (empty) console evidence. */
		json_object_set_new(cap, "status", json_pack("{s:s}", "status", "not started"));
	} else if (!c->vm->exit.exited) {
		c->vm->ops->execute(c->vm, "stop", NULL, deadline, NULL, &err);
		if (c->vm->ops->execute(c->vm, "query-status", NULL, deadline, &ret, &err) ==
		    QMP_OK)
			json_object_set(cap, "status", ret);
		capsule_registers(c, cap, deadline);
	} else {
		json_object_set_new(cap, "status", json_pack("{s:s}", "status", "exited"));
	}
	tail = console_copy(c->con, end > CAPSULE_TAIL_BYTES ? end - CAPSULE_TAIL_BYTES : 0, end,
			    &len);
	json_object_set_new(cap, "console_tail", text_json_string(tail, len));
	json_object_set_new(cap, "last_marker",
			    c->last_marker ? json_string(c->last_marker) : json_null());
	json_object_set_new(cap, "last_marker_ms",
			    c->last_marker ? json_integer(c->last_marker_ms) : json_null());
	free(tail);
	json_decref(ret);
	return cap;
}
