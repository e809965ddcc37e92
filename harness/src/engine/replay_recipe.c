/* replay_recipe.c: the replay recipe of a case and its check. See
 * kiln/replay_recipe.h; the schema is in docs/replay.md.
 *
 * Hashes come from libcrypto's EVP interface (OpenSSL, Debian's libssl-dev):
 * a well-kept sha256 rather than one of our own.
 */
#include "kiln/engine/replay_recipe.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kiln/backend/qemu/qemu_argv.h"
#include "kiln/engine/hash_memo.h"
#include "kiln/lib/util.h"

extern char **environ;

int replay_sha256_file(const char *path, char hex[65])
{
	unsigned char buf[65536], md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	EVP_MD_CTX *ctx = NULL;
	int fd = -1, ret = -1, saved = EIO;
	ssize_t n;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ctx = EVP_MD_CTX_new();
	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL))
		goto cleanup;
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			saved = errno;
			goto cleanup;
		}
		if (!EVP_DigestUpdate(ctx, buf, (size_t)n))
			goto cleanup;
	}
	if (!EVP_DigestFinal_ex(ctx, md, &md_len) || md_len != 32)
		goto cleanup;
	for (unsigned int i = 0; i < md_len; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	ret = 0;
cleanup:
	EVP_MD_CTX_free(ctx);
	close(fd);
	if (ret < 0)
		errno = saved;
	return ret;
}

/* {"role", "path", "sha256"} or {"role", "path", "error"} for one file:
 * hashed afresh when fresh (a writable disk, as the run left it; the
 * fixture), else from the hash memo. */
static json_t *recipe_input(const char *role, const char *path, bool fresh)
{
	json_t *in = json_pack("{s:s, s:s}", "role", role, "path", path);
	char hex[65];

	if ((fresh ? replay_sha256_file(path, hex) : hash_memo_sha256(path, hex)) == 0)
		json_object_set_new(in, "sha256", json_string(hex));
	else
		json_object_set_new(in, "error", json_string(strerror(errno)));
	return in;
}

/* Call fn for each guest input of f, in the recipe's order: its role, its
 * path and whether the guest may write it. The one list of what a recipe
 * hashes, for the recipe and for replay_recipe_warm. */
static void recipe_for_each_input(const struct fixture *f,
				  void (*fn)(const char *role, const char *path, bool writable,
					     void *arg),
				  void *arg)
{
	fn("kernel", f->guest.kernel, false, arg);
	if (f->guest.initrd)
		fn("initrd", f->guest.initrd, false, arg);
	for (size_t i = 0; i < f->guest.n_modules; i++)
		fn("module", f->guest.modules[i], false, arg);
	for (size_t i = 0; i < f->guest.n_disks; i++)
		fn("disk", f->guest.disks[i].file, !f->guest.disks[i].readonly, arg);
	if (f->machine.bios)
		fn("bios", f->machine.bios, false, arg);
	/* Not a guest input, but gdb on an ELF that no longer matches the
	 * guest shows the wrong code: it is checked like one. */
	if (f->guest.symbols)
		fn("symbols", f->guest.symbols, false, arg);
}

static void recipe_append_input(const char *role, const char *path, bool writable, void *arg)
{
	json_t *in = recipe_input(role, path, writable);

	/* A writable disk is hashed as the run left it: the guest may have
	 * changed it, and a replay starts from that state. */
	if (writable)
		json_object_set_new(in, "hashed_after_run", json_true());
	json_array_append_new(arg, in);
}

static json_t *recipe_inputs(const struct fixture *f)
{
	json_t *a = json_array();

	recipe_for_each_input(f, recipe_append_input, a);
	return a;
}

static void recipe_warm_input(const char *role, const char *path, bool writable, void *arg)
{
	char hex[65];

	(void)role;
	(void)arg;
	if (!writable)
		(void)hash_memo_sha256(path, hex); /* a missing file is the case's to report */
}

void replay_recipe_warm(const struct fixture *f)
{
	recipe_for_each_input(f, recipe_warm_input, NULL);
}

/* Variables that choose what a run boots and how. PATH is not kept whole:
 * the QEMU it found is named by its version in the facts. */
static json_t *recipe_env(void)
{
	json_t *env = json_object();

	for (char **e = environ; e && *e; e++) {
		const char *eq = strchr(*e, '=');
		if (!eq || (strncmp(*e, "KILN_", 5) != 0 && strncmp(*e, "TMPDIR=", 7) != 0))
			continue;
		char *name = util_strndup(*e, (size_t)(eq - *e));
		json_object_set_new(env, name, json_string(eq + 1));
		free(name);
	}
	return env;
}

/* The fixture's path, hash and whether its text was copied to case_dir. */
static json_t *recipe_fixture(const struct fixture *f, const char *case_dir)
{
	json_t *fx = recipe_input("fixture", f->path, true);
	size_t len = 0;
	char *text = util_read_file(f->path, &len);
	char *copy = util_strdup_printf("%s/%s", case_dir, REPLAY_FIXTURE_COPY);

	json_object_del(fx, "role");
	if (text && util_write_file_atomic(copy, text, len) == 0)
		json_object_set_new(fx, "copy", json_string(REPLAY_FIXTURE_COPY));
	free(copy);
	free(text);
	return fx;
}

static bool recipe_argv_records(const json_t *argv)
{
	size_t i;
	json_t *v;

	json_array_foreach (argv, i, v)
		if (json_is_string(v) && strstr(json_string_value(v), "rr=record"))
			return true;
	return false;
}

/* The bundle of a recorded case: the names (relative to the case dir) and
 * hashes of the log and the snapshot image. */
static json_t *recipe_record(const char *case_dir)
{
	const char *files[] = {REPLAY_RR_LOG, REPLAY_RR_SNAPSHOTS};
	json_t *rec = json_pack("{s:s, s:s, s:s, s:s, s:[]}", "mode", "icount", "log",
				REPLAY_RR_LOG, "snapshots", REPLAY_RR_SNAPSHOTS, "snapshot",
				REPLAY_RR_SNAPSHOT, "files");

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *path = util_strdup_printf("%s/%s", case_dir, files[i]);
		json_t *in = recipe_input("record", path, true);
		json_object_set_new(in, "path", json_string(files[i]));
		json_array_append_new(json_object_get(rec, "files"), in);
		free(path);
	}
	return rec;
}

json_t *replay_recipe_build(const struct fixture *f, const struct vm *vm, const char *case_dir,
			    const char *accel)
{
	json_t *r = json_object();
	json_t *argv = vm ? json_object_get(vm->facts, "argv") : NULL;
	json_t *version = vm ? json_object_get(vm->facts, "qemu_version") : NULL;
	char **machine = qemu_argv_machine(f, accel);
	char cwd[PATH_MAX];

	json_object_set_new(r, "schema", json_string(REPLAY_RECIPE_SCHEMA));
	json_object_set_new(r, "command", json_sprintf("kiln replay %s", case_dir));
	json_object_set_new(r, "cwd", getcwd(cwd, sizeof(cwd)) ? json_string(cwd) : json_null());
	json_object_set_new(r, "env", recipe_env());
	json_object_set_new(r, "qemu",
			    json_pack("{s:s, s:O}", "binary", qemu_binary(), "version",
				      version ? version : json_null()));
	json_object_set_new(r, "accel", json_string(accel));
	json_object_set_new(r, "machine_type", json_string(f->machine.type));
	json_object_set(r, "argv", argv ? argv : json_null());
	json_object_set_new(r, "machine_argv", qemu_argv_to_json(machine));
	json_object_set_new(r, "fixture", recipe_fixture(f, case_dir));
	json_object_set_new(r, "inputs", recipe_inputs(f));
	json_object_set_new(r, "symbols",
			    f->guest.symbols ? json_string(f->guest.symbols) : json_null());
	json_object_set_new(r, "panic_symbol",
			    f->guest.panic_symbol ? json_string(f->guest.panic_symbol)
						  : json_null());
	json_object_set_new(r, "record",
			    argv && recipe_argv_records(argv) ? recipe_record(case_dir)
							      : json_null());
	qemu_argv_free(machine);
	return r;
}

/* One line for an input that is not what the run had, or NULL. */
static char *recipe_input_change(const json_t *in, const char *path)
{
	const char *role = json_string_value(json_object_get(in, "role"));
	const char *was = json_string_value(json_object_get(in, "sha256"));
	const char *shown = json_string_value(json_object_get(in, "path"));
	char now[65];

	if (replay_sha256_file(path, now) < 0)
		return was ? util_strdup_printf("%s %s: %s", role, shown, strerror(errno))
			   : NULL; /* missing then and now: the same input */
	if (!was)
		return util_strdup_printf("%s %s: missing at the run, present now", role, shown);
	if (strcmp(was, now) != 0)
		return util_strdup_printf("%s %s: sha256 was %.12s..., is %.12s... now", role,
					  shown, was, now);
	return NULL;
}

static void recipe_check_list(const json_t *list, const char *base, json_t *changes)
{
	size_t i;
	json_t *in;

	json_array_foreach (list, i, in) {
		const char *p = json_string_value(json_object_get(in, "path"));
		if (!p)
			continue;
		char *path = base ? util_path_join(base, p) : util_strdup(p);
		char *line = recipe_input_change(in, path);
		if (line)
			json_array_append_new(changes, json_string(line));
		free(line);
		free(path);
	}
}

json_t *replay_recipe_check(const json_t *recipe, const char *case_dir)
{
	json_t *changes = json_array();
	const json_t *rec = json_object_get(recipe, "record");

	recipe_check_list(json_object_get(recipe, "inputs"), NULL, changes);
	if (json_is_object(rec))
		recipe_check_list(json_object_get(rec, "files"), case_dir, changes);
	return changes;
}
