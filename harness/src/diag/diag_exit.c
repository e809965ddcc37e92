/* diag_exit.c: findings from how QEMU ended rather than from what it
 * printed. See diag_note_exit() in kiln/diag.h.
 *
 * Owner: diagnostics. The rows below are the codes this file produces, so
 * that `kiln diag --list-rules` and the catalogue test see them too.
 */
#include <stdio.h>
#include <sys/wait.h>

#include "diag_engine.h"
#include "diag_text.h"

enum { EXIT_TRIPLE, EXIT_KILLED, EXIT_GUEST };

/* The pattern column says which fact gives each code. */
const struct diag_rule diag_exit_codes[] = {
	[EXIT_TRIPLE] = {"triple_fault", DIAG_ERR, "(exit)", "triple_fault flag", 0},
	[EXIT_KILLED] = {"qemu_killed", DIAG_ERR, "(exit)", "WIFSIGNALED", DIAG_FOLD_SIGNAL},
	[EXIT_GUEST] = {"guest_exit", DIAG_ERR, "(exit)", "odd WEXITSTATUS", 0},
};
const size_t diag_exit_code_count = sizeof(diag_exit_codes) / sizeof(diag_exit_codes[0]);

static void add(struct diag_set *set, const struct diag_rule *rule, const char *subject)
{
	diag_apply(set, rule, DIAG_FROM_QEMU, subject, "", 0, diag_set_reserve(set, 0));
}

void diag_note_exit(struct diag_set *set, int wait_status, bool triple_fault)
{
	char subject[DIAG_SUBJECT_MAX + 1];
	int status;

	if (triple_fault) {
		add(set, &diag_exit_codes[EXIT_TRIPLE], NULL);
		return;
	}
	if (WIFSIGNALED(wait_status)) {
		char num[16];
		int n = snprintf(num, sizeof(num), "%d", WTERMSIG(wait_status));

		diag_text_subject(subject, num, (size_t)n, DIAG_FOLD_SIGNAL);
		add(set, &diag_exit_codes[EXIT_KILLED], subject);
		return;
	}
	if (!WIFEXITED(wait_status))
		return;
	status = WEXITSTATUS(wait_status);
	/* isa-debug-exit makes every status odd; 1 is also QEMU's own failure,
	 * which its stderr has explained when an error is in the set. */
	if (!(status & 1) || (status == 1 && diag_set_has_error_from(set, DIAG_FROM_QEMU)))
		return;
	snprintf(subject, sizeof(subject), "%d", status >> 1);
	add(set, &diag_exit_codes[EXIT_GUEST], subject);
}
