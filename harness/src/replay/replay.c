/* replay.c: `kiln replay CASE_DIR`. See kiln/replay.h and docs/replay.md.
 *
 * From a case directory to a running replay: read the recipe, go where the
 * run's relative paths point, check every input's hash, load the fixture and
 * check that it still describes the run's machine, then prepare the private
 * socket directory, the gdbstub and rr arguments and the gdbinit, and hand
 * over to replay_session_run().
 */
#include "kiln/replay/replay.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kiln/backend/qemu/qemu_argv.h"
#include "kiln/engine/replay_recipe.h"
#include "kiln/lib/outcome.h"
#include "kiln/lib/util.h"
#include "kiln/replay/replay_record.h"
#include "replay_gdb.h"

struct replay_opts {
	const char *case_dir;
	const char *out_dir;
	const char *batch_file;
	enum replay_mode mode;
	bool force;
	double timeout_s; /* --no-gdb; 0: the fixture's */
};

struct replay {
	struct replay_opts o;
	char *case_dir; /* absolute */
	json_t *record; /* case.json, owned */
	const json_t *recipe;
	struct fixture *f;
	char *gdb;
	char *out_dir, *run_dir;
	char **extra_args;
};

static void usage(void)
{
	dprintf(2, "usage: kiln replay CASE_DIR [--gdb | --gdb-batch FILE | --no-gdb] [--force]\n"
		   "                   [--out DIR] [--timeout S]\n"
		   "  (no mode)        start the guest paused and print the gdb command to attach\n"
		   "  --gdb            run gdb in the foreground\n"
		   "  --gdb-batch FILE run gdb on the commands in FILE; its output on stdout\n"
		   "  --no-gdb         run to the end and compare the console with the run's\n"
		   "  --force          replay even if the guest's inputs changed since the run\n"
		   "  --out DIR        console.log, gdbinit, gdb.log (default CASE_DIR/replay)\n"
		   "  --timeout S      bound --gdb-batch (none by default) or --no-gdb (default:\n"
		   "                   the fixture's timeout)\n");
}

static int replay_parse(struct replay_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"gdb", no_argument, NULL, 'g'},       {"gdb-batch", required_argument, NULL, 'b'},
		{"no-gdb", no_argument, NULL, 'n'},    {"force", no_argument, NULL, 'f'},
		{"out", required_argument, NULL, 'o'}, {"timeout", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},      {NULL, 0, NULL, 0}};
	int c, modes = 0;
	char *end;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'g':
			o->mode = REPLAY_MODE_GDB;
			modes++;
			break;
		case 'b':
			o->mode = REPLAY_MODE_BATCH;
			o->batch_file = optarg;
			modes++;
			break;
		case 'n':
			o->mode = REPLAY_MODE_CONSOLE;
			modes++;
			break;
		case 'f': o->force = true; break;
		case 'o': o->out_dir = optarg; break;
		case 't':
			o->timeout_s = strtod(optarg, &end);
			if (*end || o->timeout_s <= 0) {
				util_err("replay: --timeout takes a number of seconds above 0");
				return -1;
			}
			break;
		case 'h': usage(); exit(0);
		default: usage(); return -1;
		}
	}
	if (o->timeout_s > 0 && o->mode != REPLAY_MODE_BATCH && o->mode != REPLAY_MODE_CONSOLE) {
		util_err(
			"replay: --timeout bounds --gdb-batch and --no-gdb only: no timeout applies "
			"while gdb is attached interactively");
		return -1;
	}
	if (modes > 1 || optind != argc - 1) {
		util_err(modes > 1 ? "replay: --gdb, --gdb-batch and --no-gdb exclude each other"
				   : "replay: name one case directory (reports/<run>/<case>)");
		usage();
		return -1;
	}
	o->case_dir = argv[optind];
	return 0;
}

/* Read case.json and its recipe. A case whose failure was recorded again
 * (--record-failures) is replayed from that recording. */
static int replay_load(struct replay *r)
{
	char abs[PATH_MAX], *path;
	json_error_t jerr;

	if (!realpath(r->o.case_dir, abs)) {
		util_err("replay: %s: %s", r->o.case_dir, strerror(errno));
		return -1;
	}
	for (int pass = 0; pass < 2; pass++) {
		free(r->case_dir);
		json_decref(r->record);
		r->case_dir = util_strdup(abs);
		path = util_strdup_printf("%s/case.json", abs);
		r->record = json_load_file(path, 0, &jerr);
		free(path);
		if (!r->record) {
			util_err("replay: %s/case.json: %s", abs, jerr.text);
			return -1;
		}
		r->recipe = json_object_get(r->record, "replay");
		const json_t *again = json_object_get(r->record, "record_failures");
		if (pass || !json_is_object(r->recipe) ||
		    json_is_object(json_object_get(r->recipe, "record")) ||
		    !json_is_true(json_object_get(again, "reproduced")))
			break;
		util_note(
			"replay: the failure was recorded again in %s/%s; replaying that recording",
			r->o.case_dir, REPLAY_RECORD_DIR);
		snprintf(abs + strlen(abs), sizeof(abs) - strlen(abs), "/%s", REPLAY_RECORD_DIR);
	}
	const json_t *base = json_object_get(r->record, "base");
	const char *role = json_string_value(json_object_get(base, "role")) ?: "";
	if (strcmp(role, "restored") == 0 || strcmp(role, "not_restored") == 0) {
		/* The saved state lives only as long as its run (base_group.c). */
		util_err("replay: %s started from the saved state of base %s, which kiln keeps "
			 "only for its run, so replay cannot restore it; replay the base's boot "
			 "with `kiln replay <run>/%s`, or run the case again with `kiln run`, "
			 "which boots its base once and restores it",
			 r->case_dir, json_string_value(json_object_get(base, "name")) ?: "?",
			 json_string_value(json_object_get(base, "dir")) ?: "?");
		return -1;
	}
	if (json_array_size(json_object_get(r->record, "network"))) {
		/* Its datagrams came from Kiln, not from QEMU's record. */
		util_err("replay: %s talked to its guest over the network (machine.network, "
			 "udp_send steps), and replay cannot send those datagrams again nor "
			 "record a user-mode network; run the case again with `kiln run`",
			 r->case_dir);
		return -1;
	}
	if (!json_is_object(r->recipe) ||
	    strcmp(json_string_value(json_object_get(r->recipe, "schema")) ?: "",
		   REPLAY_RECIPE_SCHEMA)) {
		util_err(
			"replay: %s/case.json has no %s recipe (a kiln older than replay wrote it); "
			"run the case again",
			r->case_dir, REPLAY_RECIPE_SCHEMA);
		return -1;
	}
	return 0;
}

/* The run's relative paths are against its working directory, and its
 * KILN_* variables chose its QEMU: take both where they still apply. */
static void replay_enter_run_env(struct replay *r)
{
	const char *cwd = json_string_value(json_object_get(r->recipe, "cwd"));
	const char *name;
	json_t *v;

	if (cwd && chdir(cwd) < 0)
		util_note("replay: the run's directory %s is not here (%s); paths are taken from "
			  "the current directory",
			  cwd, strerror(errno));
	json_object_foreach (json_object_get(r->recipe, "env"), name, v) {
		const char *now = getenv(name), *was = json_string_value(v);
		if (!was || strncmp(name, "KILN_", 5) != 0)
			continue;
		if (!now) {
			setenv(name, was, 1);
			util_note("replay: %s=%s, as in the run", name, was);
		} else if (strcmp(now, was) != 0) {
			util_note("replay: %s is '%s' here, was '%s' in the run", name, now, was);
		}
	}
}

/* Does the fixture still make the run's machine? One line if not. */
static char *replay_machine_change(struct replay *r)
{
	const json_t *was = json_object_get(r->recipe, "machine_argv");
	const char *accel = json_string_value(json_object_get(r->recipe, "accel")) ?: "tcg";
	char **now = qemu_argv_machine(r->f, accel);
	char *line = NULL;
	size_t i = 0;

	for (; i < json_array_size(was) && now[i]; i++)
		if (strcmp(now[i], json_string_value(json_array_get(was, i)) ?: ""))
			break;
	if (now[i] || i < json_array_size(was))
		line = util_strdup_printf(
			"fixture %s: the machine is not the run's from QEMU argument %zu: was '%s', "
			"is '%s' now",
			r->f->path, i, json_string_value(json_array_get(was, i)) ?: "(end)",
			now[i] ? now[i] : "(end)");
	qemu_argv_free(now);
	return line;
}

static int replay_check_inputs(struct replay *r)
{
	const char *fixture =
		json_string_value(json_object_get(json_object_get(r->recipe, "fixture"), "path"));
	json_t *changes = replay_recipe_check(r->recipe, r->case_dir);
	char err[1024], *machine = NULL;
	int ret = 0;

	r->f = fixture ? fixture_load(fixture, err, sizeof(err)) : NULL;
	if (!r->f) {
		util_err("replay: the run's fixture does not load: %s",
			 fixture ? err : "not named");
		util_err("replay: its text at the run is in %s/%s", r->case_dir,
			 REPLAY_FIXTURE_COPY);
		ret = -1;
		goto cleanup;
	}
	if ((machine = replay_machine_change(r)))
		json_array_append_new(changes, json_string(machine));
	if (json_array_size(changes) == 0)
		goto cleanup;
	util_err("replay: the guest's inputs changed since the run:");
	for (size_t i = 0; i < json_array_size(changes); i++)
		dprintf(2, "    %s\n", json_string_value(json_array_get(changes, i)));
	if (r->o.force) {
		util_err("replay: replaying anyway (--force): this is not the run's guest, and a "
			 "recording of it will not replay faithfully");
	} else {
		util_err("replay: refusing to replay another guest; rebuild the run's inputs, or "
			 "pass --force");
		ret = -1;
	}
cleanup:
	free(machine);
	json_decref(changes);
	return ret;
}

/* gdbstub arguments, plus rr=replay from a copy of the snapshot image (a
 * replay must not touch the case's bundle). */
static int replay_prepare_args(struct replay *r, bool *reverse)
{
	const json_t *rec = json_object_get(r->recipe, "record");
	char *sock = util_strdup_printf("%s/gdb.sock", r->run_dir);
	char *esc = qemu_escape_commas(sock);
	char **rr = NULL;
	size_t n = 0;
	int ret = 0;

	*reverse = json_is_object(rec);
	if (*reverse) {
		char *src = util_strdup_printf("%s/%s", r->case_dir, REPLAY_RR_SNAPSHOTS);
		char *dst = util_strdup_printf("%s/%s", r->run_dir, REPLAY_RR_SNAPSHOTS);
		char *log = util_strdup_printf("%s/%s", r->case_dir, REPLAY_RR_LOG);
		size_t len;
		char *img = util_read_file(src, &len);
		if (!img || util_write_file_atomic(dst, img, len) < 0) {
			util_err("replay: cannot copy %s: %s", src, strerror(errno));
			ret = -1;
		}
		rr = replay_record_args(REPLAY_RR_REPLAY, log, dst);
		free(img);
		free(src);
		free(dst);
		free(log);
	}
	r->extra_args = util_calloc(16, sizeof(char *));
	if (r->o.mode != REPLAY_MODE_CONSOLE) {
		r->extra_args[n++] = util_strdup("-gdb");
		r->extra_args[n++] = util_strdup_printf("unix:%s,server=on,wait=off", esc);
	}
	for (size_t i = 0; rr && rr[i]; i++)
		r->extra_args[n++] = util_strdup(rr[i]);
	qemu_argv_free(rr);
	free(esc);
	free(sock);
	return ret;
}

static int replay_write_gdbinit(struct replay *r, bool reverse, char **path)
{
	const json_t *machine = json_object_get(r->recipe, "machine_argv");
	const char *qemu = json_string_value(json_array_get(machine, 0)) ?: qemu_binary();
	char symbols[PATH_MAX], *sock = util_strdup_printf("%s/gdb.sock", r->run_dir);
	struct replay_gdbinit g = {
		.case_name = json_string_value(json_object_get(r->record, "name")) ?: "a case",
		.arch = replay_gdb_arch(qemu),
		.symbols = r->f->guest.symbols && realpath(r->f->guest.symbols, symbols) ? symbols
											 : NULL,
		.socket = sock,
		.panic_symbol = r->f->guest.panic_symbol,
		.reverse = reverse,
	};
	char *text = replay_gdbinit_text(&g);
	int rc;

	*path = util_strdup_printf("%s/gdbinit", r->out_dir);
	rc = util_write_file_atomic(*path, text, strlen(text));
	if (rc < 0)
		util_err("replay: cannot write %s: %s", *path, strerror(errno));
	if (r->f->guest.symbols && !g.symbols)
		util_note("replay: the symbol ELF %s is missing: gdb has no symbols",
			  r->f->guest.symbols);
	free(text);
	free(sock);
	return rc;
}

/* Where the mode needs gdb, a missing one fails fast, before QEMU starts. */
static int replay_find_gdb(struct replay *r)
{
	r->gdb = replay_gdb_find();
	if (r->gdb || (r->o.mode != REPLAY_MODE_GDB && r->o.mode != REPLAY_MODE_BATCH))
		return 0;
	dprintf(2, "[failfast/provider/debugger:gdb_unavailable]\n");
	util_err("replay: gdb is not installed (Debian: apt-get install gdb), or KILN_GDB names "
		 "no program: --gdb and --gdb-batch need it; without them kiln replay waits for "
		 "any gdb-remote client, and --no-gdb needs none");
	return -1;
}

static void replay_warn_machine(const struct replay *r, bool reverse)
{
	if (reverse && !strcmp(r->f->machine.type, "microvm"))
		util_note("replay: machine microvm: reverse execution is supported on pc and q35 "
			  "only (it has hung QEMU 7.2 on microvm)");
}

static char *replay_want_console(const struct replay *r, size_t *len)
{
	char *path = util_strdup_printf("%s/console.log", r->case_dir);
	char *text = util_read_file(path, len);

	if (!text)
		util_err("replay: %s: %s", path, strerror(errno));
	free(path);
	return text;
}

static int replay_run(struct replay *r)
{
	bool reverse = false;
	char *gdbinit = NULL, *want = NULL;
	size_t want_len = 0;
	int ret = REPLAY_EXIT_HARNESS;

	r->out_dir = r->o.out_dir ? util_strdup(r->o.out_dir)
				  : util_strdup_printf("%s/replay", r->case_dir);
	if (util_mkdir_p(r->out_dir, 0755) < 0 ||
	    !(r->run_dir = util_mkdtemp(NULL, "kiln-replay"))) {
		util_err("replay: cannot make %s or a private directory: %s", r->out_dir,
			 strerror(errno));
		return ret;
	}
	if (replay_prepare_args(r, &reverse) < 0 || replay_write_gdbinit(r, reverse, &gdbinit) < 0)
		goto cleanup;
	replay_warn_machine(r, reverse);
	if (r->o.mode == REPLAY_MODE_CONSOLE && !(want = replay_want_console(r, &want_len)))
		goto cleanup;
	struct replay_session s = {
		.mode = r->o.mode,
		.f = r->f,
		.accel = json_string_value(json_object_get(r->recipe, "accel")) ?: "tcg",
		.out_dir = r->out_dir,
		.run_dir = r->run_dir,
		.extra_args = r->extra_args,
		.gdb = r->gdb,
		.gdbinit = gdbinit,
		.batch_file = r->o.batch_file,
		.qemu_version = json_string_value(
			json_object_get(json_object_get(r->recipe, "qemu"), "version")),
		.recording = reverse,
		.want = want,
		.want_len = want_len,
		.timeout_s = r->o.mode == REPLAY_MODE_CONSOLE && r->o.timeout_s <= 0
				     ? r->f->timeout_s
				     : r->o.timeout_s,
	};
	ret = replay_session_run(&s);
cleanup:
	free(gdbinit);
	free(want);
	return ret;
}

int replay_main(int argc, char **argv)
{
	struct replay r = {0};
	char cwd[PATH_MAX], *batch = NULL, *out = NULL;
	int ret = KILN_EXIT_USAGE;

	if (replay_parse(&r.o, argc, argv) < 0)
		return KILN_EXIT_USAGE;
	if (r.o.batch_file && !(batch = realpath(r.o.batch_file, NULL))) {
		util_err("replay: --gdb-batch %s: %s", r.o.batch_file, strerror(errno));
		return KILN_EXIT_USAGE;
	}
	/* Named from here: replay moves to the run's directory. */
	r.o.batch_file = batch;
	if (r.o.out_dir && getcwd(cwd, sizeof(cwd)))
		r.o.out_dir = out = util_path_join(cwd, r.o.out_dir);
	if (replay_load(&r) < 0)
		goto cleanup;
	replay_enter_run_env(&r);
	if (replay_check_inputs(&r) < 0) {
		ret = REPLAY_EXIT_INPUTS_CHANGED;
		goto cleanup;
	}
	if (replay_find_gdb(&r) < 0) {
		ret = KILN_EXIT_BACKEND;
		goto cleanup;
	}
	ret = replay_run(&r);
cleanup:
	if (r.run_dir)
		util_rm_rf(r.run_dir);
	free(r.run_dir);
	free(r.out_dir);
	qemu_argv_free(r.extra_args);
	free(r.gdb);
	fixture_free(r.f);
	json_decref(r.record);
	free(r.case_dir);
	free(batch);
	free(out);
	return ret;
}
