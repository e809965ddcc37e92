/* libkiln_result.c: result handles, their references and views, and the
 * per-thread last error. See kiln/libkiln/kiln.h.
 *
 * Owner: libkiln. A handle is a serial number, never reused, that the table
 * maps to its result; every use looks it up first under one mutex. So a
 * released handle, or a pointer that was never a handle, is an error that
 * names itself, never a read of freed memory, and a stale handle can never
 * reach a newer result that happens to sit at the same address. The table
 * is a plain array: a caller holds a handful of results at a time.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libkiln_private.h"

struct libkiln_entry {
	uintptr_t serial;
	long refs;
	int status;
	char *json; /* the view, NUL-terminated */
	size_t len;
};

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static struct libkiln_entry *table;
static size_t table_len, table_cap;
static uintptr_t table_next_serial = 1;

/* A fixed buffer, not a malloc'd string: a thread that ends leaves
 * nothing behind to leak. */
static _Thread_local char error_text[2048];
static _Thread_local int error_set;

void libkiln_error_set(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(error_text, sizeof(error_text), fmt, ap);
	va_end(ap);
	error_set = 1;
}

void libkiln_error_clear(void)
{
	error_set = 0;
}

const char *kiln_last_error(void)
{
	return error_set ? error_text : NULL;
}

unsigned kiln_abi_version(void)
{
	return KILN_ABI_VERSION;
}

kiln_result *libkiln_result_new(const json_t *value, int status)
{
	char *text = json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY);
	uintptr_t serial;

	if (!text)
		abort(); /* only out of memory: every string in it is UTF-8 */
	pthread_mutex_lock(&table_lock);
	if (table_len == table_cap) {
		table_cap = table_cap ? table_cap * 2 : 16;
		table = util_realloc(table, table_cap * sizeof(*table));
	}
	serial = table_next_serial++;
	table[table_len++] = (struct libkiln_entry){serial, 1, status, text, strlen(text)};
	pthread_mutex_unlock(&table_lock);
	return (kiln_result *)serial;
}

/* The entry of h, with table_lock held; NULL (and the error set) when h is
 * not live. who names the function in the message. */
static struct libkiln_entry *entry_find(const kiln_result *h, const char *who)
{
	uintptr_t serial = (uintptr_t)h;

	for (size_t i = 0; i < table_len; i++)
		if (table[i].serial == serial)
			return &table[i];
	if (!h)
		libkiln_error_set("%s: the result is NULL", who);
	else
		libkiln_error_set("%s: %#lx is not a live result (released, or never made by "
				  "libkiln)",
				  who, (unsigned long)serial);
	return NULL;
}

kiln_result *kiln_retain(kiln_result *h)
{
	struct libkiln_entry *e;

	libkiln_error_clear();
	pthread_mutex_lock(&table_lock);
	e = entry_find(h, "kiln_retain");
	if (e)
		e->refs++;
	pthread_mutex_unlock(&table_lock);
	return e ? h : NULL;
}

int kiln_release(kiln_result *h)
{
	struct libkiln_entry *e;
	char *dead = NULL;

	libkiln_error_clear();
	if (!h)
		return 0;
	pthread_mutex_lock(&table_lock);
	e = entry_find(h, "kiln_release");
	if (e && --e->refs == 0) {
		dead = e->json;
		*e = table[--table_len];
	}
	pthread_mutex_unlock(&table_lock);
	free(dead);
	return e ? 0 : -1;
}

const char *kiln_to_utf8(const kiln_result *h, size_t *len)
{
	struct libkiln_entry *e;
	const char *view = NULL;

	libkiln_error_clear();
	pthread_mutex_lock(&table_lock);
	e = entry_find(h, "kiln_to_utf8");
	if (e) {
		view = e->json;
		if (len)
			*len = e->len;
	}
	pthread_mutex_unlock(&table_lock);
	return view;
}

int kiln_result_status(const kiln_result *h)
{
	struct libkiln_entry *e;
	int status = -1;

	libkiln_error_clear();
	pthread_mutex_lock(&table_lock);
	e = entry_find(h, "kiln_result_status");
	if (e)
		status = e->status;
	pthread_mutex_unlock(&table_lock);
	return status;
}

json_t *libkiln_options_parse(const char *who, const char *options_json)
{
	json_error_t jerr;
	json_t *o;

	if (!options_json || !options_json[0])
		return json_object();
	o = json_loads(options_json, JSON_REJECT_DUPLICATES, &jerr);
	if (!o) {
		libkiln_error_set("%s: options:%d:%d: %s", who, jerr.line, jerr.column, jerr.text);
		return NULL;
	}
	if (!json_is_object(o)) {
		libkiln_error_set("%s: options must be a JSON object", who);
		json_decref(o);
		return NULL;
	}
	return o;
}
