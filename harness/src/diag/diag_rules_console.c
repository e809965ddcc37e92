/* diag_rules_console.c: the console rules: Rugo's panic and trap markers
 * and its Linux personality's unimplemented-call line,
 * and Linux kernel reports with syzkaller-style titles.
 *
 * Owner: diagnostics. Rugo's formats are in docs/guest.md; its marker lines
 * start a line, so those rows are anchored. Linux lines carry a printk
 * timestamp, so those rows strip the prefix. A Linux report row opens a
 * report (diag_report.c) whose guilty frame fills %F.
 */
#include <stddef.h>

#include "diag_rule.h"

#define ERR DIAG_ERR
#define PREFIX DIAG_STRIP_PREFIX
#define TAIL DIAG_STRIP_TAIL
#define REPORT DIAG_RULE_REPORT

/* Findings a kernel report leaves: a panic that only says "Fatal exception"
 * restates the report before it. */
#define REPORT_CODES "null_deref page_fault gpf warning kasan soft_lockup hung_task"

static const struct diag_rule rules[] = {
	/* Rugo: "PF: addr=0x<cr2> err=0x<bits>", then "TRAP: vector=N name",
	 * then "panic: fatal trap ...", then "RUGO: panic code=0x<100+N>". The
	 * first line names the problem and the rest restate it. Rugo prints no
	 * symbols, so a page fault's subject is its error bits, which say what
	 * kind of access faulted; the address is the volatile part. */
	DIAG_RULE("page_fault", ERR, "PF: addr=", "PF: addr={_} err={t}", 0, .subject = "err=%1"),
	DIAG_RULE(NULL, 0, "TRAP: vector=", "TRAP: vector=3 breakpoint", 0), /* int3 resumes */
	DIAG_RULE("page_fault", ERR, "TRAP: vector=", "TRAP: vector=14 page_fault", 0,
		  .amend = DIAG_AMEND_ABSORB, .amends = "page_fault"),
	DIAG_RULE("gpf", ERR, "TRAP: vector=", "TRAP: vector=13 general_protection", 0),
	DIAG_RULE("trap", ERR, "TRAP: vector=", "TRAP: vector={t} {t}", 0, .subject = "%2"),
	DIAG_RULE("panic", ERR, "panic: ", "panic: fatal trap {r}",
		  DIAG_STRIP_ADDR | DIAG_STRIP_NUM, .amend = DIAG_AMEND_ABSORB,
		  .amends = "page_fault gpf trap"),
	/* "panic: <reason> (caller=0x...)": the caller address changes with
	 * every build. */
	DIAG_RULE("panic", ERR, "panic: ", "panic: {*} (caller={_})",
		  DIAG_STRIP_ADDR | DIAG_STRIP_NUM),
	DIAG_RULE("panic", ERR, "panic: ", "panic: {r}", DIAG_STRIP_ADDR | DIAG_STRIP_NUM),
	DIAG_RULE("panic", ERR, "RUGO: panic code=", "RUGO: panic code={t}", 0,
		  .subject = "code=%1", .amend = DIAG_AMEND_ABSORB,
		  .amends = "panic page_fault gpf trap"),

	/* Rugo's Linux personality: "LINUX: unimplemented syscall 302
	 * (prlimit64)", once per process and call. The program got -ENOSYS and
	 * may cope, so it is a warning; the subject is the call's name, which
	 * says what to implement. */
	DIAG_RULE("unimplemented_syscall", DIAG_WARN, "LINUX: unimplemented syscall ",
		  "LINUX: unimplemented syscall {t} ({*})", 0, .subject = "%2"),

	/* Linux panics. The closing "---[ end Kernel panic - not syncing: X ]"
	 * repeats the panic line. */
	DIAG_RULE(NULL, 0, "---[ end Kernel panic", "---[ end Kernel panic", PREFIX | TAIL),
	DIAG_RULE("panic", ERR,
		  "Kernel panic - not syncing: ", "Kernel panic - not syncing: Fatal exception",
		  PREFIX | TAIL, .amend = DIAG_AMEND_ABSORB, .amends = REPORT_CODES),
	DIAG_RULE("panic", ERR, "Kernel panic - not syncing: ", "Kernel panic - not syncing: {r}",
		  PREFIX | DIAG_STRIP_ADDR | DIAG_STRIP_NUM),

	/* Linux reports. "general protection fault" alone is also how the
	 * kernel logs a user process's fault ("traps: a[1] general protection
	 * fault ip:..."); a kernel oops has the "[#1]" counter. */
	DIAG_RULE("null_deref", ERR, "BUG: kernel NULL pointer dereference",
		  "BUG: kernel NULL pointer dereference", PREFIX | TAIL, .subject = "%F",
		  .flags = REPORT),
	DIAG_RULE("null_deref", ERR, "BUG: unable to handle kernel NULL pointer dereference",
		  "BUG: unable to handle kernel NULL pointer dereference", PREFIX | TAIL,
		  .subject = "%F", .flags = REPORT),
	DIAG_RULE("page_fault", ERR, "BUG: unable to handle page fault",
		  "BUG: unable to handle page fault", PREFIX | TAIL, .subject = "%F",
		  .flags = REPORT),
	DIAG_RULE("page_fault", ERR, "BUG: unable to handle kernel paging request",
		  "BUG: unable to handle kernel paging request", PREFIX | TAIL, .subject = "%F",
		  .flags = REPORT),
	DIAG_RULE("gpf", ERR, "general protection fault", "general protection fault{_} [#{t}]",
		  PREFIX | TAIL, .subject = "%F", .flags = REPORT),
	/* "WARNING: CPU: 0 PID: 95 at drivers/x.c:40 func+0x15/0x20 [mod]" */
	DIAG_RULE("warning", ERR, "WARNING: CPU: ", "WARNING: CPU: {_} at {_} {w}", PREFIX | TAIL,
		  .subject = "%F", .flags = REPORT, .frame_capture = 1),
	DIAG_RULE("warning", ERR, "WARNING: at ", "WARNING: at {_} {w}", PREFIX | TAIL,
		  .subject = "%F", .flags = REPORT, .frame_capture = 1),
	/* "BUG: KASAN: slab-out-of-bounds in func+0x1/0x2", then "Write of
	 * size 1 at addr ffff888003c2e000 by task x/1" gives the access. */
	DIAG_RULE("kasan", ERR, "BUG: KASAN: ", "BUG: KASAN: {*} in {w}", PREFIX | TAIL,
		  .subject = "%1:%A:%F", .flags = REPORT, .frame_capture = 2),
	DIAG_RULE("soft_lockup", ERR, "BUG: soft lockup", "BUG: soft lockup - CPU#", PREFIX | TAIL,
		  .subject = "%F", .flags = REPORT),
	DIAG_RULE("hung_task", ERR, " blocked for more than ",
		  "INFO: task {_} blocked for more than ", PREFIX | TAIL, .subject = "%F",
		  .flags = REPORT),
};

const struct diag_table diag_table_console = {DIAG_FROM_CONSOLE, rules,
					      sizeof(rules) / sizeof(rules[0])};

/* Functions that report or wait rather than fail: a title naming them would
 * put unrelated bugs under one line. Entries ending in '*' are prefixes. */
const char *const diag_generic_frames[] = {
	/* the reporting machinery */
	"dump_stack*",
	"show_stack",
	"__warn*",
	"warn_slowpath*",
	"report_bug",
	"handle_bug",
	"panic",
	"__die*",
	"die*",
	"oops_*",
	"do_trap",
	"do_error_trap",
	"exc_*",
	"asm_exc_*",
	"page_fault_oops",
	"kernelmode_fixup_or_oops",
	"__bad_area*",
	"bad_area*",
	"no_context",
	"do_user_addr_fault",
	"handle_page_fault",
	"fixup_exception",
	"refcount_warn_saturate",
	/* sanitizers (not "kasan_*": KASAN's own tests are named so) */
	"kasan_report*",
	"kasan_check_*",
	"__kasan_*",
	"check_memory_region*",
	"print_report",
	"print_address_description*",
	"__asan_*",
	"__ubsan_*",
	"ubsan_*",
	/* the allocator, where a double free is caught, not made */
	"kfree",
	"kfree_sensitive",
	"ksize",
	"__ksize",
	"kvfree",
	"kmem_cache_free",
	"__kmem_cache_free",
	"slab_free*",
	"____kasan_slab_free",
	/* the copy and string helpers a bad pointer is handed to */
	"memcpy*",
	"__memcpy*",
	"memmove*",
	"__memmove*",
	"memset*",
	"__memset*",
	"memcmp",
	"strlen",
	"strnlen",
	"strcmp",
	"strncmp",
	"strcpy",
	"strncpy",
	"strscpy*",
	"copy_user_*",
	"_copy_from_user",
	"_copy_to_user",
	/* waiting: where a hung task sleeps, not why */
	"__schedule",
	"schedule",
	"schedule_timeout*",
	"schedule_preempt_disabled",
	"io_schedule*",
	"msleep*",
	"usleep_range*",
	"wait_for_completion*",
	"__wait_for_common",
	"wait_for_common*",
	"do_wait_for_common",
	"mutex_lock*",
	"__mutex_lock*",
	"down*",
	"rwsem_down_*",
	/* spinning: where a soft lockup spins, not why */
	"delay_tsc",
	"__const_udelay",
	"__udelay",
	"__delay",
	"native_queued_spin_lock_slowpath",
	"queued_spin_lock_slowpath",
	"_raw_spin_lock*",
	"do_raw_spin_lock",
	/* interrupt and entry glue */
	"watchdog_timer_fn",
	"__hrtimer_run_queues",
	"hrtimer_interrupt",
	"__sysvec_*",
	"sysvec_*",
	"asm_sysvec_*",
	"irq_exit_rcu",
	"__irq_exit_rcu",
	"do_syscall_64",
	"entry_SYSCALL_64*",
	/* Rugo's trap path and printf (docs/guest.md): a title names the
	 * function that trapped or called panic, not the reporting */
	"trap",
	"trap_kernel_exception",
	"trap_print_frame",
	"alltraps",
	"trapret",
	"kprintf",
	"kvprintf",
	"qemu_exit",
	"panic_trace",
	NULL,
};
