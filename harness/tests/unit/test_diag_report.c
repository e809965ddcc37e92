/* test_diag_report.c: Linux kernel reports reduced to one title
 * (diag_report.c, diag_rules_console.c): which frame is guilty, what ends a
 * report, and report shapes the golden corpus (Debian 6.1) does not have:
 * older kernels' wordings and frame style, KASAN in a copy helper, a
 * WARNING raised from a helper, reports that run into each other.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "kiln/diag/diag.h"

#include "check_main.h"

static char *console(const char *text)
{
	struct diag_set *set = diag_set_new();
	char *out;

	diag_scan_buffer(set, DIAG_FROM_CONSOLE, text, strlen(text));
	out = diag_set_text(set, false);
	diag_set_free(set);
	return out;
}

#define ck_console(text, want)                \
	do {                                  \
		char *got_ = console(text);   \
		ck_assert_str_eq(got_, want); \
		free(got_);                   \
	} while (0)

START_TEST(rip_names_the_frame)
{
	ck_console("[    3.56] BUG: kernel NULL pointer dereference, address: 0000000000000000\n"
		   "[    3.57] RIP: 0010:ext4_find_entry.isra.0+0xc/0x20 [ext4]\n"
		   "[    3.58] Call Trace:\n"
		   "[    3.58]  <TASK>\n"
		   "[    3.59]  do_one_initcall+0x59/0x220\n"
		   "[    3.59]  </TASK>\n",
		   "SMOKES_ERR: null_deref:ext4_find_entry\n");
}
END_TEST

/* A fault inside memcpy: the title names its caller, not memcpy; frames
 * marked "?" are stack garbage. */
START_TEST(generic_rip_falls_back_to_the_trace)
{
	ck_console("BUG: unable to handle page fault for address: ffffc8ffdead0000\n"
		   "RIP: 0010:memcpy_orig+0x10/0x120\n"
		   "Call Trace:\n"
		   " <TASK>\n"
		   " ? __die+0x20/0x60\n"
		   " ? page_fault_oops+0x14c/0x2a0\n"
		   " ? exc_page_fault+0x6a/0x140\n"
		   " ? asm_exc_page_fault+0x22/0x30\n"
		   " ? memcpy_orig+0x10/0x120\n"
		   " fill_buffer+0x2a/0x60 [mydrv]\n"
		   " mydrv_probe+0x11/0x50 [mydrv]\n"
		   " </TASK>\n",
		   "SMOKES_ERR: page_fault:fill_buffer\n");
}
END_TEST

/* 4.x kernels: "[<address>] func+0x/0x" frames and older wordings. */
START_TEST(old_style_reports)
{
	ck_console(
		"[   10.1] BUG: unable to handle kernel NULL pointer dereference at 0000000000000008\n"
		"[   10.1] IP: [<ffffffff81234567>] bad_probe+0x17/0x40\n"
		"[   10.2] Call Trace:\n"
		"[   10.2]  [<ffffffff81234567>] ? dump_stack+0x5c/0x7b\n"
		"[   10.2]  [<ffffffff81234567>] bad_probe+0x17/0x40\n"
		"[   10.3] ---[ end trace 1234abcd ]---\n",
		"SMOKES_ERR: null_deref:bad_probe\n");
	ck_console("BUG: unable to handle kernel paging request at ffffc90000000000\n"
		   "RIP: 0010:[<ffffffff81000000>]  [<ffffffff81000000>] wild_read+0x3/0x10\n"
		   "Call Trace:\n"
		   " [<ffffffff81000001>] wild_caller+0x9/0x20\n",
		   "SMOKES_ERR: page_fault:wild_read\n");
	ck_console("WARNING: at drivers/x/y.c:120 old_warn+0x3c/0x50()\n",
		   "SMOKES_ERR: warning:old_warn\n");
}
END_TEST

START_TEST(kasan_kind_access_frame)
{
	ck_console("==================================================================\n"
		   "BUG: KASAN: slab-out-of-bounds in memcpy+0x1d/0x60\n"
		   "Write of size 16 at addr ffff888003c2e000 by task insmod/93\n"
		   "Call Trace:\n"
		   " <TASK>\n"
		   " dump_stack_lvl+0x34/0x48\n"
		   " print_report+0x17f/0x47b\n"
		   " kasan_report+0xad/0x130\n"
		   " kasan_check_range+0x35/0x1c0\n"
		   " memcpy+0x1d/0x60\n"
		   " copy_header+0x55/0x90 [parser]\n"
		   " </TASK>\n"
		   "==================================================================\n",
		   "SMOKES_ERR: kasan:slab-out-of-bounds:write:copy_header\n");
	/* no access line: the access reads "?" */
	ck_console("BUG: KASAN: wild-memory-access in poke+0x1/0x2\n",
		   "SMOKES_ERR: kasan:wild-memory-access:?:poke\n");
}
END_TEST

/* A WARNING raised inside a generic helper names the first caller that is
 * not one, and a WARNING whose frame is unknown has no subject. */
START_TEST(warning_frames)
{
	ck_console("WARNING: CPU: 1 PID: 7 at lib/refcount.c:28 refcount_warn_saturate+0x9b/0x110\n"
		   "RIP: 0010:refcount_warn_saturate+0x9b/0x110\n"
		   "Call Trace:\n"
		   " <TASK>\n"
		   " __warn+0x7d/0xc0\n"
		   " put_widget+0x20/0x30 [widget]\n"
		   " </TASK>\n",
		   "SMOKES_ERR: warning:put_widget\n");
	ck_console("BUG: kernel NULL pointer dereference, address: 0000000000000000\n"
		   "RIP: 0033:0x47fbe9\n",
		   "SMOKES_ERR: null_deref\n");
}
END_TEST

/* A report ends at the next one; each keeps its own place in the order. */
START_TEST(reports_in_a_row)
{
	ck_console(
		"BUG: kernel NULL pointer dereference, address: 0000000000000000\n"
		"RIP: 0010:first_bug+0x1/0x2\n"
		"general protection fault, probably for non-canonical address 0xdead000000000100: 0000 [#2] SMP\n"
		"RIP: 0010:second_bug+0x1/0x2\n"
		"Kernel panic - not syncing: Fatal exception\n"
		"---[ end Kernel panic - not syncing: Fatal exception ]---\n",
		"SMOKES_ERR: null_deref:first_bug\nSMOKES_ERR: gpf:second_bug\n");
}
END_TEST

/* A panic that is not the consequence of a report keeps its reason, with
 * numbers stripped; a user process's GPF is no kernel report. */
START_TEST(panics_and_lookalikes)
{
	ck_console(
		"[    4.8] Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000100\n"
		"[    4.9] ---[ end Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000100 ]---\n",
		"SMOKES_ERR: panic:Attempted to kill init! exitcode=ADDR\n");
	ck_console(
		"[   12.0] traps: a.out[412] general protection fault ip:401136 sp:7ffd error:0 in a.out\n",
		"");
	ck_console("Kernel command line: console=ttyS0 panic=-1\n", "");
}
END_TEST

/* A report is read for at most 200 lines: a later RIP does not count. */
START_TEST(report_line_budget)
{
	size_t n = 220 * 16 + 256;
	char *text = malloc(n), *p = text;

	p += sprintf(p, "BUG: soft lockup - CPU#0 stuck for 22s! [spin:1]\n");
	for (int i = 0; i < 220; i++)
		p += sprintf(p, "filler line %3d\n", i);
	sprintf(p, "RIP: 0010:too_late+0x1/0x2\n");
	ck_console(text, "SMOKES_ERR: soft_lockup\n");
	free(text);
}
END_TEST

static Suite *report_suite(void)
{
	Suite *s = suite_create("diag_report");
	TCase *tc = tcase_create("report");

	tcase_add_test(tc, rip_names_the_frame);
	tcase_add_test(tc, generic_rip_falls_back_to_the_trace);
	tcase_add_test(tc, old_style_reports);
	tcase_add_test(tc, kasan_kind_access_frame);
	tcase_add_test(tc, warning_frames);
	tcase_add_test(tc, reports_in_a_row);
	tcase_add_test(tc, panics_and_lookalikes);
	tcase_add_test(tc, report_line_budget);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_main_run(report_suite());
}
