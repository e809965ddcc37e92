/* diag_crash.c: a guest crash's code addresses symbolized with addr2line,
 * its guilty function and its title. See kiln/diag/crash.h.
 *
 * Owner: diagnostics. Only Rugo prints bare addresses (docs/guest.md): the
 * `trap: rip=` line (the faulting instruction) and the `trace:` line (the
 * return addresses of the frame-pointer chain). A return address is looked
 * up one byte back, as syzkaller and gdb do, so that it names the call and
 * not the statement after it.
 */
#include "kiln/diag/crash.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diag_text.h"
#include "kiln/lib/spawn.h"
#include "kiln/lib/util.h"

#define CRASH_ADDRS_MAX 32
#define CRASH_SYMBOLIZE_MS 10000 /* addr2line on a kernel ELF takes milliseconds */

struct crash_addrs {
	uint64_t addr[CRASH_ADDRS_MAX];
	bool is_return[CRASH_ADDRS_MAX];
	size_t n;
};

static const char *crash_line_find(const char *console, size_t len, const char *prefix)
{
	size_t plen = strlen(prefix);

	for (const char *p = console, *end = console + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if ((size_t)(end - p) >= plen && !memcmp(p, prefix, plen))
			return p + plen;
		p = nl ? nl + 1 : end;
	}
	return NULL;
}

/* The hex numbers after p, up to the end of its line. */
static void crash_addrs_scan(struct crash_addrs *a, const char *p, const char *end, bool ret)
{
	while (p && p < end && *p != '\n' && a->n < CRASH_ADDRS_MAX) {
		char *next;
		if (p[0] == '0' && p[1] == 'x') {
			uint64_t v = strtoull(p, &next, 16);
			if (v) {
				a->addr[a->n] = v;
				a->is_return[a->n++] = ret;
			}
			p = next;
		} else {
			p++;
		}
	}
}

/* Run addr2line on the addresses; its whole stdout, or NULL with err set. */
static char *crash_addr2line(const char *elf, const struct crash_addrs *a, char **err)
{
	const char *tool = getenv("KILN_ADDR2LINE");
	char *argv[8 + CRASH_ADDRS_MAX] = {(char *)(tool && *tool ? tool : "addr2line"),
					   "-f",
					   "-i",
					   "-p",
					   "-a",
					   "-e",
					   (char *)elf};
	char hex[CRASH_ADDRS_MAX][24], *out = NULL;
	size_t argc = 7, len = 0;
	int fds[2], status = 0;
	int64_t deadline = util_now_ms() + CRASH_SYMBOLIZE_MS;

	for (size_t i = 0; i < a->n; i++) {
		snprintf(hex[i], sizeof(hex[i]), "0x%" PRIx64, a->addr[i] - a->is_return[i]);
		argv[argc++] = hex[i];
	}
	argv[argc] = NULL;
	if (pipe2(fds, O_CLOEXEC) < 0) {
		*err = util_strdup_printf("pipe: %s", strerror(errno));
		return NULL;
	}
	pid_t pid = spawn_child(argv, &(struct spawn_opts){.in_fd = SPAWN_NULL,
							   .out_fd = fds[1],
							   .hint = "binutils installs addr2line"});
	close(fds[1]);
	if (pid < 0) {
		*err = util_strdup_printf("fork: %s", strerror(errno));
		close(fds[0]);
		return NULL;
	}
	FILE *buf = util_memstream(&out, &len);
	for (;;) {
		struct pollfd pfd = {fds[0], POLLIN, 0};
		char chunk[4096];
		int64_t left = deadline - util_now_ms();
		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			break;
		ssize_t n = read(fds[0], chunk, sizeof(chunk));
		if (n <= 0)
			break;
		fwrite(chunk, 1, (size_t)n, buf);
	}
	fclose(buf);
	close(fds[0]);
	kill(pid, SIGKILL); /* done or past its deadline either way */
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		*err = util_strdup_printf("%s failed on %s (%s %d)", argv[0], elf,
					  WIFEXITED(status) ? "status" : "signal",
					  WIFEXITED(status) ? WEXITSTATUS(status)
							    : WTERMSIG(status));
		free(out);
		return NULL;
	}
	return out;
}

/* One "func at file:line" of addr2line -p into a frame object. */
static json_t *crash_frame(const char *addr, const char *text, size_t n)
{
	const char *at = memmem(text, n, " at ", 4);
	const char *fend = at ? at : text + n;
	const char *loc = at ? at + 4 : NULL;
	const char *colon = NULL;
	char *func = util_strndup(text, (size_t)(fend - text));
	json_t *fr = json_pack("{s:s, s:s}", "addr", addr, "function", func);

	for (const char *p = loc; p && p < text + n; p++)
		if (*p == ':')
			colon = p;
	if (loc && colon) {
		char *file = util_strndup(loc, (size_t)(colon - loc));
		long line = strtol(colon + 1, NULL, 10);
		json_object_set_new(fr, "file", json_string(file));
		json_object_set_new(fr, "line", line > 0 ? json_integer(line) : json_null());
		free(file);
	}
	free(func);
	return fr;
}

/* addr2line -a -p -i: "0x..: f at file:line", then " (inlined by) g at
 * file:line" for each caller f was inlined into. The first line of an
 * address is its innermost function; all but its last line are inlined. */
static json_t *crash_frames_parse(const char *text, const struct crash_addrs *a)
{
	json_t *frames = json_array(), *last = NULL;
	size_t idx = 0;
	char addr[24] = "";

	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		const char *inl = " (inlined by) ";
		if (n > strlen(inl) && !strncmp(p, inl, strlen(inl))) {
			if (last)
				json_object_set_new(last, "inlined", json_true());
			last = crash_frame(addr, p + strlen(inl), n - strlen(inl));
		} else if (n > 4 && !strncmp(p, "0x", 2) && memchr(p, ':', n) && idx < a->n) {
			const char *colon = memchr(p, ':', n);
			snprintf(addr, sizeof(addr), "0x%" PRIx64, a->addr[idx++]);
			last = crash_frame(addr, colon + 2, n - (size_t)(colon + 2 - p));
		} else {
			last = NULL;
		}
		if (last) {
			json_object_set_new(last, "inlined", json_false());
			json_array_append_new(frames, last);
		}
		p = nl ? nl + 1 : p + n;
	}
	return frames;
}

/* The first frame that is neither generic nor unknown ("??"). */
static const char *crash_guilty(const json_t *frames)
{
	const json_t *fr;
	size_t i;

	json_array_foreach (frames, i, fr) {
		const char *f = json_string_value(json_object_get(fr, "function"));
		if (f && strcmp(f, "??") && !diag_frame_is_generic(f))
			return f;
	}
	return NULL;
}

json_t *crash_report_build(const char *console, size_t len, const char *symbols)
{
	struct crash_addrs a = {.n = 0};
	const char *end = console + len;
	const char *rip = crash_line_find(console, len, "trap: rip=");
	char *err = NULL, *text;

	crash_addrs_scan(&a, rip, end, false);
	if (rip) /* only the address after rip=, not cs, rflags, rsp, err */
		a.n = a.n > 1 ? 1 : a.n;
	crash_addrs_scan(&a, crash_line_find(console, len, "trace:"), end, true);
	if (!a.n)
		return NULL;
	json_t *rep = json_pack("{s:s, s:[]}", "symbols", symbols, "frames");
	if (!(text = crash_addr2line(symbols, &a, &err))) {
		json_object_set_new(rep, "error", json_string(err));
		json_object_set_new(rep, "function", json_null());
		free(err);
		return rep;
	}
	json_t *frames = crash_frames_parse(text, &a);
	const char *guilty = crash_guilty(frames);
	json_object_set_new(rep, "function", guilty ? json_string(guilty) : json_null());
	json_object_set_new(rep, "frames", frames);
	free(text);
	return rep;
}

/* A kernel function name: what a subject taken from a frame looks like. */
static bool crash_is_function(const char *s)
{
	if (!s || !(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
		return false;
	for (; *s; s++)
		if (!(*s == '_' || *s == '.' || (*s >= 'a' && *s <= 'z') ||
		      (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

char *crash_title(const char *class_text, const char *code, const char *subject,
		  const char *function)
{
	if (!code)
		return util_strdup(class_text);
	if (!function && crash_is_function(subject))
		function = subject;
	/* Rugo's catch-all "trap" code: the vector's name says what happened. */
	if (function && !strcmp(code, "trap") && subject)
		code = subject;
	if (function)
		return util_strdup_printf("%s:%s in %s", class_text, code, function);
	if (subject)
		return util_strdup_printf("%s:%s:%s", class_text, code, subject);
	return util_strdup_printf("%s:%s", class_text, code);
}
