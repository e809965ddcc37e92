/* merge.c: `kiln merge -o OUT_DIR RUN_DIR...`, one run from the shards of
 * one. See kiln/report/report_cli.h and docs/ci.md.
 *
 * Each input's case directories are copied (cp -a: a merged run must stand
 * alone in a CI artifact, so no links into the inputs) and its records
 * carry "source": the run, shard and host they came from. A case found in
 * two inputs is an error: shards of one suite never share a case, and
 * silently keeping one of the two would lose a report.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kiln/lib/outcome.h"
#include "kiln/lib/spawn.h"
#include "kiln/lib/util.h"
#include "kiln/report/report_cli.h"
#include "kiln/report/run_dir.h"
#include "kiln/report/run_report.h"
#include "kiln/report/run_verdict.h"
#include "report_json.h"

/* cp -a src dst, dst's parent made first. 0 or -1 after an error. */
static int merge_copy_dir(const char *src, const char *dst)
{
	char *parent = util_dirname(dst);
	char *argv[] = {"cp", "-a", "--", (char *)src, (char *)dst, NULL};
	int status = -1;
	pid_t pid;

	if (util_mkdir_p(parent, 0755) < 0) {
		util_err("merge: cannot create %s: %s", parent, strerror(errno));
		free(parent);
		return -1;
	}
	free(parent);
	pid = spawn_child(argv, &(struct spawn_opts){.in_fd = SPAWN_NULL, .out_fd = SPAWN_KEEP});
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		util_err("merge: cannot copy %s to %s", src, dst);
		return -1;
	}
	return 0;
}

/* Shards of one suite share no case. 0, or -1 after naming the first case
 * found in two inputs. */
static int merge_check_disjoint(const struct run_dir *in, int n)
{
	json_t *owners = json_object(), *rec;
	int rc = 0;

	for (int i = 0; i < n && rc == 0; i++) {
		size_t k;
		json_array_foreach (in[i].records, k, rec) {
			const char *name = report_str(rec, "name", "");
			json_t *o = json_object_get(owners, name);
			if (o && json_integer_value(o) != i) {
				util_err("merge: case %s is in both %s and %s", name,
					 in[json_integer_value(o)].path, in[i].path);
				rc = -1;
				break;
			}
			json_object_set_new(owners, name, json_integer(i));
		}
	}
	json_decref(owners);
	return rc;
}

static json_t *merge_source(const struct run_dir *in)
{
	json_t *s = json_pack("{s:s, s:s}", "run_id", report_str(in->report, "run_id", "?"), "path",
			      in->path);

	if (json_object_get(in->report, "shard"))
		json_object_set(s, "shard", json_object_get(in->report, "shard"));
	if (json_object_get(in->report, "host"))
		json_object_set(s, "host", json_object_get(in->report, "host"));
	return s;
}

/* Take every input's records into records (each with its "source"), copy
 * their directories under out. 0, or -1 after an error. */
static int merge_records(struct run_dir *in, int n, const char *out, json_t *records)
{
	for (int i = 0; i < n; i++) {
		json_t *rec, *source = merge_source(&in[i]);
		size_t k;
		json_array_foreach (in[i].records, k, rec) {
			char *src =
				util_strdup_printf("%s/%s", in[i].path, report_str(rec, "dir", ""));
			char *dst = util_strdup_printf("%s/%s", out, report_str(rec, "dir", ""));
			int rc = merge_copy_dir(src, dst);
			free(src);
			free(dst);
			if (rc < 0) {
				json_decref(source);
				return -1;
			}
			json_object_set(rec, "source", source);
			json_array_append(records, rec);
		}
		json_decref(source);
	}
	return 0;
}

static int merge_write(struct run_dir *in, int n, const char *out, json_t *records, json_t *argv,
		       bool tap)
{
	long long duration = 0, not_run = 0;
	bool interrupted = false;
	json_t *from = json_array();

	for (int i = 0; i < n; i++) {
		long long d = json_integer_value(json_object_get(in[i].report, "duration_ms"));
		duration = d > duration ? d : duration; /* shards run side by side */
		not_run += json_integer_value(
			json_object_get(json_object_get(in[i].report, "summary"), "not_run"));
		interrupted |= json_is_true(json_object_get(in[i].report, "interrupted"));
		json_array_append_new(from, merge_source(&in[i]));
	}
	char *root = util_dirname(out);
	struct run_facts facts = {.run_id = util_basename(out),
				  .run_dir = out,
				  .reports_root = root,
				  .backend = report_str(in[0].report, "backend", "?"),
				  .duration_ms = duration,
				  .interrupted = interrupted,
				  .exit_code = run_verdict_exit_code(records, interrupted),
				  .argv = argv};
	json_t *report = run_report_build(&facts, records, (size_t)not_run);
	json_object_set_new(report, "merged_from", from);
	int rc = run_report_write(&facts, report, records, tap);
	if (rc == 0 && !util_json_only()) {
		json_t *sum = json_object_get(report, "summary");
		printf("kiln: merged %d runs: %lld passed, %lld failed\nkiln: report %s/report.json\n",
		       n, (long long)json_integer_value(json_object_get(sum, "passed")),
		       (long long)json_integer_value(json_object_get(sum, "failed")), out);
	}
	json_decref(report);
	free(root);
	return rc < 0 ? outcome_exit_code(OUTCOME_HARNESS_ERROR) : facts.exit_code;
}

/* Load every input; then make out, a new directory (never mixed into an
 * old run), and fill it. kiln's exit code. */
static int merge_runs(char **paths, int n, const char *out, json_t *argv_json, bool tap)
{
	struct run_dir *in = util_calloc((size_t)n, sizeof(*in));
	json_t *records = json_array();
	char *parent = util_dirname(out);
	int rc = 0;

	for (int i = 0; i < n && rc == 0; i++)
		if (run_dir_load(paths[i], &in[i]) < 0)
			rc = KILN_EXIT_USAGE;
	if (rc == 0 && merge_check_disjoint(in, n) < 0)
		rc = KILN_EXIT_USAGE;
	if (rc == 0 && (util_mkdir_p(parent, 0755) < 0 || mkdir(out, 0755) < 0)) {
		util_err("merge: cannot create %s: %s", out, strerror(errno));
		rc = outcome_exit_code(OUTCOME_HARNESS_ERROR);
	}
	if (rc == 0 && merge_records(in, n, out, records) < 0)
		rc = outcome_exit_code(OUTCOME_HARNESS_ERROR);
	if (rc == 0)
		rc = merge_write(in, n, out, records, argv_json, tap);
	for (int i = 0; i < n; i++)
		run_dir_free(&in[i]);
	free(in);
	free(parent);
	json_decref(records);
	return rc;
}

int merge_main(int argc, char **argv)
{
	static const struct option longopts[] = {{"out", required_argument, NULL, 'o'},
						 {"tap", no_argument, NULL, 't'},
						 {NULL, 0, NULL, 0}};
	const char *out = NULL;
	bool tap = false;
	int c, rc;
	json_t *argv_json = json_array();

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
		if (c == 'o')
			out = optarg;
		else if (c == 't')
			tap = true;
		else
			out = NULL, optind = argc; /* usage below */
	}
	if (!out || optind >= argc) {
		util_err("usage: kiln merge -o OUT_DIR [--tap] RUN_DIR...");
		json_decref(argv_json);
		return KILN_EXIT_USAGE;
	}
	for (int i = 0; i < argc; i++)
		json_array_append_new(argv_json, json_string(argv[i]));
	rc = merge_runs(argv + optind, argc - optind, out, argv_json, tap);
	json_decref(argv_json);
	return rc;
}
