/* diag_cli.c: `kiln diag`, the normalizer as a command.
 *
 * Owner: diagnostics. It reads files (or stdin), prints one SMOKES_* line per
 * distinct problem on stderr, and exits 0 (nothing that fails), 1 (an error,
 * or any finding under CI_STRICT=1) or 2 (usage, unreadable input). The
 * lines wait for the end of the input: a kernel report's title is known at
 * its end, and ld_failed only when nothing explains the failure better.
 * docs/diagnostics.md is the user's side of this file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diag_rule.h"
#include "kiln/diag/diag.h"
#include "kiln/lib/outcome.h"
#include "kiln/lib/util.h"

enum { DIAG_EXIT_OK = 0, DIAG_EXIT_FAILED = 1 };

struct diag_opts {
	enum diag_source from;
	bool strict, keep_raw, json_only, list_rules, triple_fault;
	int exit_status; /* a waitpid() status, or -1 when not given */
	char **files;
	int nfiles;
};

static void usage(void)
{
	util_err("usage: kiln diag [--from ld|qemu|console|auto] [--exit-code N] [--exit-signal N] "
		 "[--triple-fault] [--list-rules] [FILE...]");
}

static int parse_args(int argc, char **argv, struct diag_opts *o)
{
	int i, v;

	for (i = 1; i < argc && argv[i] && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--")) {
			i++;
			break;
		} else if (!strcmp(a, "--from") && val && !diag_source_parse(val, &o->from)) {
			i++;
		} else if (!strcmp(a, "--exit-code") && val &&
			   util_parse_int(val, 0, 255, &v) == 0) {
			o->exit_status = W_EXITCODE(v, 0);
			i++;
		} else if (!strcmp(a, "--exit-signal") && val &&
			   util_parse_int(val, 1, 127, &v) == 0) {
			o->exit_status = W_EXITCODE(0, v);
			i++;
		} else if (!strcmp(a, "--triple-fault")) {
			o->triple_fault = true;
		} else if (!strcmp(a, "--list-rules")) {
			o->list_rules = true;
		} else {
			util_err("diag: bad argument '%s'%s", a,
				 val ? "" : " (or its value is missing)");
			return -1;
		}
	}
	o->files = argv + i;
	o->nfiles = argc - i;
	return 0;
}

/* Scan one input; with keep_raw, copy it to stderr as it is read, so the full
 * linker output comes first and the short lines after it. */
static int scan_input(struct diag_set *set, const struct diag_opts *o, const char *path)
{
	static char buf[1 << 20];
	bool is_stdin = !strcmp(path, "-");
	int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC), err = 0;
	struct diag_scan *scan;
	ssize_t n;

	if (fd < 0) {
		util_err("diag: cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	scan = diag_scan_new(set, o->from);
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = errno;
			break;
		}
		if (o->keep_raw)
			util_write_all(STDERR_FILENO, buf, (size_t)n);
		diag_scan_feed(scan, buf, (size_t)n);
	}
	diag_scan_end(scan);
	if (!is_stdin)
		close(fd);
	if (err) {
		util_err("diag: cannot read %s: %s", path, strerror(err));
		return -1;
	}
	return 0;
}

static const char *source_name(enum diag_source s)
{
	return s == DIAG_FROM_LD ? "ld" : s == DIAG_FROM_QEMU ? "qemu" : "console";
}

static void list_row(const char *source, const struct diag_rule *r)
{
	char strips[160] = "";

	for (unsigned b = 0; b < DIAG_STRIP_COUNT; b++) {
		if (!(r->strips & (1u << b)))
			continue;
		if (strips[0])
			strcat(strips, ",");
		strcat(strips, diag_strip_name(1u << b));
	}
	printf("%s\t%s\t%s\t%s\t%s\t%s\n", source, r->code ? r->code : "-",
	       !r->code			 ? "-"
	       : r->severity == DIAG_ERR ? "error"
					 : "warning",
	       r->trigger, strips[0] ? strips : "-", r->pattern);
}

/* One row per rule, tab-separated: source, code, severity, trigger, strips,
 * template. The catalogue test and the benchmark read it. */
static void list_rules(void)
{
	const struct diag_table *tables[] = {&diag_table_ld, &diag_table_qemu, &diag_table_console};

	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		for (size_t i = 0; i < tables[t]->count; i++)
			list_row(source_name(tables[t]->source), &tables[t]->rules[i]);
	for (size_t i = 0; i < diag_exit_code_count; i++)
		list_row("exit", &diag_exit_codes[i]);
}

static void print_findings(const struct diag_set *set, const struct diag_opts *o)
{
	char *text;

	if (o->json_only) {
		json_t *arr = diag_set_to_json(set, o->strict);

		json_dumpf(arr, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(arr);
		return;
	}
	/* one write, so the lines stay together among parallel jobs' output */
	text = diag_set_text(set, o->strict);
	util_write_all(STDERR_FILENO, text, strlen(text));
	free(text);
}

int diag_main(int argc, char **argv)
{
	struct diag_opts o = {.from = DIAG_FROM_AUTO, .exit_status = -1};
	struct diag_set *set;
	char *dash[] = {"-"};
	const char *keep;
	int rc = DIAG_EXIT_OK;

	if (parse_args(argc, argv, &o)) {
		usage();
		return KILN_EXIT_USAGE;
	}
	if (o.list_rules) {
		list_rules();
		return DIAG_EXIT_OK;
	}
	o.strict = diag_strict_from_env();
	o.json_only = util_json_only();
	keep = getenv("SMOKES_KEEP_LD");
	o.keep_raw = !o.json_only && keep && !strcmp(keep, "1");
	if (o.nfiles == 0) {
		o.files = dash;
		o.nfiles = 1;
	}
	set = diag_set_new();
	for (int i = 0; i < o.nfiles; i++)
		if (scan_input(set, &o, o.files[i]))
			rc = KILN_EXIT_USAGE;
	if (o.exit_status >= 0 || o.triple_fault)
		diag_note_exit(set, o.exit_status >= 0 ? o.exit_status : 0, o.triple_fault);
	print_findings(set, &o);
	if (rc == DIAG_EXIT_OK && diag_set_failed(set, o.strict))
		rc = DIAG_EXIT_FAILED;
	diag_set_free(set);
	return rc;
}
