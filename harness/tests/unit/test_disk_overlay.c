/* test_disk_overlay.c: the overlays of a base group's writable disks
 * (engine/disk_overlay.c), made by the real qemu-img (qemu-utils) and read
 * back with `qemu-img info`: the base's over the disk's file, a case's
 * over the base's, read-only disks passed through, and failures that say
 * which file and why.
 *
 * Owner: the unit tests.
 */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/disk_overlay.h"
#include "kiln/lib/util.h"

#include "check_main.h"

static char tmp_root[PATH_MAX];

static void overlay_setup(void)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(tmp_root, sizeof(tmp_root), "%s/kiln-test-overlay-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tmp_root));
}

static void overlay_teardown(void)
{
	util_rm_rf(tmp_root);
}

/* `qemu-img info` of path: its "backing-filename" and "format" as
 * "FORMAT BACKING" (new), or NULL when qemu-img cannot read it. */
static char *image_info(const char *path)
{
	char *cmd = util_strdup_printf(
		"qemu-img info --output=json '%s' | python3 -c 'import json,sys; "
		"i=json.load(sys.stdin); print(i[\"format\"], i.get(\"backing-filename\", \"-\"))'",
		path);
	FILE *p = popen(cmd, "r");
	char line[PATH_MAX + 32] = "";
	char *got = p && fgets(line, sizeof(line), p) ? util_strdup(line) : NULL;

	if (p && pclose(p) != 0) {
		free(got);
		got = NULL;
	}
	free(cmd);
	if (got)
		got[strcspn(got, "\n")] = '\0';
	return got;
}

static struct fixture two_disks(char *rw, char *ro)
{
	static struct disk d[2];
	struct fixture f = {0};

	d[0] = (struct disk){.file = rw, .format = "raw", .interface = "virtio"};
	d[1] = (struct disk){.file = ro, .format = "raw", .interface = "ide", .readonly = true};
	f.guest.disks = d;
	f.guest.n_disks = 2;
	return f;
}

START_TEST(base_and_case_overlays_chain_to_the_disk)
{
	char *rw = util_strdup_printf("%s/rw.img", tmp_root);
	char *ro = util_strdup_printf("%s/ro.img", tmp_root);
	char *state = util_strdup_printf("%s/1.state", tmp_root);
	char *scratch = util_strdup_printf("%s/case", tmp_root);
	char why[512] = "", *info, *want;
	struct fixture f = two_disks(rw, ro);
	struct disk *base = NULL, *cas = NULL;

	ck_assert_int_eq(util_write_file_atomic(rw, "disk", 4), 0);
	ck_assert_int_eq(truncate(rw, 1 << 20), 0);
	ck_assert_int_eq(util_write_file_atomic(ro, "ro", 2), 0);
	ck_assert_int_eq(mkdir(scratch, 0755), 0);
	ck_assert(disk_overlay_needed(&f));

	ck_assert_msg(disk_overlay_make(&f, state, false, NULL, &base, why, sizeof(why)) == 0, "%s",
		      why);
	want = util_strdup_printf("%s.disk0.qcow2", state);
	ck_assert_str_eq(base[0].file, want);
	ck_assert_str_eq(base[0].format, "qcow2");
	ck_assert_str_eq(base[0].interface, "virtio");
	ck_assert(!base[0].readonly && !base[0].snapshot);
	info = image_info(base[0].file);
	ck_assert_ptr_nonnull(info);
	free(want);
	want = util_strdup_printf("qcow2 %s", rw); /* tmp_root is absolute */
	ck_assert_str_eq(info, want);
	free(info);
	free(want);
	/* The read-only disk is the fixture's own, untouched. */
	ck_assert_str_eq(base[1].file, ro);
	ck_assert_str_eq(base[1].format, "raw");
	ck_assert(base[1].readonly);

	ck_assert_msg(disk_overlay_make(&f, state, true, scratch, &cas, why, sizeof(why)) == 0,
		      "%s", why);
	want = util_strdup_printf("%s/disk0.qcow2", scratch);
	ck_assert_str_eq(cas[0].file, want);
	free(want);
	info = image_info(cas[0].file);
	want = util_strdup_printf("qcow2 %s.disk0.qcow2", state);
	ck_assert_ptr_nonnull(info);
	ck_assert_str_eq(info, want);
	free(info);
	free(want);
	disk_overlay_free(base, 2);
	disk_overlay_free(cas, 2);
	free(rw);
	free(ro);
	free(state);
	free(scratch);
}
END_TEST

START_TEST(read_only_disks_need_no_overlay)
{
	char rw[] = "a.img", ro[] = "b.img";
	struct fixture f = two_disks(rw, ro);

	f.guest.disks[0].readonly = true;
	ck_assert(!disk_overlay_needed(&f));
	f.guest.n_disks = 0;
	ck_assert(!disk_overlay_needed(&f));
}
END_TEST

START_TEST(failures_name_the_file_and_the_reason)
{
	char *rw = util_strdup_printf("%s/missing.img", tmp_root);
	char *state = util_strdup_printf("%s/1.state", tmp_root);
	char ro[] = "ro.img", why[512] = "";
	struct fixture f = two_disks(rw, ro);
	struct disk *out = NULL;

	ck_assert_int_eq(disk_overlay_make(&f, state, false, NULL, &out, why, sizeof(why)), -1);
	ck_assert_ptr_null(out);
	ck_assert_msg(strstr(why, "missing.img: No such file or directory") != NULL, "%s", why);
	/* A restored case whose base overlay is gone: qemu-img's own words. */
	ck_assert_int_eq(disk_overlay_make(&f, state, true, tmp_root, &out, why, sizeof(why)), -1);
	ck_assert_msg(strstr(why, "qemu-img create failed (status 1): ") != NULL, "%s", why);
	ck_assert_msg(strstr(why, "1.state.disk0.qcow2") != NULL, "%s", why);
	free(rw);
	free(state);
}
END_TEST

static Suite *overlay_suite(void)
{
	Suite *s = suite_create("disk_overlay");
	TCase *t = tcase_create("overlay");

	tcase_add_checked_fixture(t, overlay_setup, overlay_teardown);
	tcase_add_test(t, base_and_case_overlays_chain_to_the_disk);
	tcase_add_test(t, read_only_disks_need_no_overlay);
	tcase_add_test(t, failures_name_the_file_and_the_reason);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return check_main_run(overlay_suite());
}
