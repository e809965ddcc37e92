/* kiln/fixture.h: a test case as loaded from a fixture file (format v1).
 *
 * Owner: ring0 core. fixture_load() validates strictly (unknown keys, wrong
 * types and bad values are errors naming file:line:column) and resolves every
 * guest path against the fixture's directory. A struct fixture owns all of
 * its strings and JSON values; fixture_free() releases them. The format is
 * documented key by key in docs/fixtures.md.
 */
#ifndef KILN_FIXTURE_H
#define KILN_FIXTURE_H

#include <jansson.h>
#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

/* A console pattern: a literal matched on the raw byte stream, or a POSIX
 * extended regex matched within one line (see docs/fixtures.md). */
struct pattern {
	char *text;
	bool is_regex;
	regex_t re; /* compiled when is_regex */
};

enum step_kind {
	STEP_EXPECT,	/* pattern */
	STEP_UNORDERED, /* children, all expects, any order */
	STEP_SEND,	/* bytes to the console */
	STEP_QMP,	/* command, optional expected return or error class */
	STEP_WAIT_EVENT,
};

struct step {
	enum step_kind kind;
	int line;	  /* where the step starts in the fixture file */
	char *id;	  /* optional name, for fail_patterns' from_step */
	double timeout_s; /* 0: only the case timeout applies */
	struct pattern pattern;
	struct step *children;
	size_t n_children;
	char *send;
	size_t send_len;
	char *qmp_command;
	json_t *qmp_arguments; /* owned, may be NULL */
	json_t *qmp_returns;   /* owned, subset to match, may be NULL */
	char *qmp_error_class; /* expected error class, or NULL */
	char *event;
	json_t *event_data; /* owned, subset to match, may be NULL */
};

struct fail_pattern {
	struct pattern pattern;
	size_t from_step; /* armed when this step starts (0: from boot) */
};

enum exit_kind {
	EXIT_DEBUG,    /* isa-debug-exit: QEMU status = code * 2 + 1 */
	EXIT_SHUTDOWN, /* the guest powers off */
	EXIT_RUNNING,  /* still running after the last step; Kiln quits it */
};

struct disk {
	char *file;
	char *format;	 /* raw, qcow2 */
	char *interface; /* virtio, ide */
	bool readonly;
};

struct fixture {
	char *path; /* as given */
	char *dir;  /* directory of path, base of relative guest paths */
	char *name; /* "<area>/<file stem>" unless the fixture names itself */
	char *description;

	struct {
		char *kernel;  /* absolute or relative to cwd, resolved */
		char *cmdline; /* may be NULL */
		char *initrd;
		char *symbols;
		char *panic_symbol;
		char **modules;
		size_t n_modules;
		struct disk *disks;
		size_t n_disks;
	} guest;

	struct {
		char *type;  /* pc, q35, microvm */
		char *accel; /* auto, tcg, kvm */
		char *bios;  /* resolved path or NULL */
		int memory_mb;
		int cpus;
		char **devices;
		size_t n_devices;
		char **qemu_args;
		size_t n_qemu_args;
	} machine;

	double timeout_s;
	double silent_timeout_s;
	char *marker_prefix;
	bool record;

	struct fail_pattern *fails;
	size_t n_fails;
	struct step *steps;
	size_t n_steps;

	struct {
		enum exit_kind kind;
		int code;
	} exit;
};

/* Load and validate path. On failure returns NULL and writes one message,
 * "file:line:column: reason", into err. The result is new. */
struct fixture *fixture_load(const char *path, char *err, size_t errlen);
void fixture_free(struct fixture *f);

/* Human name of a step, e.g. "expect 'RUGO: boot ok'". New string. */
char *fixture_step_describe(const struct step *s);

#endif
