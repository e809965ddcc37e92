/* test_jsonpos.c: the position index behind file:line:column in fixture
 * errors (kiln/jsonpos.h). Positions below are counted by hand from the
 * texts: 1-based lines, 1-based columns in characters.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fixture/jsonpos.h"

#include "check_main.h"

static void assert_pos(const struct jsonpos *idx, const char *pointer, int line, int column)
{
	int l = -1, c = -1;

	jsonpos_lookup(idx, pointer, &l, &c);
	ck_assert_msg(l == line && c == column, "%s: got %d:%d, want %d:%d", pointer, l, c, line,
		      column);
}

static struct jsonpos *index_of(const char *text)
{
	return jsonpos_new(text, strlen(text));
}

START_TEST(keys_and_elements)
{
	static const char text[] = "{\n"
				   "  \"guest\": {\"kernel\": \"k\"},\n"
				   "  \"steps\": [\n"
				   "    {\"expect\": \"a\"},\n"
				   "    {\"unordered\": [{\"expect\": \"b\"}, \"x\"]}\n"
				   "  ]\n"
				   "}\n";
	struct jsonpos *idx = index_of(text);

	assert_pos(idx, "", 1, 1);
	assert_pos(idx, "/guest", 2, 3);
	assert_pos(idx, "/guest/kernel", 2, 13);
	assert_pos(idx, "/steps", 3, 3);
	assert_pos(idx, "/steps/0", 4, 5);
	assert_pos(idx, "/steps/0/expect", 4, 6);
	assert_pos(idx, "/steps/1", 5, 5);
	assert_pos(idx, "/steps/1/unordered", 5, 6);
	assert_pos(idx, "/steps/1/unordered/0", 5, 20);
	assert_pos(idx, "/steps/1/unordered/0/expect", 5, 21);
	assert_pos(idx, "/steps/1/unordered/1", 5, 37);
	jsonpos_free(idx);
}
END_TEST

START_TEST(fallback_to_ancestor_then_start)
{
	struct jsonpos *idx = index_of("\n\n  {\"a\": {\"b\": 1}}");

	assert_pos(idx, "/a/b/c/d", 3, 10); /* nearest indexed ancestor: /a/b */
	assert_pos(idx, "/a/zz", 3, 4);	    /* /a */
	assert_pos(idx, "/nope", 3, 3);	    /* the root value */
	jsonpos_free(idx);
	idx = index_of("");
	assert_pos(idx, "/x", 1, 1);
	jsonpos_free(idx);
}
END_TEST

/* Escaped quotes and backslashes do not end a key early; '/' and '~' in a
 * key are found through their JSON pointer escapes "~1" and "~0". */
START_TEST(escapes_in_keys)
{
	static const char text[] = "{\"a\\\"b\": 1,\n"
				   " \"c\\\\\": {\"d\": 2},\n"
				   " \"e/f\": 3, \"g~h\": 4}";
	struct jsonpos *idx = index_of(text);

	assert_pos(idx, "/a\"b", 1, 2);
	assert_pos(idx, "/c\\", 2, 2);
	assert_pos(idx, "/c\\/d", 2, 10);
	assert_pos(idx, "/e~1f", 3, 2);
	assert_pos(idx, "/g~0h", 3, 12);
	jsonpos_free(idx);
}
END_TEST

/* Strings holding brackets, commas and colons do not confuse the scan. */
START_TEST(brackets_inside_strings)
{
	static const char text[] = "{\"a\": \"{[,:]}\\\"]\", \"b\": [\"]\", {\"c\": \"}\"}]}";
	struct jsonpos *idx = index_of(text);

	assert_pos(idx, "/b", 1, 20);
	assert_pos(idx, "/b/1", 1, 31);
	assert_pos(idx, "/b/1/c", 1, 32);
	jsonpos_free(idx);
}
END_TEST

START_TEST(columns_count_characters)
{
	/* "é" is 2 bytes, "€" 3, "😀" 4: one column each. */
	static const char text[] = "{\"d\": \"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\", \"k\": 1}";
	struct jsonpos *idx = index_of(text);

	assert_pos(idx, "/k", 1, 14);
	jsonpos_free(idx);
}
END_TEST

START_TEST(crlf_and_tabs)
{
	static const char text[] = "{\r\n\t\"a\": 1,\r\n\t\t\"b\": [true,\r\n\tnull]\r\n}";
	struct jsonpos *idx = index_of(text);

	assert_pos(idx, "/a", 2, 2);
	assert_pos(idx, "/b", 3, 3);
	assert_pos(idx, "/b/0", 3, 9);
	assert_pos(idx, "/b/1", 4, 2);
	jsonpos_free(idx);
}
END_TEST

START_TEST(top_level_array_and_scalars)
{
	struct jsonpos *idx = index_of(" [1, -2.5e3, \"s\", [], {}]");

	assert_pos(idx, "", 1, 2);
	assert_pos(idx, "/0", 1, 3);
	assert_pos(idx, "/1", 1, 6);
	assert_pos(idx, "/2", 1, 14);
	assert_pos(idx, "/3", 1, 19);
	assert_pos(idx, "/4", 1, 23);
	jsonpos_free(idx);
}
END_TEST

static Suite *jsonpos_suite(void)
{
	Suite *s = suite_create("jsonpos");
	TCase *tc = tcase_create("positions");

	tcase_add_test(tc, keys_and_elements);
	tcase_add_test(tc, fallback_to_ancestor_then_start);
	tcase_add_test(tc, escapes_in_keys);
	tcase_add_test(tc, brackets_inside_strings);
	tcase_add_test(tc, columns_count_characters);
	tcase_add_test(tc, crlf_and_tabs);
	tcase_add_test(tc, top_level_array_and_scalars);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_main_run(jsonpos_suite());
}
