/* test_libkiln_symbols.c: libkiln.so exports exactly the functions kiln.h
 * declares, each at the version node of the version script, and nothing
 * else, so that an accidental export fails `make test`.
 *
 * Owner: libkiln. The lists come from the files themselves: the header's
 * declarations (comments stripped), the version script's global names and
 * `nm -D --defined-only` on the installed library. The checker is also fed
 * a list with one export too many and one too few, to show it can fail.
 */
#include <check.h>
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"

/* The build gives the paths as bare -D tokens (see harness/libkiln.mk). */
#define STRING_OF(x) #x
#define PATH_OF(x) STRING_OF(x)
#define HEADER_PATH PATH_OF(LIBKILN_HEADER)
#define MAP_PATH PATH_OF(LIBKILN_MAP)
#define SO_PATH PATH_OF(LIBKILN_SO)

#define MAX_NAMES 64
#define NAME_LEN 96

struct names {
	char v[MAX_NAMES][NAME_LEN];
	size_t n;
};

static void names_add(struct names *s, const char *p, size_t len)
{
	ck_assert_uint_lt(s->n, MAX_NAMES);
	ck_assert_uint_lt(len, NAME_LEN);
	memcpy(s->v[s->n], p, len);
	s->v[s->n][len] = '\0';
	s->n++;
}

static bool names_has(const struct names *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], name))
			return true;
	return false;
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

/* Blank out C comments, so the names they mention are not declarations. */
static void strip_comments(char *s)
{
	char *p = s;

	while ((p = strstr(p, "/*"))) {
		char *end = strstr(p + 2, "*/");
		char *stop = end ? end + 2 : p + strlen(p);
		memset(p, ' ', (size_t)(stop - p));
		p = stop;
	}
}

/* Every identifier kiln_... directly followed by '(' in the header. */
static void header_functions(struct names *out)
{
	char *text = read_all(HEADER_PATH);

	strip_comments(text);
	for (char *p = text; (p = strstr(p, "kiln_")); p++) {
		size_t len = 0;
		if (p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))
			continue;
		while (isalnum((unsigned char)p[len]) || p[len] == '_')
			len++;
		if (p[len] == '(')
			names_add(out, p, len);
		p += len - 1;
	}
	free(text);
}

/* The version nodes ("KILN_1 {") and global names of the version script. */
static void map_names(struct names *nodes, struct names *globals)
{
	char *text = read_all(MAP_PATH), *line, *save = NULL;
	bool in_global = false;

	strip_comments(text);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[NAME_LEN];
		while (isspace((unsigned char)*line))
			line++;
		if (sscanf(line, "%95[A-Za-z0-9_.] {", name) == 1 && strchr(line, '{'))
			names_add(nodes, name, strlen(name));
		else if (!strncmp(line, "global:", 7))
			in_global = true;
		else if (!strncmp(line, "local:", 6))
			in_global = false;
		else if (in_global && sscanf(line, "%95[A-Za-z0-9_];", name) == 1)
			names_add(globals, name, strlen(name));
	}
	free(text);
}

/* Check nm's lines against the header's functions and the script's nodes.
 * Returns the number of problems, each described in why (appended). */
static int check_exports(const char *nm_text, const struct names *funcs, const struct names *nodes,
			 char *why, size_t why_len)
{
	struct names seen = {.n = 0};
	char *copy = strdup(nm_text), *line, *save = NULL;
	int bad = 0;

	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char addr[32], type[4], sym[NAME_LEN * 2], *at;
		if (sscanf(line, "%31s %3s %191s", addr, type, sym) != 3)
			continue;
		at = strstr(sym, "@@");
		if (!strcmp(type, "A") && names_has(nodes, sym))
			continue; /* the version node itself */
		if (!at || !names_has(nodes, at + 2)) {
			bad++;
			snprintf(why + strlen(why), why_len - strlen(why),
				 " %s has no default version of the script;", sym);
		}
		if (at)
			*at = '\0';
		if (!names_has(funcs, sym)) {
			bad++;
			snprintf(why + strlen(why), why_len - strlen(why),
				 " %s is exported but not in kiln.h;", sym);
		} else {
			names_add(&seen, sym, strlen(sym));
		}
	}
	for (size_t i = 0; i < funcs->n; i++)
		if (!names_has(&seen, funcs->v[i])) {
			bad++;
			snprintf(why + strlen(why), why_len - strlen(why),
				 " %s is in kiln.h but not exported;", funcs->v[i]);
		}
	free(copy);
	return bad;
}

static char *nm_exports(void)
{
	FILE *p = popen("nm -D --defined-only " SO_PATH, "r");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	ck_assert_msg(p != NULL, "cannot run nm");
	do {
		char *bigger = realloc(buf, cap += 4096);
		ck_assert_ptr_nonnull(bigger);
		buf = bigger;
		got = fread(buf + n, 1, cap - n - 1, p);
		n += got;
	} while (got > 0);
	buf[n] = '\0';
	ck_assert_int_eq(pclose(p), 0);
	return buf;
}

START_TEST(the_header_declares_about_ten_functions)
{
	struct names funcs = {.n = 0};

	header_functions(&funcs);
	ck_assert_uint_ge(funcs.n, 8);
	ck_assert_uint_le(funcs.n, 12);
	ck_assert(names_has(&funcs, "kiln_case_run_utf8"));
	ck_assert(names_has(&funcs, "kiln_last_error"));
	ck_assert(!names_has(&funcs, "kiln_result")); /* the typedef, not a function */
}
END_TEST

START_TEST(the_version_script_lists_the_header)
{
	struct names funcs = {.n = 0}, nodes = {.n = 0}, globals = {.n = 0};

	header_functions(&funcs);
	map_names(&nodes, &globals);
	ck_assert_uint_eq(nodes.n, 1);
	ck_assert_str_eq(nodes.v[0], "KILN_1");
	ck_assert_uint_eq(globals.n, funcs.n);
	for (size_t i = 0; i < funcs.n; i++)
		ck_assert_msg(names_has(&globals, funcs.v[i]), "%s is not in %s", funcs.v[i],
			      MAP_PATH);
}
END_TEST

START_TEST(the_library_exports_exactly_the_header)
{
	struct names funcs = {.n = 0}, nodes = {.n = 0}, globals = {.n = 0};
	char why[1024] = "", *nm = nm_exports(); /* Check's messages are short */
	int bad;

	header_functions(&funcs);
	map_names(&nodes, &globals);
	bad = check_exports(nm, &funcs, &nodes, why, sizeof(why));
	ck_assert_msg(bad == 0, "%s: %d problems:%s", SO_PATH, bad, why);
	free(nm);
}
END_TEST

START_TEST(the_check_fails_on_an_extra_or_a_missing_export)
{
	struct names funcs = {.n = 0}, nodes = {.n = 0}, globals = {.n = 0};
	char why[4096] = "", *nm = nm_exports(), *extra, *first_T;

	header_functions(&funcs);
	map_names(&nodes, &globals);
	ck_assert_int_ge(asprintf(&extra, "%s0000000000001000 T case_run\n", nm), 0);
	ck_assert_int_eq(check_exports(extra, &funcs, &nodes, why, sizeof(why)), 2);
	ck_assert_ptr_nonnull(strstr(why, "case_run is exported but not in kiln.h"));
	/* drop the first function's line: it is in kiln.h but not exported */
	first_T = strstr(nm, " T kiln_");
	ck_assert_ptr_nonnull(first_T);
	memset(first_T, ' ', strcspn(first_T, "\n"));
	why[0] = '\0';
	ck_assert_int_eq(check_exports(nm, &funcs, &nodes, why, sizeof(why)), 1);
	ck_assert_ptr_nonnull(strstr(why, "but not exported"));
	free(extra);
	free(nm);
}
END_TEST

static Suite *libkiln_symbols_suite(void)
{
	Suite *s = suite_create("libkiln_symbols");
	TCase *tc = tcase_create("exports");

	tcase_add_test(tc, the_header_declares_about_ten_functions);
	tcase_add_test(tc, the_version_script_lists_the_header);
	tcase_add_test(tc, the_library_exports_exactly_the_header);
	tcase_add_test(tc, the_check_fails_on_an_extra_or_a_missing_export);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_main_run(libkiln_symbols_suite());
}
