/* diag_text.c: stripping the volatile parts of a subject. See kiln/diag_text.h.
 *
 * Owner: diagnostics. The rules say what to strip; this file knows how. A
 * subject must come out the same from every linker, build directory and
 * boot, so each step removes one kind of noise and nothing else.
 */
#include "diag_text.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "diag_rule.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static bool is_ident(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Cut [p, p+*n) at the first occurrence of s. */
static void cut_at(const char *p, size_t *n, const char *s)
{
	const char *hit = memmem(p, *n, s, strlen(s));

	if (hit)
		*n = (size_t)(hit - p);
}

/* A kernel function as printed in a frame: "name.isra.0+0x1f/0x40 [mod]". */
static void strip_frame(const char *p, size_t *n)
{
	/* Suffixes the compiler adds to clones and split-off cold parts; the
	 * same source function gets different ones from build to build. */
	static const char *const cuts[] = {"+0x",    " ",     ".isra.", ".constprop.",
					   ".part.", ".cold", ".llvm."};

	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++)
		cut_at(p, n, cuts[i]);
}

/* "15" -> "SIGTERM"; anything else is left alone. */
static size_t signal_name(char *out, const char *p, size_t n)
{
	int sig = 0;
	const char *abbrev;

	if (n == 0 || n > 3)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit(p[i]))
			return 0;
		sig = sig * 10 + (p[i] - '0');
	}
	abbrev = sigabbrev_np(sig);
	if (abbrev)
		return (size_t)snprintf(out, DIAG_SUBJECT_MAX + 1, "SIG%s", abbrev);
	return (size_t)snprintf(out, DIAG_SUBJECT_MAX + 1, "SIG%d", sig);
}

/* Length of a number to replace at p (start of a word), and what it is. */
static size_t number_at(const char *p, size_t left, unsigned strips, const char **as)
{
	size_t k = 0;

	if ((strips & DIAG_STRIP_ADDR) && left > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
	    is_hex(p[2])) {
		for (k = 2; k < left && is_hex(p[k]); k++)
			;
		*as = "ADDR";
		return k < left && is_ident(p[k]) ? 0 : k;
	}
	if (strips & DIAG_STRIP_ADDR) {
		bool digit = false;

		for (k = 0; k < left && is_hex(p[k]); k++)
			digit |= is_digit(p[k]);
		if (k >= 8 && digit && (k == left || !is_ident(p[k]))) {
			*as = "ADDR";
			return k;
		}
	}
	if ((strips & DIAG_STRIP_NUM) && is_digit(p[0])) {
		for (k = 0; k < left && is_digit(p[k]); k++)
			;
		*as = "NUM";
		return k;
	}
	return 0;
}

/* Bytes of s that fit in max without splitting a UTF-8 sequence. */
static size_t utf8_fit(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	return max;
}

size_t diag_text_subject(char *out, const char *in, size_t n, unsigned strips)
{
	char buf[DIAG_SUBJECT_MAX * 4 + 8];
	size_t len = 0;

	while (n > 0 && is_blank(*in))
		in++, n--;
	while (n > 0 && is_blank(in[n - 1]))
		n--;
	if (strips & DIAG_STRIP_DIR) {
		const char *slash = memrchr(in, '/', n);

		if (slash && (size_t)(slash + 1 - in) < n) {
			n -= (size_t)(slash + 1 - in);
			in = slash + 1;
		}
	}
	while ((strips & DIAG_STRIP_DASH) && n > 1 && *in == '-')
		in++, n--;
	if (strips & DIAG_STRIP_FRAME)
		strip_frame(in, &n);
	if ((strips & DIAG_FOLD_SIGNAL) && (len = signal_name(out, in, n)) > 0)
		return len;

	for (size_t i = 0; i < n && len < sizeof(buf) - 8;) {
		const char *as = NULL;
		size_t k = (i == 0 || !is_ident(in[i - 1])) ? number_at(in + i, n - i, strips, &as)
							    : 0;
		char c = in[i];

		if (k > 0) {
			memcpy(buf + len, as, strlen(as));
			len += strlen(as);
			i += k;
			continue;
		}
		if ((unsigned char)c < 0x20 || c == 0x7f)
			c = '?';
		else if (strips & DIAG_FOLD_WORDS)
			c = c == ' ' ? '_' : (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
		buf[len++] = c;
		i++;
	}
	len = utf8_fit(buf, len, DIAG_SUBJECT_MAX);
	memcpy(out, buf, len);
	out[len] = '\0';
	return len;
}

bool diag_frame_is_generic(const char *func)
{
	for (const char *const *g = diag_generic_frames; *g; g++) {
		size_t k = strlen(*g);

		if ((*g)[k - 1] == '*' ? !strncmp(func, *g, k - 1) : !strcmp(func, *g))
			return true;
	}
	return false;
}

const char *diag_strip_name(unsigned bit)
{
	static const char *const names[DIAG_STRIP_COUNT] = {
		"prefix", "tail", "dir",	"addr",	       "num",
		"frame",  "dash", "fold_words", "fold_signal",
	};

	for (unsigned i = 0; i < DIAG_STRIP_COUNT; i++)
		if (bit == 1u << i)
			return names[i];
	return "?";
}
