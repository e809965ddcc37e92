/* test_console.c: the console engine (kiln/console.h): literal and regex
 * search over a byte stream that arrives in arbitrary pieces, ordered
 * search from a cursor, line splitting, and the bounded window.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "engine/console.h"

#include "check_main.h"

static struct pattern literal(const char *text)
{
	return (struct pattern){.text = (char *)text, .is_regex = false};
}

static struct pattern regex(const char *text)
{
	struct pattern p = {.text = (char *)text, .is_regex = true};

	ck_assert_int_eq(regcomp(&p.re, text, REG_EXTENDED | REG_NEWLINE), 0);
	return p;
}

static void feed_str(struct console *c, const char *s, int64_t t_ms)
{
	console_feed(c, s, strlen(s), t_ms);
}

/* The text of a match, compared with want. */
static void assert_match_text(struct console *c, const struct console_match *m, const char *want)
{
	size_t len;
	char *got = console_copy(c, m->start, m->end, &len);

	ck_assert_str_eq(got, want);
	ck_assert_uint_eq(len, strlen(want));
	free(got);
}

START_TEST(literal_split_across_two_feeds)
{
	struct console *c = console_new();
	struct pattern p = literal("RUGO: boot ok");
	struct console_scan s = console_scan_from(0);
	struct console_match m;

	feed_str(c, "junk RUGO: bo", 10);
	ck_assert(!console_search(c, &p, &s, &m));
	feed_str(c, "ot ok\nmore", 20);
	ck_assert(console_search(c, &p, &s, &m));
	ck_assert_uint_eq(m.start, 5);
	ck_assert_uint_eq(m.end, 18);
	ck_assert_int_eq(m.t_ms, 20);
	assert_match_text(c, &m, "RUGO: boot ok");
	console_free(c);
}
END_TEST

/* Every split point of the marker, searching after each feed. */
START_TEST(literal_every_split_point)
{
	static const char text[] = "xx\nRUGO: halt ok\n";
	struct pattern p = literal("RUGO: halt ok");

	for (size_t cut = 0; cut <= sizeof(text) - 1; cut++) {
		struct console *c = console_new();
		struct console_scan s = console_scan_from(0);
		struct console_match m;
		bool early;

		console_feed(c, text, cut, 1);
		early = console_search(c, &p, &s, &m);
		ck_assert_msg(early == (cut >= 16), "cut %zu: early match %d", cut, early);
		if (!early) {
			console_feed(c, text + cut, sizeof(text) - 1 - cut, 2);
			ck_assert_msg(console_search(c, &p, &s, &m), "cut %zu: no match", cut);
		}
		ck_assert_uint_eq(m.start, 3);
		console_free(c);
	}
}
END_TEST

/* One byte at a time, searching after each: the scan resumes, never loses
 * the bytes that might start a match. */
START_TEST(literal_byte_by_byte)
{
	static const char text[] = "RURUGRUGO: RUGO: panic code=0x1\n";
	struct console *c = console_new();
	struct pattern p = literal("RUGO: panic");
	struct console_scan s = console_scan_from(0);
	struct console_match m;
	size_t i;

	for (i = 0; i < sizeof(text) - 1; i++) {
		console_feed(c, text + i, 1, (int64_t)i);
		if (console_search(c, &p, &s, &m))
			break;
	}
	ck_assert_uint_eq(i, 21); /* the byte that completes the marker */
	ck_assert_uint_eq(m.start, 11);
	ck_assert_int_eq(m.t_ms, 21);
	console_free(c);
}
END_TEST

START_TEST(regex_matches_unfinished_line)
{
	struct console *c = console_new();
	struct pattern p = regex("^[a-z]+@rugo:~# ");
	struct console_scan s = console_scan_from(0);
	struct console_match m;

	feed_str(c, "boot\nroot@ru", 1);
	ck_assert(!console_search(c, &p, &s, &m));
	feed_str(c, "go:~# ", 2); /* a prompt: no newline will come */
	ck_assert(console_search(c, &p, &s, &m));
	ck_assert_uint_eq(m.start, 5);
	assert_match_text(c, &m, "root@rugo:~# ");
	regfree(&p.re);
	console_free(c);
}
END_TEST

/* A regex is matched within a line: '$' is the end of a line, not the end of
 * what happens to have arrived, or the verdict would depend on how the
 * bytes were split into reads. */
START_TEST(regex_dollar_waits_for_the_end_of_the_line)
{
	struct console *c = console_new();
	struct pattern p = regex("^TICK: 10$");
	struct console_scan s = console_scan_from(0);
	struct console_match m;

	feed_str(c, "TICK: 10", 1);
	ck_assert_msg(!console_search(c, &p, &s, &m), "matched half of 'TICK: 100'");
	feed_str(c, "0\n", 2);
	ck_assert(!console_search(c, &p, &s, &m));
	feed_str(c, "TICK: 10\n", 3);
	ck_assert(console_search(c, &p, &s, &m));
	ck_assert_uint_eq(m.start, 10);
	regfree(&p.re);
	console_free(c);
}
END_TEST

/* An empty line is a line that ended: when a read ends with a newline,
 * the line after it has not begun, so "^$" must not match there (found by
 * harness/fuzz/fuzz_console.c: it did, so the verdict depended on where
 * the reads were cut). */
START_TEST(regex_empty_line_needs_its_newline)
{
	struct console *c = console_new();
	struct pattern p = regex("^$");
	struct console_scan s = console_scan_from(0);
	struct console_match m;

	feed_str(c, "a\n", 1);
	ck_assert_msg(!console_search(c, &p, &s, &m), "matched a line that has not begun");
	feed_str(c, "b\n", 2);
	ck_assert(!console_search(c, &p, &s, &m));
	feed_str(c, "\n", 3);
	ck_assert(console_search(c, &p, &s, &m));
	ck_assert_uint_eq(m.start, 4);
	ck_assert_int_eq(m.t_ms, 3);
	regfree(&p.re);
	console_free(c);
}
END_TEST

/* A regex looks back at most CONSOLE_REGEX_SPAN bytes into an unfinished
 * line, so that a guest printing one endless line costs linear time: a
 * match near the new bytes is found, one that would need the line's far
 * start is not (docs/fixtures.md states the limit). */
START_TEST(regex_long_line_looks_back_a_bounded_span)
{
	struct console *c = console_new();
	struct pattern near = regex("x{100}END");
	struct pattern anchored = regex("^x+END");
	struct console_scan s_near = console_scan_from(0), s_anchored = console_scan_from(0);
	struct console_match m;
	char *chunk = malloc(CONSOLE_REGEX_SPAN);

	memset(chunk, 'x', CONSOLE_REGEX_SPAN);
	for (int i = 0; i < 4; i++) {
		console_feed(c, chunk, CONSOLE_REGEX_SPAN, i);
		ck_assert(!console_search(c, &near, &s_near, &m));
		ck_assert(!console_search(c, &anchored, &s_anchored, &m));
	}
	feed_str(c, "END", 9);
	ck_assert(console_search(c, &near, &s_near, &m));
	ck_assert_uint_eq(m.end, 4 * (uint64_t)CONSOLE_REGEX_SPAN + 3);
	ck_assert_msg(!console_search(c, &anchored, &s_anchored, &m),
		      "looked back past CONSOLE_REGEX_SPAN to the line's start");
	free(chunk);
	regfree(&near.re);
	regfree(&anchored.re);
	console_free(c);
}
END_TEST

/* '^' matches at a line start only, also when the search starts from a
 * cursor in the middle of a line (REG_NOTBOL). */
START_TEST(regex_caret_respects_cursor_mid_line)
{
	static const char text[] = "boot MM: paging=on\nMM: paging=on\n";
	struct console *c = console_new();
	struct pattern p = regex("^MM: paging=(on|off)");
	struct console_match m;
	struct console_scan s;

	feed_str(c, text, 1);
	s = console_scan_from(0);
	ck_assert(console_search(c, &p, &s, &m));
	ck_assert_uint_eq(m.start, 19);
	s = console_scan_from(5); /* mid-line, right at "MM:" */
	ck_assert(console_search(c, &p, &s, &m));
	ck_assert_uint_eq(m.start, 19);
	s = console_scan_from(19); /* just after a newline: a line start */
	ck_assert(console_search(c, &p, &s, &m));
	ck_assert_uint_eq(m.start, 19);
	s = console_scan_from(20);
	ck_assert(!console_search(c, &p, &s, &m));
	regfree(&p.re);
	console_free(c);
}
END_TEST

/* A resumed regex scan backs up to the line start, and a line that began
 * before the feed is not a new line. */
START_TEST(regex_caret_resumed_scan)
{
	struct console *c = console_new();
	struct pattern p = regex("^MM: x");
	struct console_scan s = console_scan_from(0);
	struct console_match m;

	feed_str(c, "abc", 1);
	ck_assert(!console_search(c, &p, &s, &m));
	feed_str(c, "MM: x\n", 2);
	ck_assert(!console_search(c, &p, &s, &m));
	feed_str(c, "M", 3);
	ck_assert(!console_search(c, &p, &s, &m));
	feed_str(c, "M: x", 4);
	ck_assert(console_search(c, &p, &s, &m));
	ck_assert_uint_eq(m.start, 9);
	ck_assert_int_eq(m.t_ms, 4);
	regfree(&p.re);
	console_free(c);
}
END_TEST

/* Ordered steps: each search starts where the previous match ended. */
START_TEST(ordered_search_from_cursor)
{
	struct console *c = console_new();
	struct pattern a = literal("THREAD: A"), b = literal("THREAD: B");
	struct console_scan s;
	struct console_match m;
	uint64_t cursor;

	feed_str(c, "THREAD: B 0\nTHREAD: A 1\nTHREAD: B 1\nTHREAD: A 2\n", 1);
	s = console_scan_from(0);
	ck_assert(console_search(c, &a, &s, &m));
	ck_assert_uint_eq(m.start, 12);
	cursor = m.end;
	s = console_scan_from(cursor); /* B 0 is before the cursor */
	ck_assert(console_search(c, &b, &s, &m));
	ck_assert_uint_eq(m.start, 24);
	cursor = m.end;
	s = console_scan_from(cursor);
	ck_assert(console_search(c, &a, &s, &m));
	ck_assert_uint_eq(m.start, 36);
	cursor = m.end;
	s = console_scan_from(cursor);
	ck_assert(!console_search(c, &b, &s, &m));
	feed_str(c, "THREAD: B 2\n", 2);
	ck_assert(console_search(c, &b, &s, &m));
	ck_assert_uint_eq(m.start, 48);
	console_free(c);
}
END_TEST

/* Two searches over the same bytes keep separate state. */
START_TEST(independent_scans)
{
	struct console *c = console_new();
	struct pattern p = literal("ok");
	struct console_scan s1 = console_scan_from(0), s2 = console_scan_from(0);
	struct console_match m;

	feed_str(c, "ok ok", 1);
	ck_assert(console_search(c, &p, &s1, &m));
	ck_assert_uint_eq(m.start, 0);
	ck_assert(console_search(c, &p, &s1, &m));
	ck_assert_uint_eq(m.start, 3);
	ck_assert(!console_search(c, &p, &s1, &m));
	ck_assert(console_search(c, &p, &s2, &m));
	ck_assert_uint_eq(m.start, 0);
	console_free(c);
}
END_TEST

/* A match's time is when its last byte arrived, not when it was searched. */
START_TEST(match_time_is_arrival_time)
{
	struct console *c = console_new();
	struct pattern p = literal("RUGO: boot ok");
	struct console_scan s = console_scan_from(0);
	struct console_match m;

	feed_str(c, "RUGO: boot", 100);
	feed_str(c, " ok\n", 150);
	feed_str(c, "later output\n", 900);
	ck_assert(console_search(c, &p, &s, &m));
	ck_assert_int_eq(m.t_ms, 150);
	ck_assert_int_eq(console_first_byte_ms(c), 100);
	console_free(c);
}
END_TEST

START_TEST(next_line_crlf_and_unfinished)
{
	struct console *c = console_new();
	uint64_t off = 0;
	const char *line;
	size_t len;

	ck_assert(!console_next_line(c, &off, &line, &len));
	feed_str(c, "one\r\ntwo\n\nthr", 1);
	ck_assert(console_next_line(c, &off, &line, &len));
	ck_assert_uint_eq(len, 3);
	ck_assert(memcmp(line, "one", 3) == 0);
	ck_assert(console_next_line(c, &off, &line, &len));
	ck_assert_uint_eq(len, 3);
	ck_assert(memcmp(line, "two", 3) == 0);
	ck_assert(console_next_line(c, &off, &line, &len));
	ck_assert_uint_eq(len, 0);
	ck_assert(!console_next_line(c, &off, &line, &len)); /* "thr" is unfinished */
	ck_assert_uint_eq(off, 10);
	feed_str(c, "ee\r", 2);
	ck_assert(!console_next_line(c, &off, &line, &len));
	feed_str(c, "\nbare\rcr\n", 3);
	ck_assert(console_next_line(c, &off, &line, &len));
	ck_assert_uint_eq(len, 5);
	ck_assert(memcmp(line, "three", 5) == 0);
	ck_assert(console_next_line(c, &off, &line, &len));
	ck_assert_uint_eq(len, 7); /* a lone \r inside a line is kept */
	ck_assert(memcmp(line, "bare\rcr", 7) == 0);
	ck_assert_uint_eq(off, console_total(c));
	console_free(c);
}
END_TEST

/* A marker that straddles the point where the window drops its older half
 * is still found, at its absolute offset: a literal, and a regex on a line
 * cut by the trim. */
START_TEST(match_across_window_trim)
{
	static const struct {
		const char *pattern;
		bool is_regex;
		size_t fill; /* bytes before the marker; the last is '\n' for the regex */
		const char *first, *second, *want;
	} cases[] = {
		{"MARKER", false, CONSOLE_WINDOW - 10, "MAR", "KER and twenty more bytes",
		 "MARKER"},
		{"PF: addr=0x[0-9a-f]+ err", true, CONSOLE_WINDOW - 8, "PF: addr",
		 "=0xdead0000 err=0x2\n", "PF: addr=0xdead0000 err"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct console *c = console_new();
		struct pattern p = cases[i].is_regex ? regex(cases[i].pattern)
						     : literal(cases[i].pattern);
		struct console_scan s = console_scan_from(0);
		struct console_match m;
		size_t fill = cases[i].fill;
		char *junk = malloc(fill);

		memset(junk, 'x', fill);
		if (cases[i].is_regex)
			junk[fill - 1] = '\n';
		console_feed(c, junk, fill, 1);
		feed_str(c, cases[i].first, 2);
		ck_assert(!console_search(c, &p, &s, &m));
		feed_str(c, cases[i].second, 3); /* past the window: trims */
		ck_assert_uint_eq(console_total(c),
				  fill + strlen(cases[i].first) + strlen(cases[i].second));
		ck_assert_msg(console_search(c, &p, &s, &m), "case %zu", i);
		ck_assert_uint_eq(m.start, fill);
		ck_assert_int_eq(m.t_ms, 3);
		assert_match_text(c, &m, cases[i].want);
		if (cases[i].is_regex)
			regfree(&p.re);
		free(junk);
		console_free(c);
	}
}
END_TEST

/* A guest that floods more than the window, read in 64 KiB pieces and
 * searched after each (as case_run does), still has its late marker found;
 * memory stays bounded and old bytes are gone. */
START_TEST(flood_then_late_marker)
{
	struct console *c = console_new();
	struct pattern lit = literal("RUGO: halt ok");
	struct pattern re = regex("^RUGO: (halt|panic) [a-z]+$");
	struct console_scan sl = console_scan_from(0), sr = console_scan_from(0);
	struct console_match m;
	size_t chunk = 65536, total = 0;
	char *noise = malloc(chunk);

	for (size_t i = 0; i < chunk; i++)
		noise[i] = i % 64 == 63 ? '\n' : (char)('a' + i % 26);
	while (total < 3 * (size_t)CONSOLE_WINDOW) {
		console_feed(c, noise, chunk, (int64_t)total);
		total += chunk;
		ck_assert(!console_search(c, &lit, &sl, &m));
		ck_assert(!console_search(c, &re, &sr, &m));
	}
	feed_str(c, "RUGO: halt ok\n", 7);
	ck_assert(console_search(c, &lit, &sl, &m));
	ck_assert_uint_eq(m.start, total);
	ck_assert(console_search(c, &re, &sr, &m));
	ck_assert_uint_eq(m.start, total);
	/* The start of the flood is no longer held. */
	size_t len;
	char *old = console_copy(c, 0, 16, &len);
	ck_assert_uint_eq(len, 0);
	free(old);
	free(noise);
	regfree(&re.re);
	console_free(c);
}
END_TEST

/* One read larger than the whole window: only its tail is kept, and a
 * marker in that tail is found. */
START_TEST(single_feed_larger_than_window)
{
	struct console *c = console_new();
	struct pattern p = literal("LATE MARKER");
	struct console_scan s = console_scan_from(0);
	struct console_match m;
	size_t len = CONSOLE_WINDOW + 4096;
	char *big = malloc(len);

	memset(big, '.', len);
	memcpy(big + len - 100, "LATE MARKER", 11);
	feed_str(c, "early ", 1);
	console_feed(c, big, len, 2);
	ck_assert_uint_eq(console_total(c), len + 6);
	ck_assert(console_search(c, &p, &s, &m));
	ck_assert_uint_eq(m.start, 6 + len - 100);
	free(big);
	console_free(c);
}
END_TEST

START_TEST(copy_clips_to_what_is_held)
{
	struct console *c = console_new();
	size_t len;
	char *s;

	s = console_copy(c, 0, 4096, &len); /* nothing yet: the capsule of a silent guest */
	ck_assert_str_eq(s, "");
	ck_assert_uint_eq(len, 0);
	free(s);
	feed_str(c, "0123456789", 1);
	s = console_copy(c, 8, 100, &len);
	ck_assert_str_eq(s, "89");
	free(s);
	s = console_copy(c, 5, 3, &len);
	ck_assert_uint_eq(len, 0);
	free(s);
	console_free(c);
}
END_TEST

static Suite *console_suite(void)
{
	Suite *s = suite_create("console");
	TCase *lit = tcase_create("literal");
	TCase *re = tcase_create("regex");
	TCase *order = tcase_create("order");
	TCase *lines = tcase_create("lines");
	TCase *window = tcase_create("window");

	tcase_add_test(lit, literal_split_across_two_feeds);
	tcase_add_test(lit, literal_every_split_point);
	tcase_add_test(lit, literal_byte_by_byte);
	tcase_add_test(re, regex_matches_unfinished_line);
	tcase_add_test(re, regex_dollar_waits_for_the_end_of_the_line);
	tcase_add_test(re, regex_empty_line_needs_its_newline);
	tcase_add_test(re, regex_long_line_looks_back_a_bounded_span);
	tcase_add_test(re, regex_caret_respects_cursor_mid_line);
	tcase_add_test(re, regex_caret_resumed_scan);
	tcase_add_test(order, ordered_search_from_cursor);
	tcase_add_test(order, independent_scans);
	tcase_add_test(order, match_time_is_arrival_time);
	tcase_add_test(lines, next_line_crlf_and_unfinished);
	tcase_add_test(lines, copy_clips_to_what_is_held);
	tcase_add_test(window, match_across_window_trim);
	tcase_add_test(window, flood_then_late_marker);
	tcase_add_test(window, single_feed_larger_than_window);
	tcase_set_timeout(window, 60); /* under ASan, on a shared machine */
	suite_add_tcase(s, lit);
	suite_add_tcase(s, re);
	suite_add_tcase(s, order);
	suite_add_tcase(s, lines);
	suite_add_tcase(s, window);
	return s;
}

int main(void)
{
	return check_main_run(console_suite());
}
