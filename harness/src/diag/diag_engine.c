/* diag_engine.c: scanning text line by line against the rule tables.
 *
 * Owner: diagnostics. See kiln/diag.h (diag_scan_*). The hot path is the
 * prefilter: it jumps from trigger to trigger over the whole buffer, and a
 * line is cut out and judged only around a hit. Inside a kernel report every
 * line is read, because the guilty frame is on lines no trigger names.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag_engine.h"
#include "diag_prefilter.h"
#include "kiln/lib/util.h"

#define RULES_MAX 512

/* The rows of the selected tables, in priority order, with their triggers
 * numbered for the prefilter. Built once per source mask, then shared. */
struct ruleset {
	const struct diag_rule *rule[RULES_MAX];
	unsigned source[RULES_MAX];
	unsigned trigger[RULES_MAX];
	size_t n;
	const char *lit[DIAG_PREFILTER_MAX];
	size_t nlit;
	struct diag_prefilter *pf;
};

static struct ruleset *rulesets[DIAG_FROM_AUTO + 1];
static pthread_mutex_t rulesets_lock = PTHREAD_MUTEX_INITIALIZER;

static unsigned trigger_index(struct ruleset *rs, const char *lit)
{
	for (size_t i = 0; i < rs->nlit; i++)
		if (!strcmp(rs->lit[i], lit))
			return (unsigned)i;
	if (rs->nlit == DIAG_PREFILTER_MAX)
		abort(); /* a table grew past the prefilter; the unit tests catch it */
	rs->lit[rs->nlit] = lit;
	return (unsigned)rs->nlit++;
}

static struct ruleset *ruleset_build(unsigned from)
{
	const struct diag_table *tables[] = {&diag_table_ld, &diag_table_qemu, &diag_table_console};
	struct ruleset *rs = util_calloc(1, sizeof(*rs));

	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		if (!(tables[t]->source & from))
			continue;
		for (size_t i = 0; i < tables[t]->count; i++) {
			if (rs->n == RULES_MAX)
				abort();
			rs->rule[rs->n] = &tables[t]->rules[i];
			rs->source[rs->n] = tables[t]->source;
			rs->trigger[rs->n] = trigger_index(rs, tables[t]->rules[i].trigger);
			rs->n++;
		}
	}
	rs->pf = diag_prefilter_new(rs->lit, rs->nlit);
	if (!rs->pf)
		abort();
	return rs;
}

static const struct ruleset *ruleset_get(unsigned from)
{
	struct ruleset *rs;

	from &= DIAG_FROM_AUTO;
	if (!from)
		from = DIAG_FROM_AUTO;
	pthread_mutex_lock(&rulesets_lock);
	if (!rulesets[from])
		rulesets[from] = ruleset_build(from);
	rs = rulesets[from];
	pthread_mutex_unlock(&rulesets_lock);
	return rs;
}

struct diag_scan {
	struct diag_set *set;
	const struct ruleset *rs;
	struct diag_report *report; /* an open kernel report, or NULL */
	char carry[DIAG_LINE_MAX];  /* the start of an unfinished line */
	size_t carry_len;
	uint64_t carry_order;
};

/* Judge one line (without its newline). */
static void scan_line(struct diag_scan *scan, const char *line, size_t len, uint64_t order)
{
	const struct ruleset *rs = scan->rs;
	uint64_t seen[DIAG_PREFILTER_MAX / 64] = {0};
	bool header = false;

	if (len > DIAG_LINE_MAX)
		len = DIAG_LINE_MAX;
	diag_prefilter_collect(rs->pf, line, len, seen);
	for (size_t i = 0; i < rs->n; i++) {
		const struct diag_rule *rule = rs->rule[i];
		struct diag_capture caps[DIAG_CAPS_MAX];
		char subject[DIAG_SUBJECT_MAX + 1];
		int ncaps;

		if (!(seen[rs->trigger[i] / 64] & (1ull << (rs->trigger[i] % 64))))
			continue;
		ncaps = diag_template_match(rule->pattern, line, len, rule->strips, caps);
		if (ncaps < 0)
			continue;
		if (!rule->code) /* a known harmless line */
			break;
		if (rule->flags & DIAG_RULE_REPORT) {
			diag_report_close(scan->report, scan->set);
			scan->report = diag_report_open(rule, rs->source[i], caps, ncaps, line, len,
							order);
			header = true;
			break;
		}
		diag_apply(scan->set, rule, rs->source[i],
			   diag_subject_build(rule, caps, ncaps, NULL, NULL, subject) ? subject
										      : NULL,
			   line, len, order);
		break;
	}
	if (scan->report && !header && diag_report_feed(scan->report, line, len)) {
		diag_report_close(scan->report, scan->set);
		scan->report = NULL;
	}
}

/* Judge the complete lines in buf[0..len), which ends with a newline. */
static void scan_lines(struct diag_scan *scan, const char *buf, size_t len, uint64_t base)
{
	size_t p = 0;

	while (p < len) {
		const char *nl;
		size_t hit, start;

		if (scan->report) { /* every line counts inside a report */
			nl = memchr(buf + p, '\n', len - p);
			scan_line(scan, buf + p, (size_t)(nl - buf) - p, base + p);
			p = (size_t)(nl - buf) + 1;
			continue;
		}
		hit = diag_prefilter_find(scan->rs->pf, buf, len, p);
		if (hit == SIZE_MAX)
			return;
		nl = memrchr(buf + p, '\n', hit - p);
		start = nl ? (size_t)(nl - buf) + 1 : p;
		nl = memchr(buf + hit, '\n', len - hit);
		scan_line(scan, buf + start, (size_t)(nl - buf) - start, base + start);
		p = (size_t)(nl - buf) + 1;
	}
}

struct diag_scan *diag_scan_new(struct diag_set *set, enum diag_source from)
{
	struct diag_scan *scan = util_calloc(1, sizeof(*scan));

	scan->set = set;
	scan->rs = ruleset_get(from);
	return scan;
}

/* Keep the start of an unfinished line; bytes past DIAG_LINE_MAX are never
 * judged, so they are dropped. */
static void carry_add(struct diag_scan *scan, const char *p, size_t n, uint64_t order)
{
	size_t room = DIAG_LINE_MAX - scan->carry_len;

	if (scan->carry_len == 0)
		scan->carry_order = order;
	memcpy(scan->carry + scan->carry_len, p, n < room ? n : room);
	scan->carry_len += n < room ? n : room;
}

void diag_scan_feed(struct diag_scan *scan, const char *buf, size_t len)
{
	uint64_t base = diag_set_reserve(scan->set, len);
	const char *last;
	size_t p = 0;

	if (len == 0)
		return;
	if (scan->carry_len > 0) {
		const char *nl = memchr(buf, '\n', len);

		if (!nl) {
			carry_add(scan, buf, len, base);
			return;
		}
		p = (size_t)(nl - buf) + 1;
		carry_add(scan, buf, p - 1, base);
		scan_line(scan, scan->carry, scan->carry_len, scan->carry_order);
		scan->carry_len = 0;
	}
	last = memrchr(buf + p, '\n', len - p);
	if (last) {
		scan_lines(scan, buf + p, (size_t)(last - buf) + 1 - p, base + p);
		p = (size_t)(last - buf) + 1;
	}
	if (p < len)
		carry_add(scan, buf + p, len - p, base + p);
}

void diag_scan_end(struct diag_scan *scan)
{
	if (!scan)
		return;
	if (scan->carry_len > 0)
		scan_line(scan, scan->carry, scan->carry_len, scan->carry_order);
	diag_report_close(scan->report, scan->set);
	free(scan);
}

int diag_scan_buffer(struct diag_set *set, enum diag_source from, const char *buf, size_t len)
{
	struct diag_scan *scan = diag_scan_new(set, from);

	diag_scan_feed(scan, buf, len);
	diag_scan_end(scan);
	return 0;
}

/* Big reads: the prefilter works best on long runs of complete lines. */
#define READ_CHUNK (1u << 20)

int diag_scan_file(struct diag_set *set, enum diag_source from, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), err = 0;
	struct diag_scan *scan;
	char *buf;
	ssize_t n;

	if (fd < 0)
		return -1;
	buf = util_malloc(READ_CHUNK);
	scan = diag_scan_new(set, from);
	while ((n = read(fd, buf, READ_CHUNK)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = errno;
			break;
		}
		diag_scan_feed(scan, buf, (size_t)n);
	}
	diag_scan_end(scan);
	free(buf);
	close(fd);
	errno = err;
	return err ? -1 : 0;
}
