/* fixture.c: strict loading of fixture files (format v1). See kiln/fixture.h.
 *
 * Validation is table driven: every object in a fixture has a key table
 * (name, type, required). Anything not in the table is an error, so that a
 * typo such as "timeuot_s" fails loudly instead of being silently ignored.
 */
#include "kiln/fixture.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kiln/jsonpos.h"
#include "kiln/text.h"
#include "kiln/util.h"

enum key_type { K_STRING, K_INT, K_NUMBER, K_BOOL, K_OBJECT, K_ARRAY, K_ANY };

struct key_spec {
	const char *key;
	enum key_type type;
	bool required;
};

struct load_ctx {
	const char *path;
	struct jsonpos *pos;
	char *err;
	size_t errlen;
	bool failed;
	struct fixture *f;
};

static void load_fail(struct load_ctx *c, const char *pointer, const char *fmt, ...)
	KILN_PRINTF(3, 4);

static void load_fail(struct load_ctx *c, const char *pointer, const char *fmt, ...)
{
	char reason[512];
	int line, column;
	va_list ap;

	if (c->failed)
		return; /* the first error is the one worth reading */
	c->failed = true;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	jsonpos_lookup(c->pos, pointer, &line, &column);
	snprintf(c->err, c->errlen, "%s:%d:%d: %s", c->path, line, column, reason);
}

static const char *key_type_name(enum key_type t)
{
	static const char *const names[] = {
		[K_STRING] = "a string",    [K_INT] = "an integer",   [K_NUMBER] = "a number",
		[K_BOOL] = "true or false", [K_OBJECT] = "an object", [K_ARRAY] = "an array",
		[K_ANY] = "a value"};
	return names[t];
}

static bool key_type_ok(enum key_type t, const json_t *v)
{
	switch (t) {
	case K_STRING: return json_is_string(v);
	case K_INT: return json_is_integer(v);
	case K_NUMBER: return json_is_number(v);
	case K_BOOL: return json_is_boolean(v);
	case K_OBJECT: return json_is_object(v);
	case K_ARRAY: return json_is_array(v);
	case K_ANY: return true;
	}
	return false;
}

/* Edit distance, for "did you mean" hints on unknown keys. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), prev[64], cur[64];

	if (la >= 63 || lb >= 63)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
		memcpy(prev, cur, sizeof(prev));
	}
	return prev[lb];
}

static const struct key_spec *spec_find(const struct key_spec *specs, const char *key)
{
	for (; specs->key; specs++)
		if (strcmp(specs->key, key) == 0)
			return specs;
	return NULL;
}

/* pointer + "/" + key, with key escaped as JSON pointer wants ('~' is "~0",
 * '/' is "~1"), so that the position index finds a key such as "a/b". New. */
static char *pointer_child(const char *pointer, const char *key)
{
	char *out = malloc(strlen(pointer) + 2 * strlen(key) + 2), *p;

	if (!out)
		abort();
	p = stpcpy(stpcpy(out, pointer), "/");
	for (; *key; key++) {
		if (*key == '~' || *key == '/') {
			*p++ = '~';
			*p++ = *key == '~' ? '0' : '1';
		} else {
			*p++ = *key;
		}
	}
	*p = '\0';
	return out;
}

/* Check obj (found at pointer, described as what) against specs. */
static bool check_object(struct load_ctx *c, const json_t *obj, const char *pointer,
			 const char *what, const struct key_spec *specs)
{
	const char *key;
	json_t *v;

	if (!json_is_object(obj)) {
		load_fail(c, pointer, "%s must be an object", what);
		return false;
	}
	json_object_foreach ((json_t *)obj, key, v) {
		const struct key_spec *s = spec_find(specs, key);
		char *ptr = pointer_child(pointer, key);

		if (!s) {
			const char *best = NULL;
			size_t best_d = 3; /* a hint only for a close key, the closest */
			for (const struct key_spec *k = specs; k->key; k++) {
				size_t d = edit_distance(key, k->key);
				if (d < best_d) {
					best = k->key;
					best_d = d;
				}
			}
			if (best)
				load_fail(c, ptr, "unknown key '%s' in %s (did you mean '%s'?)",
					  key, what, best);
			else
				load_fail(c, ptr, "unknown key '%s' in %s", key, what);
		} else if (!key_type_ok(s->type, v)) {
			load_fail(c, ptr, "'%s' must be %s", key, key_type_name(s->type));
		}
		free(ptr);
	}
	for (; specs->key; specs++)
		if (specs->required && !json_object_get(obj, specs->key))
			load_fail(c, pointer, "%s needs the key '%s'", what, specs->key);
	return !c->failed;
}

static char *opt_string(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? util_strdup(s) : NULL;
}

/* A guest path: relative paths are resolved against the fixture directory. */
static char *opt_path(struct load_ctx *c, const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? util_path_join(c->f->dir, s) : NULL;
}

static char **string_array(struct load_ctx *c, const json_t *arr, const char *pointer, bool as_path,
			   size_t *n)
{
	char **out = calloc(json_array_size(arr) + 1, sizeof(char *));
	size_t i;
	json_t *v;

	if (!out)
		abort();
	json_array_foreach (arr, i, v) {
		if (!json_is_string(v)) {
			char *ptr = util_strdup_printf("%s/%zu", pointer, i);
			load_fail(c, ptr, "must be a string");
			free(ptr);
			continue;
		}
		out[i] = as_path ? util_path_join(c->f->dir, json_string_value(v))
				 : util_strdup(json_string_value(v));
	}
	*n = json_array_size(arr);
	return out;
}

static void load_pattern(struct load_ctx *c, struct pattern *p, const char *text, bool is_regex,
			 const char *pointer)
{
	p->text = util_strdup(text);
	p->is_regex = is_regex;
	if (text[0] == '\0') {
		load_fail(c, pointer, "a pattern must not be empty");
		return;
	}
	if (!is_regex)
		return;
	if (strchr(text, '\n')) {
		/* A regex matches within one line, so it can never match this. */
		load_fail(c, pointer,
			  "a regex matches within one line; it cannot contain a newline");
		return;
	}
	int rc = regcomp(&p->re, text, REG_EXTENDED | REG_NEWLINE);
	if (rc != 0) {
		char msg[256];
		regerror(rc, &p->re, msg, sizeof(msg));
		p->is_regex = false; /* nothing compiled to free */
		load_fail(c, pointer, "bad regular expression '%s': %s", text, msg);
	}
}

static const struct key_spec guest_keys[] = {
	{"kernel", K_STRING, true},	   {"cmdline", K_STRING, false},
	{"initrd", K_STRING, false},	   {"symbols", K_STRING, false},
	{"panic_symbol", K_STRING, false}, {"modules", K_ARRAY, false},
	{"disks", K_ARRAY, false},	   {NULL, 0, false}};

static const struct key_spec disk_keys[] = {{"file", K_STRING, true},
					    {"format", K_STRING, false},
					    {"interface", K_STRING, false},
					    {"readonly", K_BOOL, false},
					    {NULL, 0, false}};

static void load_disks(struct load_ctx *c, const json_t *arr)
{
	struct fixture *f = c->f;
	size_t i;
	json_t *d;

	f->guest.disks = calloc(json_array_size(arr) + 1, sizeof(struct disk));
	if (!f->guest.disks)
		abort();
	json_array_foreach (arr, i, d) {
		char *ptr = util_strdup_printf("/guest/disks/%zu", i);
		struct disk *k = &f->guest.disks[i];

		if (check_object(c, d, ptr, "a disk", disk_keys)) {
			k->file = opt_path(c, d, "file");
			k->format = opt_string(d, "format");
			k->interface = opt_string(d, "interface");
			k->readonly = json_is_true(json_object_get(d, "readonly"));
			if (!k->format)
				k->format = util_strdup("raw");
			if (!k->interface)
				k->interface = util_strdup("virtio");
			if (strcmp(k->interface, "virtio") && strcmp(k->interface, "ide"))
				load_fail(c, ptr, "disk interface must be virtio or ide, not '%s'",
					  k->interface);
			if (strcmp(k->format, "raw") && strcmp(k->format, "qcow2"))
				load_fail(c, ptr, "disk format must be raw or qcow2, not '%s'",
					  k->format);
		}
		f->guest.n_disks = i + 1;
		free(ptr);
	}
}

static void load_guest(struct load_ctx *c, const json_t *g)
{
	struct fixture *f = c->f;
	const json_t *v;

	if (!check_object(c, g, "/guest", "guest", guest_keys))
		return;
	f->guest.kernel = opt_path(c, g, "kernel");
	f->guest.cmdline = opt_string(g, "cmdline");
	f->guest.initrd = opt_path(c, g, "initrd");
	f->guest.symbols = opt_path(c, g, "symbols");
	f->guest.panic_symbol = opt_string(g, "panic_symbol");
	if ((v = json_object_get(g, "modules")))
		f->guest.modules = string_array(c, v, "/guest/modules", true, &f->guest.n_modules);
	if (f->guest.initrd && f->guest.n_modules)
		load_fail(
			c, "/guest/modules",
			"use either initrd or modules, not both (QEMU passes both through -initrd)");
	if ((v = json_object_get(g, "disks")))
		load_disks(c, v);
}

static const struct key_spec machine_keys[] = {
	{"type", K_STRING, false},     {"accel", K_STRING, false},
	{"bios", K_STRING, false},     {"memory_mb", K_INT, false},
	{"cpus", K_INT, false},	       {"devices", K_ARRAY, false},
	{"qemu_args", K_ARRAY, false}, {NULL, 0, false}};

static bool one_of(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (strcmp(s, *set) == 0)
			return true;
	return false;
}

static void load_machine(struct load_ctx *c, const json_t *m)
{
	static const char *const types[] = {"pc", "q35", "microvm", NULL};
	static const char *const accels[] = {"auto", "tcg", "kvm", NULL};
	struct fixture *f = c->f;
	const json_t *v;

	if (m && !check_object(c, m, "/machine", "machine", machine_keys))
		return;
	f->machine.type = m ? opt_string(m, "type") : NULL;
	f->machine.accel = m ? opt_string(m, "accel") : NULL;
	f->machine.bios = m ? opt_path(c, m, "bios") : NULL;
	if (!f->machine.type)
		f->machine.type = util_strdup("pc");
	if (!f->machine.accel)
		f->machine.accel = util_strdup("tcg");
	if (!one_of(f->machine.type, types))
		load_fail(c, "/machine/type", "machine type must be pc, q35 or microvm, not '%s'",
			  f->machine.type);
	if (!one_of(f->machine.accel, accels))
		load_fail(c, "/machine/accel", "accel must be auto, tcg or kvm, not '%s'",
			  f->machine.accel);
	f->machine.memory_mb = 128;
	f->machine.cpus = 1;
	if (m && (v = json_object_get(m, "memory_mb")))
		f->machine.memory_mb = (int)json_integer_value(v);
	if (m && (v = json_object_get(m, "cpus")))
		f->machine.cpus = (int)json_integer_value(v);
	if (f->machine.memory_mb < 2 || f->machine.memory_mb > 65536)
		load_fail(c, "/machine/memory_mb", "memory_mb must be between 2 and 65536");
	if (f->machine.cpus < 1 || f->machine.cpus > 64)
		load_fail(c, "/machine/cpus", "cpus must be between 1 and 64");
	if (m && (v = json_object_get(m, "devices")))
		f->machine.devices =
			string_array(c, v, "/machine/devices", false, &f->machine.n_devices);
	if (m && (v = json_object_get(m, "qemu_args")))
		f->machine.qemu_args =
			string_array(c, v, "/machine/qemu_args", false, &f->machine.n_qemu_args);
}

static bool load_timeout(struct load_ctx *c, const json_t *obj, const char *key,
			 const char *pointer, double *out)
{
	const json_t *v = json_object_get(obj, key);

	if (!v)
		return false;
	*out = json_number_value(v);
	if (*out <= 0 || *out > 86400) {
		char *ptr = util_strdup_printf("%s/%s", pointer, key);
		load_fail(c, ptr, "%s must be more than 0 and at most 86400 seconds", key);
		free(ptr);
	}
	return true;
}

/* The action keys of a step; a step has exactly one. */
static const char *const step_actions[] = {"expect", "expect_re",  "unordered", "send",
					   "qmp",    "wait_event", NULL};

static const struct key_spec step_keys[] = {{"expect", K_STRING, false},
					    {"expect_re", K_STRING, false},
					    {"unordered", K_ARRAY, false},
					    {"send", K_STRING, false},
					    {"qmp", K_STRING, false},
					    {"wait_event", K_STRING, false},
					    {"arguments", K_OBJECT, false},
					    {"returns", K_ANY, false},
					    {"error_class", K_STRING, false},
					    {"data", K_OBJECT, false},
					    {"id", K_STRING, false},
					    {"timeout_s", K_NUMBER, false},
					    {NULL, 0, false}};

/* Keys that only make sense with one action. */
static const struct {
	const char *key, *action;
} step_key_owner[] = {{"arguments", "qmp"},
		      {"returns", "qmp"},
		      {"error_class", "qmp"},
		      {"data", "wait_event"}};

static void load_step(struct load_ctx *c, struct step *s, const json_t *o, const char *pointer,
		      bool in_group);

static const char *step_action(struct load_ctx *c, const json_t *o, const char *pointer)
{
	const char *action = NULL;

	for (const char *const *a = step_actions; *a; a++) {
		if (!json_object_get(o, *a))
			continue;
		if (action) {
			load_fail(c, pointer,
				  "a step has one action, but this one has '%s' and '%s'", action,
				  *a);
			return NULL;
		}
		action = *a;
	}
	if (!action)
		load_fail(
			c, pointer,
			"a step needs one of expect, expect_re, unordered, send, qmp, wait_event");
	for (size_t i = 0; action && i < sizeof(step_key_owner) / sizeof(step_key_owner[0]); i++) {
		if (json_object_get(o, step_key_owner[i].key) &&
		    strcmp(action, step_key_owner[i].action) != 0) {
			char *ptr = util_strdup_printf("%s/%s", pointer, step_key_owner[i].key);
			load_fail(c, ptr, "'%s' belongs to a '%s' step, not '%s'",
				  step_key_owner[i].key, step_key_owner[i].action, action);
			free(ptr);
		}
	}
	return action;
}

static void load_unordered(struct load_ctx *c, struct step *s, const json_t *arr,
			   const char *pointer)
{
	size_t i;
	json_t *child;

	s->children = calloc(json_array_size(arr) + 1, sizeof(struct step));
	if (!s->children)
		abort();
	if (json_array_size(arr) == 0)
		load_fail(c, pointer, "an unordered group needs at least one step");
	json_array_foreach (arr, i, child) {
		char *ptr = util_strdup_printf("%s/unordered/%zu", pointer, i);
		load_step(c, &s->children[i], child, ptr, true);
		s->n_children = i + 1;
		free(ptr);
	}
}

static void load_step(struct load_ctx *c, struct step *s, const json_t *o, const char *pointer,
		      bool in_group)
{
	const char *action;
	int column;
	char *ptr;

	jsonpos_lookup(c->pos, pointer, &s->line, &column);
	if (!check_object(c, o, pointer, "a step", step_keys))
		return;
	if (!(action = step_action(c, o, pointer)))
		return;
	s->id = opt_string(o, "id");
	load_timeout(c, o, "timeout_s", pointer, &s->timeout_s);
	ptr = util_strdup_printf("%s/%s", pointer, action);
	if (in_group && strcmp(action, "expect") && strcmp(action, "expect_re"))
		load_fail(c, ptr, "an unordered group holds only expect and expect_re steps");
	const json_t *v = json_object_get(o, action);
	if (!strcmp(action, "expect") || !strcmp(action, "expect_re")) {
		s->kind = STEP_EXPECT;
		load_pattern(c, &s->pattern, json_string_value(v), action[6] == '_', ptr);
	} else if (!strcmp(action, "unordered")) {
		s->kind = STEP_UNORDERED;
		load_unordered(c, s, v, pointer);
	} else if (!strcmp(action, "send")) {
		s->kind = STEP_SEND;
		s->send_len = json_string_length(v);
		s->send = malloc(s->send_len + 1);
		if (!s->send)
			abort();
		memcpy(s->send, json_string_value(v), s->send_len + 1);
	} else if (!strcmp(action, "qmp")) {
		s->kind = STEP_QMP;
		s->qmp_command = util_strdup(json_string_value(v));
		s->qmp_arguments = json_incref(json_object_get(o, "arguments"));
		s->qmp_returns = json_incref(json_object_get(o, "returns"));
		s->qmp_error_class = opt_string(o, "error_class");
		if (s->qmp_returns && s->qmp_error_class)
			load_fail(c, pointer,
				  "a qmp step expects either 'returns' or 'error_class', not both");
	} else {
		s->kind = STEP_WAIT_EVENT;
		s->event = util_strdup(json_string_value(v));
		s->event_data = json_incref(json_object_get(o, "data"));
	}
	free(ptr);
}

static void load_steps(struct load_ctx *c, const json_t *arr)
{
	struct fixture *f = c->f;
	size_t i;
	json_t *o;

	f->steps = calloc(json_array_size(arr) + 1, sizeof(struct step));
	if (!f->steps)
		abort();
	json_array_foreach (arr, i, o) {
		char *ptr = util_strdup_printf("/steps/%zu", i);
		load_step(c, &f->steps[i], o, ptr, false);
		f->n_steps = i + 1;
		free(ptr);
	}
	for (i = 0; i < f->n_steps; i++)
		for (size_t j = 0; f->steps[i].id && j < i; j++)
			if (f->steps[j].id && !strcmp(f->steps[i].id, f->steps[j].id)) {
				char *ptr = util_strdup_printf("/steps/%zu/id", i);
				load_fail(c, ptr, "step id '%s' is used twice", f->steps[i].id);
				free(ptr);
			}
}

static const struct key_spec fail_keys[] = {{"literal", K_STRING, false},
					    {"regex", K_STRING, false},
					    {"from_step", K_ANY, false},
					    {NULL, 0, false}};

/* from_step names a step by index or by id. */
static void load_from_step(struct load_ctx *c, struct fail_pattern *fp, const json_t *v,
			   const char *pointer)
{
	struct fixture *f = c->f;

	if (json_is_integer(v) && json_integer_value(v) >= 0 &&
	    (size_t)json_integer_value(v) < f->n_steps) {
		fp->from_step = (size_t)json_integer_value(v);
		return;
	}
	for (size_t i = 0; json_is_string(v) && i < f->n_steps; i++) {
		if (f->steps[i].id && !strcmp(f->steps[i].id, json_string_value(v))) {
			fp->from_step = i;
			return;
		}
	}
	load_fail(c, pointer, "from_step must be a step index (0 to %zu) or a step id",
		  f->n_steps ? f->n_steps - 1 : 0);
}

static void load_fails(struct load_ctx *c, const json_t *arr)
{
	struct fixture *f = c->f;
	size_t i;
	json_t *o;

	f->fails = calloc(json_array_size(arr) + 1, sizeof(struct fail_pattern));
	if (!f->fails)
		abort();
	json_array_foreach (arr, i, o) {
		char *ptr = util_strdup_printf("/fail_patterns/%zu", i);
		struct fail_pattern *fp = &f->fails[i];
		f->n_fails = i + 1;
		if (json_is_string(o)) {
			load_pattern(c, &fp->pattern, json_string_value(o), false, ptr);
		} else if (check_object(c, o, ptr, "a fail pattern", fail_keys)) {
			const json_t *lit = json_object_get(o, "literal");
			const json_t *re = json_object_get(o, "regex");
			const json_t *from = json_object_get(o, "from_step");
			if (!lit == !re)
				load_fail(
					c, ptr,
					"a fail pattern needs exactly one of 'literal' and 'regex'");
			else
				load_pattern(c, &fp->pattern, json_string_value(lit ? lit : re),
					     re != NULL, ptr);
			if (from) {
				char *fptr = util_strdup_printf("%s/from_step", ptr);
				load_from_step(c, fp, from, fptr);
				free(fptr);
			}
		}
		free(ptr);
	}
}

static const struct key_spec exit_keys[] = {{"debug_exit", K_INT, false},
					    {"shutdown", K_BOOL, false},
					    {"running", K_BOOL, false},
					    {NULL, 0, false}};

static void load_exit(struct load_ctx *c, const json_t *o)
{
	struct fixture *f = c->f;
	const json_t *code = json_object_get(o, "debug_exit");
	int n = 0;

	if (!check_object(c, o, "/exit", "exit", exit_keys))
		return;
	n = (code != NULL) + json_is_true(json_object_get(o, "shutdown")) +
	    json_is_true(json_object_get(o, "running"));
	if (n != 1 || json_object_size(o) != 1) {
		load_fail(
			c, "/exit",
			"exit needs exactly one of {\"debug_exit\": N}, {\"shutdown\": true}, {\"running\": true}");
		return;
	}
	if (code) {
		f->exit.kind = EXIT_DEBUG;
		f->exit.code = (int)json_integer_value(code);
		/* QEMU's status is code*2+1 and must fit in 8 bits. */
		if (json_integer_value(code) < 0 || json_integer_value(code) > 127)
			load_fail(c, "/exit/debug_exit", "debug_exit must be 0 to 127");
	} else {
		f->exit.kind = json_object_get(o, "shutdown") ? EXIT_SHUTDOWN : EXIT_RUNNING;
	}
}

static const struct key_spec top_keys[] = {
	{"name", K_STRING, false},	    {"description", K_STRING, false},
	{"guest", K_OBJECT, true},	    {"machine", K_OBJECT, false},
	{"timeout_s", K_NUMBER, false},	    {"silent_timeout_s", K_NUMBER, false},
	{"marker_prefix", K_STRING, false}, {"fail_patterns", K_ARRAY, false},
	{"steps", K_ARRAY, true},	    {"exit", K_OBJECT, true},
	{"record", K_BOOL, false},	    {NULL, 0, false}};

static char *default_name(const char *path)
{
	char *dir = util_dirname(path);
	const char *base = util_basename(path);
	size_t len = strlen(base);
	char *name;

	if (len > 5 && strcmp(base + len - 5, ".json") == 0)
		len -= 5;
	name = util_strdup_printf("%s/%.*s", util_basename(dir), (int)len, base);
	free(dir);
	return name;
}

static void load_top(struct load_ctx *c, const json_t *root)
{
	struct fixture *f = c->f;
	const json_t *v;

	if (!check_object(c, root, "", "a fixture", top_keys))
		return;
	f->name = opt_string(root, "name");
	if (!f->name)
		f->name = default_name(f->path);
	f->description = opt_string(root, "description");
	load_guest(c, json_object_get(root, "guest"));
	load_machine(c, json_object_get(root, "machine"));
	f->timeout_s = 30;
	load_timeout(c, root, "timeout_s", "", &f->timeout_s);
	f->silent_timeout_s = f->timeout_s < 10 ? f->timeout_s : 10;
	load_timeout(c, root, "silent_timeout_s", "", &f->silent_timeout_s);
	f->marker_prefix = opt_string(root, "marker_prefix");
	if (f->marker_prefix && !f->marker_prefix[0])
		load_fail(c, "/marker_prefix", "marker_prefix must not be empty");
	f->record = json_is_true(json_object_get(root, "record"));
	load_steps(c, json_object_get(root, "steps"));
	if ((v = json_object_get(root, "fail_patterns")))
		load_fails(c, v);
	load_exit(c, json_object_get(root, "exit"));
}

struct fixture *fixture_load(const char *path, char *err, size_t errlen)
{
	struct load_ctx c = {path, NULL, err, errlen, false, NULL};
	json_error_t jerr;
	json_t *root = NULL;
	size_t len = 0;
	char *text = util_read_file(path, &len);

	if (!text) {
		snprintf(err, errlen, "%s:0:0: cannot read: %s", path, strerror(errno));
		return NULL;
	}
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		snprintf(err, errlen, "%s:%d:%d: %s", path, jerr.line, jerr.column, jerr.text);
		free(text);
		return NULL;
	}
	c.pos = jsonpos_new(text, len);
	c.f = calloc(1, sizeof(*c.f));
	if (!c.f)
		abort();
	c.f->path = util_strdup(path);
	c.f->dir = util_dirname(path);
	load_top(&c, root);
	jsonpos_free(c.pos);
	json_decref(root);
	free(text);
	if (c.failed) {
		fixture_free(c.f);
		return NULL;
	}
	return c.f;
}

static void pattern_free(struct pattern *p)
{
	if (p->is_regex)
		regfree(&p->re);
	free(p->text);
}

static void step_free(struct step *s)
{
	for (size_t i = 0; i < s->n_children; i++)
		step_free(&s->children[i]);
	free(s->children);
	pattern_free(&s->pattern);
	free(s->id);
	free(s->send);
	free(s->qmp_command);
	json_decref(s->qmp_arguments);
	json_decref(s->qmp_returns);
	free(s->qmp_error_class);
	free(s->event);
	json_decref(s->event_data);
}

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

void fixture_free(struct fixture *f)
{
	if (!f)
		return;
	free(f->path);
	free(f->dir);
	free(f->name);
	free(f->description);
	free(f->guest.kernel);
	free(f->guest.cmdline);
	free(f->guest.initrd);
	free(f->guest.symbols);
	free(f->guest.panic_symbol);
	strv_free(f->guest.modules, f->guest.n_modules);
	for (size_t i = 0; f->guest.disks && i < f->guest.n_disks; i++) {
		free(f->guest.disks[i].file);
		free(f->guest.disks[i].format);
		free(f->guest.disks[i].interface);
	}
	free(f->guest.disks);
	free(f->machine.type);
	free(f->machine.accel);
	free(f->machine.bios);
	strv_free(f->machine.devices, f->machine.n_devices);
	strv_free(f->machine.qemu_args, f->machine.n_qemu_args);
	free(f->marker_prefix);
	for (size_t i = 0; f->fails && i < f->n_fails; i++)
		pattern_free(&f->fails[i].pattern);
	free(f->fails);
	for (size_t i = 0; f->steps && i < f->n_steps; i++)
		step_free(&f->steps[i]);
	free(f->steps);
	free(f);
}

char *fixture_step_describe(const struct step *s)
{
	char *text, *d;

	switch (s->kind) {
	case STEP_EXPECT:
		text = text_escape_controls(s->pattern.text, strlen(s->pattern.text));
		d = util_strdup_printf("%s '%s'", s->pattern.is_regex ? "expect_re" : "expect",
				       text);
		free(text);
		return d;
	case STEP_UNORDERED: return util_strdup_printf("unordered group of %zu", s->n_children);
	case STEP_SEND: return util_strdup_printf("send %zu bytes", s->send_len);
	case STEP_QMP: return util_strdup_printf("qmp '%s'", s->qmp_command);
	case STEP_WAIT_EVENT: return util_strdup_printf("wait_event '%s'", s->event);
	}
	return util_strdup("?");
}
