/* diag_report.c: a multi-line Linux kernel report reduced to one finding.
 *
 * Owner: diagnostics. See kiln/diag_engine.h. Following syzkaller's
 * discipline, the title names the guilty frame: the first function that is
 * not on the generic list (dump_stack, __warn, memcpy, schedule, ...), taken
 * from the header itself (WARNING, KASAN), else from RIP:, else from the
 * Call Trace. Frames marked "?" are stack garbage and are skipped. The
 * report ends at its end marker, at the next report, after REPORT_LINES_MAX
 * lines, or with the input.
 */
#include <stdlib.h>
#include <string.h>

#include "diag_engine.h"
#include "diag_text.h"
#include "kiln/lib/util.h"

#define FRAMES_MAX 32
#define REPORT_LINES_MAX 200

struct diag_report {
	const struct diag_rule *rule;
	unsigned source;
	char cap[DIAG_CAPS_MAX][DIAG_LINE_MAX];
	struct diag_capture caps[DIAG_CAPS_MAX];
	int ncaps;
	char raw[DIAG_RAW_MAX];
	size_t raw_len;
	uint64_t order;
	char header_frame[DIAG_SUBJECT_MAX + 1];
	char rip[DIAG_SUBJECT_MAX + 1];
	char frame[FRAMES_MAX][DIAG_SUBJECT_MAX + 1];
	size_t nframes;
	const char *access;
	bool in_trace;
	unsigned lines;
};

struct diag_report *diag_report_open(const struct diag_rule *rule, unsigned source,
				     const struct diag_capture *caps, int ncaps, const char *raw,
				     size_t raw_len, uint64_t order)
{
	struct diag_report *rep = util_calloc(1, sizeof(*rep));

	rep->rule = rule;
	rep->source = source;
	rep->ncaps = ncaps;
	for (int i = 0; i < ncaps; i++) {
		size_t n = caps[i].n < DIAG_LINE_MAX ? caps[i].n : DIAG_LINE_MAX;

		memcpy(rep->cap[i], caps[i].p, n);
		rep->caps[i] = (struct diag_capture){rep->cap[i], n};
	}
	if (rule->frame_capture && (int)rule->frame_capture <= ncaps) {
		const struct diag_capture *c = &caps[rule->frame_capture - 1];

		diag_text_subject(rep->header_frame, c->p, c->n, DIAG_STRIP_FRAME);
	}
	rep->raw_len = raw_len < DIAG_RAW_MAX ? raw_len : DIAG_RAW_MAX;
	memcpy(rep->raw, raw, rep->raw_len);
	rep->order = order;
	return rep;
}

static bool starts(const char *p, size_t n, const char *s)
{
	size_t k = strlen(s);

	return n >= k && !memcmp(p, s, k);
}

/* Skip a printk timestamp "[    1.234567] " and leading blanks. */
static void skip_prefix(const char **p, size_t *n)
{
	if (*n > 0 && **p == '[') {
		const char *close = memchr(*p, ']', *n < 24 ? *n : 24);

		if (close) {
			*n -= (size_t)(close + 1 - *p);
			*p = close + 1;
		}
	}
	while (*n > 0 && (**p == ' ' || **p == '\t'))
		(*p)++, (*n)--;
}

/* The function of "func+0x1f/0x40 [mod]" into out; false for a bare
 * address (an unsymbolized or user-space RIP). */
static bool frame_name(const char *p, size_t n, char *out)
{
	const char *end = memchr(p, ' ', n);

	if (end)
		n = (size_t)(end - p);
	if (!memmem(p, n, "+0x", 3) || starts(p, n, "0x"))
		return false;
	return diag_text_subject(out, p, n, DIAG_STRIP_FRAME) > 0;
}

static void read_rip(struct diag_report *rep, const char *p, size_t n)
{
	p += 5, n -= 5; /* "RIP: " */
	/* "0010:" is the kernel code segment; "0033:" is user space */
	if (n > 5 && p[4] == ':') {
		if (!starts(p, n, "0010:"))
			return;
		p += 5, n -= 5;
	}
	/* 4.x kernels: "RIP: 0010:[<ffffffff81000000>]  [<ffffffff81000000>] f+0x3/0x10" */
	while (starts(p, n, "[<") || starts(p, n, " ")) {
		const char *sp = memchr(p, ' ', n);

		if (!sp)
			return;
		n -= (size_t)(sp + 1 - p);
		p = sp + 1;
	}
	if (!rep->rip[0])
		frame_name(p, n, rep->rip);
}

static void read_frame(struct diag_report *rep, const char *p, size_t n)
{
	if (starts(p, n, "? ") || starts(p, n, "<") || rep->nframes == FRAMES_MAX)
		return;
	if (starts(p, n, "[<")) { /* old style: [<ffffffff81000000>] func+0x1/0x2 */
		const char *sp = memchr(p, ' ', n);

		if (!sp)
			return;
		n -= (size_t)(sp + 1 - p);
		p = sp + 1;
		if (starts(p, n, "? "))
			return;
	}
	if (frame_name(p, n, rep->frame[rep->nframes]))
		rep->nframes++;
}

bool diag_report_feed(struct diag_report *rep, const char *line, size_t len)
{
	const char *p = line;
	size_t n = len;

	if (++rep->lines > REPORT_LINES_MAX)
		return true;
	skip_prefix(&p, &n);
	if (starts(p, n, "---[ end ") || starts(p, n, "=========="))
		return true;
	if (starts(p, n, "RIP: ")) {
		read_rip(rep, p, n);
		return false;
	}
	if (starts(p, n, "Call Trace:")) {
		rep->in_trace = true;
		return false;
	}
	if (!rep->access) {
		if (starts(p, n, "Read of size"))
			rep->access = "read";
		else if (starts(p, n, "Write of size"))
			rep->access = "write";
		else if (starts(p, n, "Free of addr"))
			rep->access = "free";
	}
	if (rep->in_trace)
		read_frame(rep, p, n);
	return false;
}

/* The guilty frame: the first candidate not on the generic list, else the
 * first candidate at all. */
static const char *guilty_frame(const struct diag_report *rep)
{
	const char *cand[FRAMES_MAX + 2];
	size_t n = 0;

	if (rep->header_frame[0])
		cand[n++] = rep->header_frame;
	if (rep->rip[0])
		cand[n++] = rep->rip;
	for (size_t i = 0; i < rep->nframes; i++)
		cand[n++] = rep->frame[i];
	for (size_t i = 0; i < n; i++)
		if (!diag_frame_is_generic(cand[i]))
			return cand[i];
	return n ? cand[0] : NULL;
}

void diag_report_close(struct diag_report *rep, struct diag_set *set)
{
	char subject[DIAG_SUBJECT_MAX + 1];

	if (!rep)
		return;
	diag_apply(set, rep->rule, rep->source,
		   diag_subject_build(rep->rule, rep->caps, rep->ncaps, guilty_frame(rep),
				      rep->access, subject)
			   ? subject
			   : NULL,
		   rep->raw, rep->raw_len, rep->order);
	free(rep);
}
