/* case_record.c: case.json, built from the facts others hand over and
 * written atomically. See kiln/report/case_record.h. */
#include "kiln/report/case_record.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kiln/lib/text.h"
#include "kiln/lib/util.h"
#include "kiln/report/case_line.h"

static json_t *case_record_exit(const struct vm_exit *e)
{
	if (!e || !e->exited)
		return json_null();
	if (e->signaled)
		return json_pack("{s:i}", "signal", e->signal);
	json_t *j = json_pack("{s:i}", "status", e->status);
	/* isa-debug-exit: QEMU exits with (value << 1) | 1. */
	if (e->status & 1)
		json_object_set_new(j, "debug_exit", json_integer(e->status >> 1));
	return j;
}

/* json_string() of a string that may be NULL. New reference. */
static json_t *string_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* v (borrowed) with a new reference, or a new empty array when v is NULL. */
static json_t *array_or_empty(json_t *v)
{
	return v ? json_incref(v) : json_array();
}

json_t *case_record_build(const struct case_facts *fa)
{
	json_t *r = json_object();
	char *cls = case_class_text(fa->outcome, fa->last_marker);

	json_object_set_new(r, "schema", json_string(CASE_RECORD_SCHEMA));
	json_object_set_new(r, "name", json_string(fa->name));
	json_object_set_new(r, "fixture", json_string(fa->fixture));
	json_object_set_new(r, "attempt", json_integer(fa->attempt));
	json_object_set_new(r, "outcome", json_string(outcome_name(fa->outcome)));
	json_object_set_new(r, "class", json_string(cls));
	json_object_set_new(r, "reason", text_json_string(fa->reason, strlen(fa->reason)));
	json_object_set_new(r, "duration_ms", json_integer(fa->duration_ms));
	if (fa->backend)
		json_object_set_new(r, "backend", json_string(fa->backend));
	if (fa->connect)
		json_object_set_new(r, "connect", json_string(fa->connect));
	if (fa->host_failed)
		json_object_set_new(r, "host_failed", json_true());
	if (fa->accel_requested)
		json_object_set_new(r, "accel_requested", json_string(fa->accel_requested));
	json_object_set_new(r, "accel", string_or_null(fa->accel));
	json_object_set_new(r, "exit", case_record_exit(fa->exit));
	json_object_set_new(r, "steps", array_or_empty(fa->steps));
	json_object_set_new(r, "markers", array_or_empty(fa->markers));
	json_object_set_new(r, "last_marker", string_or_null(fa->last_marker));
	if (fa->fail_match)
		json_object_set(r, "fail_match", fa->fail_match);
	json_object_set_new(r, "console_bytes", json_integer((json_int_t)fa->console_bytes));
	if (fa->capsule)
		json_object_set(r, "capsule", fa->capsule);
	json_object_set_new(r, "diagnostics", array_or_empty(fa->diagnostics));
	if (fa->backend_facts)
		json_object_set(r, "backend_facts", fa->backend_facts);
	if (fa->replay)
		json_object_set(r, "replay", fa->replay);
	free(cls);
	return r;
}

int case_record_write(const char *case_dir, const json_t *record)
{
	char *path = util_strdup_printf("%s/%s", case_dir, CASE_RECORD_FILE);
	char *text = json_dumps(record, JSON_INDENT(2) | JSON_SORT_KEYS);
	int rc = text ? util_write_file_atomic(path, text, strlen(text)) : -1;

	if (rc < 0) {
		int saved = text ? errno : ENOMEM;

		util_err("cannot write %s: %s", path, strerror(saved));
		errno = saved; /* for the caller's own message */
	}
	free(path);
	free(text);
	return rc;
}

int case_record_add_fact(const char *case_dir, json_t *record, const char *key, json_t *value)
{
	json_object_set_new(record, key, value);
	return case_record_write(case_dir, record);
}
