/* text.c: guest bytes to safe report text. See kiln/text.h. */
#include "kiln/lib/text.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiln/lib/util.h"

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

/* Length of the valid UTF-8 sequence at s (at most left bytes), or 0. The
 * code point goes to *cp. */
static size_t utf8_valid_len(const unsigned char *s, size_t left, uint32_t *cp)
{
	size_t n;
	uint32_t min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xE0) == 0xC0) {
		n = 2, min = 0x80, *cp = s[0] & 0x1F;
	} else if ((s[0] & 0xF0) == 0xE0) {
		n = 3, min = 0x800, *cp = s[0] & 0x0F;
	} else if ((s[0] & 0xF8) == 0xF0) {
		n = 4, min = 0x10000, *cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n > left)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3F);
	}
	if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF))
		return 0;
	return n;
}

static char *text_filter(const char *s, size_t len, bool xml)
{
	/* Worst case: every byte becomes a 6-byte entity or U+FFFD. */
	char *out = util_malloc(len * 6 + 1), *p = out;
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = utf8_valid_len(u + i, len - i, &cp);
		bool bad = n == 0 || cp == 0 ||
			   (xml && ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') ||
				    cp == 0xFFFE || cp == 0xFFFF));
		if (bad) {
			memcpy(p, replacement, 3);
			p += 3;
			i += n ? n : 1;
			continue;
		}
		const char *ent = !xml	      ? NULL
				  : cp == '&' ? "&amp;"
				  : cp == '<' ? "&lt;"
				  : cp == '>' ? "&gt;"
				  : cp == '"' ? "&quot;"
					      : NULL;
		if (ent) {
			p = stpcpy(p, ent);
		} else {
			memcpy(p, s + i, n);
			p += n;
		}
		i += n;
	}
	*p = '\0';
	return out;
}

char *text_utf8_clean(const char *s, size_t len)
{
	return text_filter(s, len, false);
}

json_t *text_json_string(const char *s, size_t len)
{
	char *clean = text_utf8_clean(s, len);
	json_t *j = json_string(clean);

	free(clean);
	return j ? j : json_string("");
}

char *text_xml_escape(const char *s, size_t len)
{
	return text_filter(s, len, true);
}

char *text_escape_controls(const char *s, size_t len)
{
	char *clean = text_utf8_clean(s, len);
	char *out = util_malloc(strlen(clean) * 4 + 1), *p = out;

	for (const char *q = clean; *q; q++) {
		unsigned char ch = (unsigned char)*q;
		if (ch == '\n' || ch == '\r' || ch == '\t')
			p += sprintf(p, "\\%c", ch == '\n' ? 'n' : ch == '\r' ? 'r' : 't');
		else if (ch < 0x20 || ch == 0x7f)
			p += sprintf(p, "\\x%02x", ch);
		else
			*p++ = (char)ch;
	}
	*p = '\0';
	free(clean);
	return out;
}
