/* case_console.c: console bytes into the case: console.log, fail patterns
 * and the strict marker policy. See kiln/case_ctx.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "case_ctx.h"
#include "kiln/lib/text.h"

/* A guest that floods the console must not fill the disk: console.log stops
 * growing at the cap (matching goes on). */
#define CONSOLE_LOG_CAP_DEFAULT (64u << 20)

int case_console_log_cap(uint64_t *cap)
{
	const char *env = getenv("KILN_CONSOLE_LOG_CAP");
	int n;

	*cap = CONSOLE_LOG_CAP_DEFAULT;
	if (!env)
		return 0;
	if (util_parse_int(env, 4096, INT_MAX, &n) < 0)
		return -1;
	*cap = (uint64_t)n;
	return 0;
}

int case_console_open_log(struct case_ctx *c)
{
	char *path = util_strdup_printf("%s/console.log", c->case_dir);

	case_console_log_cap(&c->console_log_cap);

	c->console_log_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	free(path);
	return c->console_log_fd < 0 ? -1 : 0;
}

static void case_console_log(struct case_ctx *c, const char *buf, size_t n)
{
	const uint64_t cap = c->console_log_cap;

	if (c->console_log_fd < 0 || c->console_logged >= cap)
		return;
	if (c->console_logged + n > cap)
		n = (size_t)(cap - c->console_logged);
	/* Written straight away, unbuffered: nothing is lost if we die. */
	util_write_all(c->console_log_fd, buf, n);
	c->console_logged += n;
	if (c->console_logged >= cap) {
		char note[128];
		int len = snprintf(
			note, sizeof(note),
			"\n[kiln: console.log stops here at %llu bytes (KILN_CONSOLE_LOG_CAP); "
			"the case goes on]\n",
			(unsigned long long)cap);
		util_write_all(c->console_log_fd, note, (size_t)len);
	}
}

bool case_console_read(struct case_ctx *c)
{
	char buf[65536];

	if (c->vm->console_fd < 0)
		return false;
	for (;;) {
		ssize_t n = read(c->vm->console_fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return true;
		if (n <= 0) {
			close(c->vm->console_fd);
			c->vm->console_fd = -1;
			return false;
		}
		case_console_log(c, buf, (size_t)n);
		case_diag_feed(c, buf, (size_t)n);
		case_ktap_feed(c, buf, (size_t)n);
		console_feed(c->con, buf, (size_t)n, util_now_ms());
	}
}

/* The whole line around [start, end), clipped, as a new string. */
static char *case_console_line_at(struct case_ctx *c, uint64_t start, uint64_t end)
{
	size_t len;
	char *around = console_copy(c->con, start > 200 ? start - 200 : 0, end + 200, &len);
	size_t off = (size_t)(start - (start > 200 ? start - 200 : 0));
	size_t b = off, e = off + (size_t)(end - start);

	if (off > len)
		return around;
	while (b > 0 && around[b - 1] != '\n')
		b--;
	while (e < len && around[e] != '\n' && around[e] != '\r')
		e++;
	if (e > len)
		e = len;
	char *line = util_strndup(around + b, e - b);
	free(around);
	return line;
}

void case_console_fail_verdict(struct case_ctx *c)
{
	const struct console_match *m = &c->fail_match;
	char *line = case_console_line_at(c, m->start, m->end);
	char *clean = text_escape_controls(line, strlen(line));

	case_verdict(c, OUTCOME_GUEST_PANICKED, "fail pattern");
	snprintf(c->reason, sizeof(c->reason), "'%s' (fail pattern '%s') at %lld ms", clean,
		 c->fail_hit->pattern.text, (long long)(m->t_ms - c->t0));
	/* The same facts for programs (report.html's timeline, triage
	 * scripts), so nothing has to parse the reason. */
	json_decref(c->fail_record);
	c->fail_record = json_pack("{s:s, s:o, s:I, s:I}", "pattern", c->fail_hit->pattern.text,
				   "line", text_json_string(line, strlen(line)), "offset",
				   (json_int_t)m->start, "t_ms", (json_int_t)(m->t_ms - c->t0));
	free(clean);
	free(line);
}

/* The armed fail pattern whose match starts first in the new bytes. */
static bool case_earliest_fail(struct case_ctx *c, const struct fail_pattern **hit,
			       struct console_match *m)
{
	bool found = false;

	for (size_t i = 0; i < c->f->n_fails; i++) {
		struct console_match mi;

		if (!c->fail_armed[i] ||
		    !console_search(c->con, &c->f->fails[i].pattern, &c->fail_scans[i], &mi))
			continue;
		if (!found || mi.start < m->start) {
			*hit = &c->f->fails[i];
			*m = mi;
		}
		found = true;
	}
	return found;
}

/* A fail pattern matched. The steps whose markers came before it pass
 * first, searched up to the match alone, as they would have if the bytes
 * had come in two reads; then the failure is the verdict, unless those
 * steps ended the case. */
static void case_check_fail_patterns(struct case_ctx *c)
{
	const struct fail_pattern *hit = NULL, *later_hit = NULL;
	struct console_match m, later;

	if (c->fail_checking || !case_earliest_fail(c, &hit, &m))
		return;
	c->fail_checking = true;
	console_set_horizon(c->con, m.start);
	case_advance(c);
	console_set_horizon(c->con, CONSOLE_NO_HORIZON);
	c->fail_checking = false;
	if (c->finished)
		return;
	/* A pattern armed by a step that just passed may match earlier still. */
	if (case_earliest_fail(c, &later_hit, &later) && later.start < m.start) {
		hit = later_hit;
		m = later;
	}
	c->fail_hit = hit;
	c->fail_match = m;
	case_console_fail_verdict(c);
}

static bool pattern_matches_line(const struct pattern *p, const char *line)
{
	size_t n = strlen(p->text);

	if (p->is_regex)
		return regexec(&p->re, line, 0, NULL, 0) == 0;
	/* A literal may end in the newline that closes its line; the line
	 * handed to us has none. */
	while (n > 0 && (p->text[n - 1] == '\n' || p->text[n - 1] == '\r'))
		n--;
	return n > 0 && memmem(line, strlen(line), p->text, n) != NULL;
}

/* Is line expected by any expect step of the fixture? */
static bool case_marker_expected(const struct case_ctx *c, const char *line)
{
	for (size_t i = 0; i < c->f->n_steps; i++) {
		const struct step *s = &c->f->steps[i];
		if (s->kind == STEP_EXPECT && pattern_matches_line(&s->pattern, line))
			return true;
		for (size_t j = 0; j < s->n_children; j++)
			if (pattern_matches_line(&s->children[j].pattern, line))
				return true;
	}
	return false;
}

static void case_check_markers(struct case_ctx *c)
{
	const char *prefix = c->f->marker_prefix;
	const char *raw;
	size_t len;

	if (!prefix)
		return;
	while (!c->finished && console_next_line(c->con, &c->line_off, &raw, &len)) {
		if (len < strlen(prefix) || memcmp(raw, prefix, strlen(prefix)) != 0)
			continue;
		char *line = text_utf8_clean(raw, len);
		char *shown = text_escape_controls(raw, len);
		if (!case_marker_expected(c, line))
			case_verdict(c, OUTCOME_FAIL, "unexpected marker line '%s'", shown);
		else if (json_object_get(c->seen_markers, line))
			case_verdict(c, OUTCOME_FAIL, "marker line repeated: '%s'", shown);
		else
			json_object_set_new(c->seen_markers, line, json_true());
		free(shown);
		free(line);
	}
}

void case_console_check(struct case_ctx *c)
{
	if (c->finished)
		return;
	case_check_fail_patterns(c);
	case_check_markers(c);
}

bool case_console_drain(struct case_ctx *c, int ms)
{
	int64_t until = util_now_ms() + ms;

	while (util_now_ms() < until && (c->vm->console_fd >= 0 || !c->vm->exit.exited)) {
		struct pollfd p[8];
		size_t n = 0;
		if (c->vm->console_fd >= 0)
			p[n++] = (struct pollfd){c->vm->console_fd, POLLIN, 0};
		size_t nvm = c->vm->ops->poll_fds(c->vm, p + n, 8 - n);
		int rc = poll(p, n + nvm, (int)(until - util_now_ms()));
		if (rc < 0 && errno != EINTR)
			break;
		if (n && p[0].revents)
			case_console_read(c);
		c->vm->ops->dispatch(c->vm, p + n, nvm);
	}
	return c->vm->exit.exited;
}
