/* test_text.c: guest bytes made safe for JSON and XML reports (kiln/text.h).
 *
 * A guest may print anything. These tests feed the filters the bytes that
 * break reports in practice (invalid UTF-8, NUL, control characters, XML
 * metacharacters) and check the results with a UTF-8 and XML character
 * checker written here, independently of text.c.
 */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kiln/lib/text.h"

#include "check_main.h"

#define FFFD "\xEF\xBF\xBD"

/* Decode one UTF-8 character strictly (no overlongs, no surrogates, at most
 * U+10FFFF). Returns its length, or 0 when s does not start with one. */
static size_t utf8_char(const unsigned char *s, size_t left, uint32_t *cp)
{
	static const struct {
		unsigned char mask, lead;
		size_t len;
		uint32_t min;
	} forms[] = {{0x80, 0x00, 1, 0},
		     {0xE0, 0xC0, 2, 0x80},
		     {0xF0, 0xE0, 3, 0x800},
		     {0xF8, 0xF0, 4, 0x10000}};

	for (size_t f = 0; f < 4; f++) {
		if ((s[0] & forms[f].mask) != forms[f].lead)
			continue;
		if (forms[f].len > left)
			return 0;
		*cp = s[0] & (unsigned char)~forms[f].mask;
		for (size_t i = 1; i < forms[f].len; i++) {
			if ((s[i] & 0xC0) != 0x80)
				return 0;
			*cp = (*cp << 6) | (s[i] & 0x3F);
		}
		if (*cp < forms[f].min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF))
			return 0;
		return forms[f].len;
	}
	return 0;
}

static bool utf8_valid(const char *s, size_t len)
{
	uint32_t cp;

	for (size_t i = 0, n; i < len; i += n)
		if (!(n = utf8_char((const unsigned char *)s + i, len - i, &cp)))
			return false;
	return true;
}

/* Is s usable as XML 1.0 character data and attribute text? Valid UTF-8,
 * only characters XML allows (#x9 | #xA | #xD | [#x20-#xD7FF] |
 * [#xE000-#xFFFD] | [#x10000-#x10FFFF]), no raw '<' or '"', and every '&'
 * starts one of the entities the filter may write. */
static bool xml_text_ok(const char *s)
{
	static const char *const entities[] = {"&amp;", "&lt;", "&gt;", "&quot;", NULL};
	size_t len = strlen(s);
	uint32_t cp;

	for (size_t i = 0, n; i < len; i += n) {
		if (!(n = utf8_char((const unsigned char *)s + i, len - i, &cp)))
			return false;
		if ((cp < 0x20 && cp != 0x9 && cp != 0xA && cp != 0xD) || cp == 0xFFFE ||
		    cp == 0xFFFF || cp == '<' || cp == '"')
			return false;
		if (cp == '&') {
			bool known = false;
			for (const char *const *e = entities; *e; e++)
				known |= strncmp(s + i, *e, strlen(*e)) == 0;
			if (!known)
				return false;
		}
	}
	return true;
}

START_TEST(json_invalid_utf8_becomes_replacement)
{
	static const char in[] = "ok \xff\xfe end";
	json_t *j = text_json_string(in, sizeof(in) - 1);

	ck_assert_ptr_nonnull(j);
	ck_assert_str_eq(json_string_value(j), "ok " FFFD FFFD " end");
	json_decref(j);
}
END_TEST

START_TEST(json_each_bad_sequence_kind)
{
	static const struct {
		const char *in;
		size_t len;
		const char *out;
	} cases[] = {
		{"\xc0\xaf", 2, FFFD FFFD},			       /* overlong '/' */
		{"\xed\xa0\x80", 3, FFFD FFFD FFFD},		       /* UTF-16 surrogate */
		{"\xf4\x90\x80\x80", 4, FFFD FFFD FFFD FFFD},	       /* above U+10FFFF */
		{"a\xe2\x82", 3, "a" FFFD FFFD},		       /* cut at the end */
		{"\xe2\x82(", 3, FFFD FFFD "("},		       /* cut in the middle */
		{"\x80", 1, FFFD},				       /* lone continuation */
		{"\xf8\x88\x80\x80\x80", 5, FFFD FFFD FFFD FFFD FFFD}, /* 5-byte form */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *j = text_json_string(cases[i].in, cases[i].len);
		ck_assert_msg(strcmp(json_string_value(j), cases[i].out) == 0, "case %zu: got '%s'",
			      i, json_string_value(j));
		json_decref(j);
	}
}
END_TEST

START_TEST(json_keeps_valid_multibyte)
{
	static const char in[] = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xef\xbf\xbf";
	json_t *j = text_json_string(in, sizeof(in) - 1);

	ck_assert_str_eq(json_string_value(j), in);
	json_decref(j);
}
END_TEST

START_TEST(json_nul_is_replaced_not_truncated)
{
	json_t *j = text_json_string("a\0b", 3);

	/* Jansson would otherwise stop the string at the NUL, or reject it. */
	ck_assert_str_eq(json_string_value(j), "a" FFFD "b");
	ck_assert_uint_eq(json_string_length(j), 5);
	json_decref(j);
}
END_TEST

START_TEST(json_control_characters_round_trip)
{
	static const char in[] = "\x01\x1b[31mred\x7f\t\r\n";
	json_t *j = text_json_string(in, sizeof(in) - 1);
	char *text = json_dumps(j, JSON_ENCODE_ANY);
	json_t *back = json_loads(text, JSON_DECODE_ANY, NULL);

	/* Control characters are valid in a JSON string value (escaped on
	 * output), so they are kept, and the dump parses back to the same. */
	ck_assert_ptr_nonnull(strstr(text, "\\u0001"));
	ck_assert_ptr_nonnull(strcasestr(text, "\\u001b"));
	ck_assert_ptr_nonnull(back);
	ck_assert_str_eq(json_string_value(back), in);
	json_decref(back);
	free(text);
	json_decref(j);
}
END_TEST

START_TEST(json_empty)
{
	json_t *j = text_json_string("", 0);

	ck_assert_str_eq(json_string_value(j), "");
	json_decref(j);
}
END_TEST

START_TEST(json_every_byte_value_gives_valid_utf8)
{
	char in[512];
	json_t *j;

	for (int i = 0; i < 512; i++)
		in[i] = (char)(i & 0xff) ^ (char)(i >> 8);
	j = text_json_string(in, sizeof(in));
	ck_assert(utf8_valid(json_string_value(j), json_string_length(j)));
	ck_assert_ptr_null(memchr(json_string_value(j), 0, json_string_length(j)));
	json_decref(j);
}
END_TEST

START_TEST(xml_escapes_metacharacters)
{
	static const char in[] = "a&b<c>d\"e'f ]]> &amp;";
	char *x = text_xml_escape(in, sizeof(in) - 1);

	ck_assert_str_eq(x, "a&amp;b&lt;c&gt;d&quot;e'f ]]&gt; &amp;amp;");
	ck_assert(xml_text_ok(x));
	free(x);
}
END_TEST

START_TEST(xml_replaces_forbidden_controls_keeps_whitespace)
{
	static const char in[] = "\x01x\x08y\x0b\x0c\x1b[0m\tz\r\n";
	char *x = text_xml_escape(in, sizeof(in) - 1);

	ck_assert_str_eq(x, FFFD "x" FFFD "y" FFFD FFFD FFFD "[0m\tz\r\n");
	ck_assert(xml_text_ok(x));
	free(x);
}
END_TEST

START_TEST(xml_replaces_nonchars_nul_and_invalid_utf8)
{
	static const char in[] = "\xef\xbf\xbe|\xef\xbf\xbf|\0|\xff|\xed\xa0\x80|\xc3\xa9";
	char *x = text_xml_escape(in, sizeof(in) - 1);

	ck_assert_str_eq(x, FFFD "|" FFFD "|" FFFD "|" FFFD "|" FFFD FFFD FFFD "|\xc3\xa9");
	ck_assert(xml_text_ok(x));
	free(x);
}
END_TEST

/* Whatever the guest printed, the result is XML text: all 256 byte values,
 * in every order a simple generator gives. */
START_TEST(xml_any_bytes_give_valid_text)
{
	unsigned seed = 12345;

	for (int round = 0; round < 200; round++) {
		char in[300];
		size_t len = (size_t)(round + 1);
		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			in[i] = (char)(seed >> 16);
		}
		char *x = text_xml_escape(in, len);
		ck_assert_msg(xml_text_ok(x), "round %d", round);
		free(x);
	}
}
END_TEST

/* The checker itself must reject what it is there to catch. */
START_TEST(checker_rejects_bad_xml_text)
{
	ck_assert(!xml_text_ok("a\x01"));
	ck_assert(!xml_text_ok("a<b"));
	ck_assert(!xml_text_ok("a & b"));
	ck_assert(!xml_text_ok("\xff"));
	ck_assert(!xml_text_ok("\xef\xbf\xbe"));
	ck_assert(xml_text_ok("a &amp; b\t\n"));
}
END_TEST

static Suite *text_suite(void)
{
	Suite *s = suite_create("text");
	TCase *json = tcase_create("json");
	TCase *xml = tcase_create("xml");

	tcase_add_test(json, json_invalid_utf8_becomes_replacement);
	tcase_add_test(json, json_each_bad_sequence_kind);
	tcase_add_test(json, json_keeps_valid_multibyte);
	tcase_add_test(json, json_nul_is_replaced_not_truncated);
	tcase_add_test(json, json_control_characters_round_trip);
	tcase_add_test(json, json_empty);
	tcase_add_test(json, json_every_byte_value_gives_valid_utf8);
	tcase_add_test(xml, xml_escapes_metacharacters);
	tcase_add_test(xml, xml_replaces_forbidden_controls_keeps_whitespace);
	tcase_add_test(xml, xml_replaces_nonchars_nul_and_invalid_utf8);
	tcase_add_test(xml, xml_any_bytes_give_valid_text);
	tcase_add_test(xml, checker_rejects_bad_xml_text);
	suite_add_tcase(s, json);
	suite_add_tcase(s, xml);
	return s;
}

int main(void)
{
	return check_main_run(text_suite());
}
