/* test_libvirt_select.c: backend selection (kiln/backend_select.h): the
 * selection tag, fail-fast with its exit code and reason, the bound on the
 * probe, and the scale-out books (how cases spread over connections, and
 * what happens when a host fails).
 *
 * It runs in both builds: without libvirt, asking for it must fail fast
 * with not_compiled; with it, a URI where no daemon listens must fail fast
 * with libvirt_unavailable. Each test forks (Check's default), so stderr is
 * redirected per test into a file the test reads back.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "kiln/backend/backend_select.h"
#include "kiln/lib/outcome.h"
#include "kiln/lib/util.h"

#include "check_main.h"

static char err_path[64];

/* Send this process's stderr to a fresh file. */
static void capture_stderr(void)
{
	int fd;

	snprintf(err_path, sizeof(err_path), "/tmp/kiln-test-select-XXXXXX");
	fd = mkstemp(err_path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_ge(dup2(fd, STDERR_FILENO), 0);
	close(fd);
}

static char *captured(void)
{
	char *text = util_read_file(err_path, NULL);

	unlink(err_path);
	ck_assert_ptr_nonnull(text);
	return text;
}

START_TEST(default_is_the_ring1_qemu_backend)
{
	struct backend_choice b;
	char *err;

	unsetenv("KILN_BACKEND");
	unsetenv("JSON_ONLY");
	capture_stderr();
	ck_assert_int_eq(backend_select(NULL, NULL, 0, &b), 0);
	err = captured();
	ck_assert_str_eq(b.ops->name, "qemu");
	ck_assert_uint_eq(b.n_conns, 1);
	ck_assert_ptr_null(b.conns[0].uri);
	ck_assert_str_eq(err, "[provider/select:backend ring=1 src=static]\n");
	free(err);
	backend_choice_free(&b);
}
END_TEST

START_TEST(json_only_keeps_the_tag_quiet)
{
	struct backend_choice b;
	char *err;

	setenv("KILN_BACKEND", "qemu", 1);
	setenv("JSON_ONLY", "1", 1);
	capture_stderr();
	ck_assert_int_eq(backend_select(NULL, NULL, 0, &b), 0);
	err = captured();
	ck_assert_str_eq(err, "");
	free(err);
	backend_choice_free(&b);
}
END_TEST

START_TEST(unknown_name_and_connect_without_libvirt_are_usage_errors)
{
	struct backend_choice b;
	char *uris[] = {"qemu:///system"};
	char *err;

	unsetenv("JSON_ONLY");
	setenv("KILN_BACKEND", "xen", 1);
	capture_stderr();
	ck_assert_int_eq(backend_select(NULL, NULL, 0, &b), KILN_EXIT_USAGE);
	/* --backend wins over the environment. */
	ck_assert_int_eq(backend_select("qemu", uris, 1, &b), KILN_EXIT_USAGE);
	err = captured();
	ck_assert_ptr_nonnull(strstr(err, "unknown backend 'xen'"));
	ck_assert_ptr_nonnull(strstr(err, "--connect"));
	ck_assert_ptr_null(strstr(err, "[provider/select"));
	free(err);
}
END_TEST

/* A socket path where nothing listens: no daemon is reachable. */
START_TEST(requested_libvirt_that_is_missing_fails_fast)
{
	struct backend_choice b;
	char *uris[] = {"qemu:///system?socket=/nonexistent/kiln-test/libvirt-sock"};
	int64_t t0 = util_now_ms();
	char *err;

	unsetenv("JSON_ONLY");
	unsetenv("KILN_BACKEND");
	capture_stderr();
	/* auto with --connect means libvirt, so this is a request for it. */
	ck_assert_int_eq(backend_select(NULL, uris, 1, &b), KILN_EXIT_BACKEND);
	err = captured();
	ck_assert_int_lt(util_now_ms() - t0, 2000);
	ck_assert_ptr_null(strstr(err, "[provider/select"));
#ifdef KILN_HAVE_LIBVIRT
	ck_assert_ptr_nonnull(strstr(err, "[failfast/provider/backend:libvirt_unavailable]\n"));
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/kiln-test/libvirt-sock"));
#else
	ck_assert_ptr_nonnull(strstr(err, "[failfast/provider/backend:not_compiled]\n"));
#endif
	free(err);
}
END_TEST

#ifdef KILN_HAVE_LIBVIRT
/* A socket that takes the connection and never says a word: libvirt waits
 * for its answer without a timeout of its own. */
START_TEST(a_daemon_that_never_answers_is_given_up_in_time)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct backend_choice b;
	char dir[] = "/tmp/kiln-test-mute-XXXXXX";
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	int64_t t0;
	char *uri, *err;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/sock", dir);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(fd, 8), 0);
	uri = util_strdup_printf("qemu:///system?socket=%s", sa.sun_path);
	unsetenv("JSON_ONLY");
	capture_stderr();
	t0 = util_now_ms();
	ck_assert_int_eq(backend_select("libvirt", &uri, 1, &b), KILN_EXIT_BACKEND);
	ck_assert_int_lt(util_now_ms() - t0, 2000);
	ck_assert_int_ge(util_now_ms() - t0, BACKEND_PROBE_TIMEOUT_MS);
	err = captured();
	ck_assert_ptr_nonnull(strstr(err, "no answer within 1.5 s"));
	ck_assert_ptr_nonnull(strstr(err, "[failfast/provider/backend:libvirt_unavailable]"));
	free(err);
	free(uri);
	close(fd);
	unlink(sa.sun_path);
	rmdir(dir);
}
END_TEST
#endif

static struct backend_choice books(size_t n)
{
	static char *uris[] = {"qemu+ssh://a/system", "qemu+ssh://b/system", "qemu+ssh://c/system"};
	struct backend_choice b = {0};

	/* What backend_select fills in, without probing hosts that do not
	 * exist: the books alone are under test here. */
	b.n_conns = n;
	b.conns = calloc(n, sizeof(*b.conns));
	b.retried = json_array();
	for (size_t i = 0; i < n; i++) {
		b.conns[i].uri = uris[i];
		b.conns[i].cases = json_array();
	}
	return b;
}

static json_t *record(const char *name, const char *uri, bool host_failed)
{
	json_t *rec = json_pack("{s:s, s:s, s:s, s:s}", "name", name, "connect", uri, "outcome",
				host_failed ? "harness_error" : "pass", "reason",
				host_failed ? "lost the guest: its host failed" : "ok");

	if (host_failed)
		json_object_set_new(rec, "host_failed", json_true());
	return rec;
}

START_TEST(cases_spread_over_connections_with_jobs_each)
{
	struct backend_choice b = books(2);
	int got[4];

	for (int i = 0; i < 4; i++)
		got[i] = backend_conn_take(&b, 2);
	/* Least loaded first: a, b, a, b; then both are full. */
	ck_assert_int_eq(got[0], 0);
	ck_assert_int_eq(got[1], 1);
	ck_assert_int_eq(got[2], 0);
	ck_assert_int_eq(got[3], 1);
	ck_assert_int_eq(backend_conn_take(&b, 2), -1);
	json_t *rec = record("boot/banner", b.conns[1].uri, false);
	ck_assert(!backend_conn_done(&b, 1, rec));
	json_decref(rec);
	ck_assert_int_eq(backend_conn_take(&b, 2), 1);
	backend_choice_free(&b);
}
END_TEST

START_TEST(failed_host_gets_no_more_cases_and_its_case_is_retried)
{
	struct backend_choice b = books(2);
	json_t *report = json_object(), *rec;

	ck_assert_int_eq(backend_conn_take(&b, 1), 0);
	ck_assert_int_eq(backend_conn_take(&b, 1), 1);
	rec = record("trap/page_fault", b.conns[1].uri, true);
	ck_assert(backend_conn_done(&b, 1, rec));
	backend_retry_note(&b, rec, "trap/page_fault.host-failed-1");
	json_decref(rec);
	ck_assert(b.conns[1].failed);
	ck_assert_int_eq(b.retries, 1);
	ck_assert(backend_conn_any_alive(&b));
	/* b is out of the run; a still has its one slot taken. */
	ck_assert_int_eq(backend_conn_take(&b, 1), -1);
	rec = record("boot/banner", b.conns[0].uri, false);
	ck_assert(!backend_conn_done(&b, 0, rec));
	json_decref(rec);
	ck_assert_int_eq(backend_conn_take(&b, 1), 0);

	backend_report(&b, report);
	json_t *conns = json_object_get(report, "connections");
	ck_assert_uint_eq(json_array_size(conns), 2);
	ck_assert_str_eq(json_string_value(json_array_get(
				 json_object_get(json_array_get(conns, 0), "cases"), 0)),
			 "boot/banner");
	ck_assert(json_is_true(json_object_get(json_array_get(conns, 1), "failed")));
	json_t *retried = json_array_get(json_object_get(report, "retried"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(retried, "case")), "trap/page_fault");
	ck_assert_str_eq(json_string_value(json_object_get(retried, "from")),
			 "qemu+ssh://b/system");
	ck_assert_str_eq(json_string_value(json_object_get(retried, "dir")),
			 "trap/page_fault.host-failed-1");
	json_decref(report);
	backend_choice_free(&b);
}
END_TEST

START_TEST(last_host_failing_is_not_retried)
{
	struct backend_choice b = books(1);
	json_t *rec = record("boot/banner", b.conns[0].uri, true);

	ck_assert_int_eq(backend_conn_take(&b, 1), 0);
	ck_assert(!backend_conn_done(&b, 0, rec));
	ck_assert(!backend_conn_any_alive(&b));
	ck_assert_int_eq(backend_conn_take(&b, 1), -1);
	json_decref(rec);
	backend_choice_free(&b);
}
END_TEST

static Suite *select_suite(void)
{
	Suite *s = suite_create("backend_select");
	TCase *sel = tcase_create("select"), *scale = tcase_create("scale_out");

	tcase_add_test(sel, default_is_the_ring1_qemu_backend);
	tcase_add_test(sel, json_only_keeps_the_tag_quiet);
	tcase_add_test(sel, unknown_name_and_connect_without_libvirt_are_usage_errors);
	tcase_add_test(sel, requested_libvirt_that_is_missing_fails_fast);
#ifdef KILN_HAVE_LIBVIRT
	tcase_add_test(sel, a_daemon_that_never_answers_is_given_up_in_time);
#endif
	tcase_add_test(scale, cases_spread_over_connections_with_jobs_each);
	tcase_add_test(scale, failed_host_gets_no_more_cases_and_its_case_is_retried);
	tcase_add_test(scale, last_host_failing_is_not_retried);
	suite_add_tcase(s, sel);
	suite_add_tcase(s, scale);
	return s;
}

int main(void)
{
	return check_main_run(select_suite());
}
