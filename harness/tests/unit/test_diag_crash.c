/* test_diag_crash.c: crash titles and the crash report (kiln/diag/crash.h).
 *
 * The titles' shapes are the ones docs/diagnostics.md promises; the
 * symbolized frames of a real Rugo crash are checked end to end by
 * harness/tests/e2e/crash_titles.sh, which has a kernel ELF to match.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "kiln/diag/crash.h"

#include "check_main.h"

static void title_is(const char *want, const char *cls, const char *code, const char *subject,
		     const char *function)
{
	char *t = crash_title(cls, code, subject, function);

	ck_assert_str_eq(t, want);
	free(t);
}

START_TEST(titles)
{
	title_is("guest_panicked:page_fault in replay_slot_store", "guest_panicked", "page_fault",
		 "err=0x2", "replay_slot_store");
	/* Rugo's catch-all trap code: the vector's name says what happened */
	title_is("guest_panicked:divide_error in scen_divide_error", "guest_panicked", "trap",
		 "divide_error", "scen_divide_error");
	/* Linux without symbols: the rules' subject is the guilty frame */
	title_is("guest_panicked:null_deref in kiln_crash_null", "guest_panicked", "null_deref",
		 "kiln_crash_null", NULL);
	/* a subject that is not a function name stays a subject */
	title_is("guest_panicked:page_fault:err=0x2", "guest_panicked", "page_fault", "err=0x2",
		 NULL);
	title_is("guest_panicked:kasan:slab-out-of-bounds:write:kmalloc_oob_right",
		 "guest_panicked", "kasan", "slab-out-of-bounds:write:kmalloc_oob_right", NULL);
	title_is("fail:guest_exit", "fail", "guest_exit", NULL, NULL);
	title_is("timeout_after:RUGO: boot ok", "timeout_after:RUGO: boot ok", NULL, NULL, NULL);
}
END_TEST

START_TEST(no_addresses_no_report)
{
	const char *console = "RUGO: boot ok\npanic: x (caller=0x0)\n";

	ck_assert_ptr_null(crash_report_build(console, strlen(console), "/nonexistent.elf"));
}
END_TEST

START_TEST(an_unreadable_elf_is_an_error_not_a_crash)
{
	const char *console = "trap: rip=0x1062d7 cs=0x8 rflags=0x202 rsp=0x20cfa8 err=0x2\n"
			      "trace: 0x104456 0x105afd\n";
	json_t *rep = crash_report_build(console, strlen(console), "/nonexistent/rugo.elf");

	ck_assert_ptr_nonnull(rep);
	ck_assert_ptr_nonnull(json_object_get(rep, "error"));
	ck_assert(json_is_null(json_object_get(rep, "function")));
	ck_assert_uint_eq(json_array_size(json_object_get(rep, "frames")), 0);
	json_decref(rep);
}
END_TEST

static Suite *crash_suite(void)
{
	Suite *s = suite_create("diag_crash");
	TCase *t = tcase_create("crash");

	tcase_add_test(t, titles);
	tcase_add_test(t, no_addresses_no_report);
	tcase_add_test(t, an_unreadable_elf_is_an_error_not_a_crash);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return check_main_run(crash_suite());
}
