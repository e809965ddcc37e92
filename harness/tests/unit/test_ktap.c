/* test_ktap.c: the streaming KTAP/TAP parser (kiln/lib/ktap.h).
 *
 * The well-formed streams are real: KUnit's output on a Linux console, as
 * the diagnostics corpus captured it from a KASAN kernel
 * (harness/tests/diag_golden/linux-kasan_*.log, capture/kasan.sh), printk
 * time stamps and KASAN reports in between. The broken ones are written
 * here, one fault each, and must give an error naming the line, never a
 * crash.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "kiln/lib/ktap.h"
#include "kiln/lib/util.h"

#include "check_main.h"

#define GOLDEN "harness/tests/diag_golden/"

static json_t *parse(enum ktap_kind kind, const char *text, size_t len, size_t chunk,
		     const char *crash)
{
	struct ktap *k = ktap_new(kind);

	for (size_t i = 0; i < len; i += chunk)
		ktap_feed(k, text + i, len - i < chunk ? len - i : chunk, (int64_t)i);
	json_t *out = ktap_finish(k, crash);
	ktap_free(k);
	return out;
}

static json_t *parse_str(const char *text, const char *crash)
{
	return parse(KTAP_KTAP, text, strlen(text), 7, crash);
}

static const json_t *result(const json_t *out, size_t i)
{
	return json_array_get(json_object_get(out, "results"), i);
}

static void check_result(const json_t *out, size_t i, const char *name, const char *status)
{
	const json_t *r = result(out, i);

	ck_assert_msg(r, "no result %zu", i);
	ck_assert_str_eq(json_string_value(json_object_get(r, "name")), name);
	ck_assert_str_eq(json_string_value(json_object_get(r, "status")), status);
}

static size_t n_results(const json_t *out)
{
	return json_array_size(json_object_get(out, "results"));
}

static size_t n_errors(const json_t *out)
{
	return json_array_size(json_object_get(out, "errors"));
}

static long error_line(const json_t *out, size_t i)
{
	return (long)json_integer_value(
		json_object_get(json_array_get(json_object_get(out, "errors"), i), "line"));
}

START_TEST(kunit_suite_on_a_linux_console)
{
	size_t len;
	char *log = util_read_file(GOLDEN "linux-kasan_uaf.log", &len);
	ck_assert_ptr_nonnull(log);
	json_t *out = parse(KTAP_KTAP, log, len, len, NULL);

	ck_assert_uint_eq(n_results(out), 1);
	check_result(out, 0, "kasan.kmalloc_uaf", "pass");
	/* the line of "    ok 1 kmalloc_uaf" in the log */
	ck_assert_int_eq(json_integer_value(json_object_get(result(out, 0), "line")), 150);
	ck_assert_uint_eq(n_errors(out), 0);
	ck_assert_int_eq(
		json_integer_value(json_object_get(json_object_get(out, "counts"), "pass")), 1);
	json_decref(out);
	free(log);
}
END_TEST

START_TEST(any_split_of_the_stream_gives_the_same_results)
{
	size_t len;
	char *log = util_read_file(GOLDEN "linux-kasan_double_free.log", &len);
	ck_assert_ptr_nonnull(log);
	json_t *whole = parse(KTAP_KTAP, log, len, len, NULL);
	json_t *bytes = parse(KTAP_KTAP, log, len, 1, NULL);

	ck_assert_uint_eq(n_results(whole), 1);
	check_result(whole, 0, "kasan.kmalloc_double_kzfree", "pass");
	/* t_ms differs with the split (it is the feed's time); the rest must not */
	ck_assert_uint_eq(n_results(bytes), 1);
	check_result(bytes, 0, "kasan.kmalloc_double_kzfree", "pass");
	ck_assert(json_equal(json_object_get(result(whole, 0), "line"),
			     json_object_get(result(bytes, 0), "line")));
	json_decref(whole);
	json_decref(bytes);
	free(log);
}
END_TEST

START_TEST(a_crash_marks_the_running_test)
{
	size_t len;
	char *log = util_read_file(GOLDEN "linux-kasan_uaf.log", &len);
	ck_assert_ptr_nonnull(log);
	/* the console up to the KASAN report, before the test's result */
	const char *cut = strstr(log, "    ok 1 kmalloc_uaf");
	ck_assert_ptr_nonnull(cut);
	const char *bol = cut;
	while (bol > log && bol[-1] != '\n')
		bol--;
	json_t *out = parse(KTAP_KTAP, log, (size_t)(bol - log), 64, "guest_panicked");

	ck_assert_uint_eq(n_results(out), 1);
	check_result(out, 0, "kasan.#1", "crashed");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(result(out, 0), "reason")),
				     "guest_panicked"));
	ck_assert_uint_eq(n_errors(out), 0);
	json_decref(out);
	free(log);
}
END_TEST

START_TEST(a_crash_marks_the_rest_not_run)
{
	json_t *out = parse_str("KTAP version 1\n1..2\n"
				"    KTAP version 1\n    # Subtest: s1\n    1..3\n"
				"    ok 1 a\n",
				"guest_panicked");

	ck_assert_uint_eq(n_results(out), 4);
	check_result(out, 0, "s1.a", "pass");
	check_result(out, 1, "s1.#2", "crashed");
	check_result(out, 2, "s1.#3", "not_run");
	check_result(out, 3, "#2", "not_run");
	ck_assert_uint_eq(n_errors(out), 0);
	json_decref(out);
}
END_TEST

START_TEST(nested_suites_failures_and_directives)
{
	json_t *out = parse_str("boot noise\r\nKTAP version 1\r\n1..2\r\n"
				"    KTAP version 1\r\n    # Subtest: s1\r\n    1..2\r\n"
				"    ok 1 a\r\n    not ok 2 b\r\nnot ok 1 s1\r\n"
				"    # Subtest: s2\r\n    1..3\r\n    ok 1 c # SKIP no device\r\n"
				"    not ok 2 d # TODO later\r\n    ok 3 - e\r\nok 2 s2\r\n",
				NULL);

	ck_assert_uint_eq(n_results(out), 5);
	check_result(out, 0, "s1.a", "pass");
	check_result(out, 1, "s1.b", "fail");
	check_result(out, 2, "s2.c", "skip");
	ck_assert_str_eq(json_string_value(json_object_get(result(out, 2), "reason")), "no device");
	check_result(out, 3, "s2.d", "skip");
	ck_assert_str_eq(json_string_value(json_object_get(result(out, 3), "directive")), "todo");
	check_result(out, 4, "s2.e", "pass");
	ck_assert_uint_eq(n_errors(out), 0);
	json_decref(out);
}
END_TEST

START_TEST(an_unnamed_block_takes_its_result_name)
{
	static const char text[] = "TAP version 14\n1..1\n    1..1\n    ok 1 inner\nok 1 outer\n";
	json_t *out = parse(KTAP_TAP, text, sizeof(text) - 1, 3, NULL);

	ck_assert_uint_eq(n_results(out), 1);
	check_result(out, 0, "outer.inner", "pass");
	json_decref(out);
}
END_TEST

START_TEST(malformed_streams_name_the_line)
{
	/* test 3 where 2 is due, on line 4 */
	json_t *out = parse_str("KTAP version 1\n1..3\nok 1 a\nok 3 c\nok 4 d\n", NULL);
	ck_assert_uint_ge(n_errors(out), 1);
	ck_assert_int_eq(error_line(out, 0), 4);
	json_decref(out);

	/* a plan of 3 with 2 results, and no crash: the third is not run */
	out = parse_str("KTAP version 1\n1..3\nok 1 a\nok 2 b\n", NULL);
	ck_assert_uint_eq(n_errors(out), 1);
	ck_assert_int_eq(error_line(out, 0), 1);
	check_result(out, 2, "#3", "not_run");
	json_decref(out);

	/* a version Kiln does not read */
	out = parse_str("KTAP version 2\n1..1\nok 1 a\n", NULL);
	ck_assert_uint_ge(n_errors(out), 1);
	ck_assert_int_eq(error_line(out, 0), 1);
	json_decref(out);

	/* a bad plan, then a second plan */
	out = parse_str("KTAP version 1\n1..x\n1..1\n1..1\nok 1 a\n", NULL);
	ck_assert_uint_eq(n_errors(out), 2);
	ck_assert_int_eq(error_line(out, 0), 2);
	ck_assert_int_eq(error_line(out, 1), 4);
	json_decref(out);

	/* a result line without a number */
	out = parse_str("KTAP version 1\n1..1\nok one\nok 1 a\n", NULL);
	ck_assert_uint_eq(n_errors(out), 1);
	ck_assert_int_eq(error_line(out, 0), 3);
	json_decref(out);

	/* a subtest never closed by its suite's result */
	out = parse_str("KTAP version 1\n1..1\n    # Subtest: s\n    1..1\n    ok 1 a\n", NULL);
	ck_assert_uint_ge(n_errors(out), 1);
	ck_assert_int_eq(error_line(out, 0), 3);
	check_result(out, 0, "s.a", "pass");
	json_decref(out);

	/* no stream at all */
	out = parse_str("Linux version 6.1\nlinux# \n", NULL);
	ck_assert_uint_eq(n_results(out), 0);
	ck_assert_uint_eq(n_errors(out), 1);
	json_decref(out);
}
END_TEST

START_TEST(hostile_bytes_never_crash)
{
	char buf[8192];
	unsigned seed = 12345;

	for (int round = 0; round < 50; round++) {
		for (size_t i = 0; i < sizeof(buf); i++) {
			seed = seed * 1103515245u + 12345u;
			/* mostly KTAP's own characters, so that lines look like it */
			static const char alphabet[] =
				"ok not1234567890.# \n\n    KTAP version1\0\xff";
			buf[i] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
		}
		json_t *out = parse(KTAP_KTAP, buf, sizeof(buf), 1 + round * 13,
				    round % 2 ? "guest_panicked" : NULL);
		ck_assert_ptr_nonnull(json_object_get(out, "results"));
		json_decref(out);
	}
}
END_TEST

START_TEST(kind_names)
{
	enum ktap_kind k;

	ck_assert_int_eq(ktap_kind_parse("ktap", &k), 0);
	ck_assert_int_eq(k, KTAP_KTAP);
	ck_assert_int_eq(ktap_kind_parse("tap", &k), 0);
	ck_assert_int_eq(k, KTAP_TAP);
	ck_assert_int_eq(ktap_kind_parse("junit", &k), -1);
}
END_TEST

static Suite *ktap_suite(void)
{
	Suite *s = suite_create("ktap");
	TCase *t = tcase_create("ktap");

	tcase_add_test(t, kunit_suite_on_a_linux_console);
	tcase_add_test(t, any_split_of_the_stream_gives_the_same_results);
	tcase_add_test(t, a_crash_marks_the_running_test);
	tcase_add_test(t, a_crash_marks_the_rest_not_run);
	tcase_add_test(t, nested_suites_failures_and_directives);
	tcase_add_test(t, an_unnamed_block_takes_its_result_name);
	tcase_add_test(t, malformed_streams_name_the_line);
	tcase_add_test(t, hostile_bytes_never_crash);
	tcase_add_test(t, kind_names);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return check_main_run(ktap_suite());
}
