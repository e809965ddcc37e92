/* test_hash_memo.c: the hash memo of guest inputs (kiln/engine/hash_memo.h)
 * and its use by the replay recipe: a file is hashed once while it is
 * unchanged, hashed again when it changes; the replay recipe takes the
 * inputs a case does not change through it, and after a warm-up hashes
 * none of them again.
 *
 * Owner: engine. Check forks each test, so each starts with an empty memo.
 */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_main.h"
#include "kiln/engine/hash_memo.h"
#include "kiln/engine/replay_recipe.h"
#include "kiln/lib/util.h"

static char *dir; /* this test's private directory under $TMPDIR */

static char *put_file(const char *name, const char *text)
{
	char *path = util_strdup_printf("%s/%s", dir, name);
	FILE *fp = fopen(path, "w");

	ck_assert_ptr_nonnull(fp);
	ck_assert_int_ge(fputs(text, fp), 0);
	fclose(fp);
	return path;
}

static void setup(void)
{
	dir = util_mkdtemp(NULL, "kiln-test-hash-memo");
	ck_assert_ptr_nonnull(dir);
}

static void teardown(void)
{
	util_rm_rf(dir);
	free(dir);
	dir = NULL;
}

START_TEST(an_unchanged_file_is_hashed_once)
{
	char *path = put_file("kernel", "abc");
	char a[65], b[65], plain[65];

	ck_assert_int_eq(hash_memo_sha256(path, a), 0);
	ck_assert_int_eq(hash_memo_sha256(path, b), 0);
	ck_assert_uint_eq(hash_memo_computed(), 1);
	ck_assert_int_eq(replay_sha256_file(path, plain), 0);
	ck_assert_str_eq(a, plain);
	ck_assert_str_eq(b, plain);
	/* sha256("abc"), FIPS 180-2 appendix B.1 */
	ck_assert_str_eq(a, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	free(path);
}
END_TEST

/* Same size, same inode, other bytes and a later mtime: an edit in place. */
START_TEST(a_file_changed_in_place_is_hashed_again)
{
	char *path = put_file("kernel", "abc");
	char a[65], b[65];
	struct timespec later[2] = {{.tv_nsec = UTIME_OMIT}, {0}};
	struct stat st;

	ck_assert_int_eq(hash_memo_sha256(path, a), 0);
	int fd = open(path, O_WRONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pwrite(fd, "abd", 3, 0), 3);
	ck_assert_int_eq(fstat(fd, &st), 0);
	later[1].tv_sec = st.st_mtim.tv_sec + 1;
	ck_assert_int_eq(futimens(fd, later), 0);
	close(fd);
	ck_assert_int_eq(hash_memo_sha256(path, b), 0);
	ck_assert_uint_eq(hash_memo_computed(), 2);
	ck_assert_str_ne(a, b);
	free(path);
}
END_TEST

/* A new file renamed over the old one (what a build does): a new inode. */
START_TEST(a_file_replaced_is_hashed_again)
{
	char *path = put_file("kernel", "abc");
	char *other = put_file("kernel.new", "xyz");
	char a[65], b[65];

	ck_assert_int_eq(hash_memo_sha256(path, a), 0);
	ck_assert_int_eq(rename(other, path), 0);
	ck_assert_int_eq(hash_memo_sha256(path, b), 0);
	ck_assert_uint_eq(hash_memo_computed(), 2);
	ck_assert_str_ne(a, b);
	free(path);
	free(other);
}
END_TEST

START_TEST(a_missing_file_is_an_error)
{
	char *path = util_strdup_printf("%s/absent", dir);
	char hex[65];

	ck_assert_int_eq(hash_memo_sha256(path, hex), -1);
	ck_assert_uint_eq(hash_memo_computed(), 0);
	free(path);
}
END_TEST

/* A fixture with one input of each kind, in dir. */
static struct fixture *every_input_fixture(void)
{
	free(put_file("k.mb", "kernel"));
	free(put_file("k.elf", "symbols"));
	free(put_file("m.elf", "module"));
	free(put_file("ro.img", "read-only disk"));
	free(put_file("rw.img", "writable disk"));
	static const char text[] =
		"{\"guest\": {\"kernel\": \"k.mb\", \"symbols\": \"k.elf\", \"modules\": [\"m.elf\"],"
		" \"disks\": [{\"file\": \"ro.img\", \"format\": \"raw\", \"readonly\": true},"
		" {\"file\": \"rw.img\", \"format\": \"raw\"}]},"
		" \"steps\": [], \"exit\": {\"debug_exit\": 16}}";
	char *path = put_file("f.json", text);
	char err[256];
	struct fixture *f = fixture_load(path, err, sizeof(err));

	ck_assert_msg(f != NULL, "%s", err);
	free(path);
	return f;
}

/* Each of the recipe's five inputs carries its file's own sha256. */
static void assert_recipe_hashes(const json_t *r)
{
	size_t i;
	json_t *in;

	json_array_foreach (json_object_get(r, "inputs"), i, in) {
		char hex[65];
		const char *p = json_string_value(json_object_get(in, "path"));
		ck_assert_int_eq(replay_sha256_file(p, hex), 0);
		ck_assert_str_eq(json_string_value(json_object_get(in, "sha256")), hex);
	}
	ck_assert_uint_eq(i, 5);
}

/* Unwarmed, the recipe takes exactly the four inputs a case does not change
 * through the memo (the writable disk and the fixture are hashed afresh). */
START_TEST(a_recipe_hashes_unchanging_inputs_through_the_memo)
{
	struct fixture *f = every_input_fixture();
	json_t *r = replay_recipe_build(f, NULL, dir, "tcg");

	ck_assert_uint_eq(hash_memo_computed(), 4); /* kernel, module, ro disk, symbols */
	assert_recipe_hashes(r);
	json_decref(r);
	fixture_free(f);
}
END_TEST

/* The runner's path: warm, then build the recipe as the worker does. The
 * build finds all four in the memo and hashes none of them again. */
START_TEST(a_warmed_recipe_hashes_nothing_again)
{
	struct fixture *f = every_input_fixture();

	replay_recipe_warm(f);
	ck_assert_uint_eq(hash_memo_computed(), 4);
	json_t *r = replay_recipe_build(f, NULL, dir, "tcg");
	ck_assert_uint_eq(hash_memo_computed(), 4);
	assert_recipe_hashes(r);
	json_decref(r);
	fixture_free(f);
}
END_TEST

static Suite *hash_memo_suite(void)
{
	Suite *s = suite_create("hash_memo");
	TCase *tc = tcase_create("memo");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, an_unchanged_file_is_hashed_once);
	tcase_add_test(tc, a_file_changed_in_place_is_hashed_again);
	tcase_add_test(tc, a_file_replaced_is_hashed_again);
	tcase_add_test(tc, a_missing_file_is_an_error);
	tcase_add_test(tc, a_recipe_hashes_unchanging_inputs_through_the_memo);
	tcase_add_test(tc, a_warmed_recipe_hashes_nothing_again);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_main_run(hash_memo_suite());
}
