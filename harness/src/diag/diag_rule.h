/* diag/diag_rule.h: the shape of a diagnostic rule, and the rule tables.
 *
 * Owner: diagnostics. Internal to harness/src/diag_*.c (the engine, the
 * tables, the CLI's --list-rules, the tests); other modules use kiln/diag.h.
 *
 * A rule is one row of a table: its code, its severity, the literal that
 * must appear in a line before anything else is tried (the prefilter key),
 * a template that finds the subject, and the volatile parts it strips. Rows
 * are tried in table order and the first whose template matches a line
 * decides it, so a specific row goes before a general one.
 */
#ifndef KILN_DIAG_RULE_H
#define KILN_DIAG_RULE_H

#include <stddef.h>

#include "kiln/diag/diag.h"

/* Volatile parts a rule strips. PREFIX and TAIL decide anchoring: without
 * PREFIX the template must match at the start of the line, without TAIL it
 * must reach its end. The others rewrite the captured subject. */
enum diag_strip {
	DIAG_STRIP_PREFIX = 1u << 0, /* text before: tool prefix (/usr/bin/ld:,
					ld.lld: error:), object and /tmp/cc*.o
					paths, (.text+0x5) offsets, file:line,
					printk timestamps */
	DIAG_STRIP_TAIL = 1u << 1,   /* text after: addresses, byte counts,
					ranges, errno text, output paths */
	DIAG_STRIP_DIR = 1u << 2,    /* directories of a path: keep its basename */
	DIAG_STRIP_ADDR = 1u << 3,   /* hex numbers (0x..., 8+ hex digits) -> ADDR */
	DIAG_STRIP_NUM = 1u << 4,    /* decimal numbers -> NUM */
	DIAG_STRIP_FRAME = 1u << 5,  /* +0x1f/0x40, [module], .isra.0, .constprop.0,
					.part.0, .cold of a kernel function */
	DIAG_STRIP_DASH = 1u << 6,   /* leading dashes of an option */
	DIAG_FOLD_WORDS = 1u << 7,   /* errno text: lower case, '_' for spaces */
	DIAG_FOLD_SIGNAL = 1u << 8,  /* a signal number becomes its name (SIGTERM) */
	DIAG_STRIP_COUNT = 9
};

/* How a row treats findings made by earlier lines. */
enum diag_amend {
	DIAG_AMEND_NONE,
	DIAG_AMEND_ABSORB, /* add nothing when a finding with one of .amends exists:
			      this line only restates it */
	DIAG_AMEND_RENAME, /* the finding (.amends, same subject) takes this row's
			      code; add nothing when there is none */
	DIAG_AMEND_SOFTEN, /* findings with code .amends become warnings (the tool
			      recovered), then add this row's own finding */
};

enum diag_rule_flag {
	DIAG_RULE_FALLBACK = 1u << 0,  /* hidden when a specific linker error exists */
	DIAG_RULE_REPORT = 1u << 1,    /* opens a multi-line kernel report whose
					  guilty frame is found in later lines */
	DIAG_RULE_SORT_PAIR = 1u << 2, /* captures 1 and 2 are sorted (a,b == b,a) */
};

/* Templates: literal text with holes.
 *   {q} capture a quoted string: opened by ` ' " ‘ “, closed by ' ’ ” "
 *   {t} capture a token: bytes other than space, tab and :;,'"`()[]<>=
 *   {w} capture a word: bytes other than space and tab
 *   {*} capture lazily, up to the first occurrence of the literal after it
 *       (to the end of the line when it is last)
 *   {r} capture the rest of the line
 *   {_} skip lazily, like {*} without capturing
 *   {L} a linker command name (ld, ld.lld, x86_64-elf-ld, ...), not captured
 * A template that may start anywhere (DIAG_STRIP_PREFIX) begins with text. */
struct diag_rule {
	const char *code; /* catalogue code; NULL: a known harmless line */
	enum diag_severity severity;
	const char *trigger; /* literal inside the template's text */
	const char *pattern; /* template */
	unsigned strips;     /* DIAG_STRIP_* */
	const char *subject; /* NULL: the captures joined by ':'; else a
					format: %1..%3 captures, %F the guilty
					frame and %A the access (reports) */
	unsigned flags;	     /* DIAG_RULE_* */
	enum diag_amend amend;
	const char *amends;	/* space-separated codes for amend */
	unsigned frame_capture; /* reports: capture naming a candidate frame */
};

/* A row: the five columns every rule has, then designated extras
 * (.subject, .flags, .amend, .amends, .frame_capture). */
#define DIAG_RULE(code_, severity_, trigger_, pattern_, strips_, ...)            \
	{                                                                        \
		.code = (code_), .severity = (severity_), .trigger = (trigger_), \
		.pattern = (pattern_), .strips = (strips_), __VA_ARGS__          \
	}

struct diag_table {
	enum diag_source source;
	const struct diag_rule *rules;
	size_t count;
};

/* The three tables (diag_rules_ld.c, diag_rules_qemu.c, diag_rules_console.c)
 * and the codes diag_note_exit() produces (diag_exit.c). */
extern const struct diag_table diag_table_ld, diag_table_qemu, diag_table_console;
extern const struct diag_rule diag_exit_codes[];
extern const size_t diag_exit_code_count;

/* Kernel functions that never are the guilty frame (diag_rules_console.c):
 * a trailing '*' makes an entry a prefix. NULL-terminated. */
extern const char *const diag_generic_frames[];

/* Name of one strip bit ("prefix", "dir", ...), for --list-rules. */
const char *diag_strip_name(unsigned bit);

/* ---- templates (diag_template.c) -------------------------------------- */

#define DIAG_CAPS_MAX 3
struct diag_capture {
	const char *p;
	size_t n;
};

/* Match a template against one line (no newline). Fills caps (unused ones
 * become empty) and returns the number of captures, or -1 when the line does
 * not match. strips gives the anchoring (DIAG_STRIP_PREFIX, _TAIL). */
int diag_template_match(const char *tpl, const char *line, size_t len, unsigned strips,
			struct diag_capture caps[DIAG_CAPS_MAX]);

/* True for a linker's command name: the {L} hole. */
int diag_is_linker_name(const char *p, size_t n);

#endif
