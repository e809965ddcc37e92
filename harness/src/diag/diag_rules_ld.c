/* diag_rules_ld.c: the linker rules: GNU ld (bfd), gold and lld, called
 * directly or through gcc (collect2) and clang.
 *
 * Owner: diagnostics. One row per wording; rows sharing a code must give the
 * same subject for the same failure, whichever linker said it, which the
 * golden corpus (harness/tests/diag_golden/ld-*) checks for every linker and both ways of
 * calling it. The wordings are those of binutils 2.40 and lld 14 (Debian 12).
 */
#include "diag_rule.h"

#define ERR DIAG_ERR
#define WARN DIAG_WARN
#define PREFIX DIAG_STRIP_PREFIX
#define TAIL DIAG_STRIP_TAIL
#define DIR DIAG_STRIP_DIR

static const struct diag_rule rules[] = {
	/* Undefined symbols. bfd: "x.c:(.text+0xf): undefined reference to
	 * `f'", gold: "x.o:x.c:function main: error: undefined reference to
	 * 'f'", lld: "ld.lld: error: undefined symbol: f". All three demangle
	 * C++ by default, and a name may hold dots (env.gc.stats). */
	DIAG_RULE("symbol_missing", ERR, "undefined reference to ", "undefined reference to {q}",
		  PREFIX | TAIL),
	DIAG_RULE("symbol_missing", ERR, "undefined symbol: ", "undefined symbol: {r}", PREFIX),

	/* Duplicates. bfd appends "; x.o:(.text+0x0): first defined here". */
	DIAG_RULE("symbol_duplicate", ERR, "multiple definition of ", "multiple definition of {q}",
		  PREFIX | TAIL),
	DIAG_RULE("symbol_duplicate", ERR, "duplicate symbol: ", "duplicate symbol: {r}", PREFIX),

	/* Inputs. The "cannot find" rows go from specific to general: bfd
	 * says "cannot find" for libraries, entry symbols and plain files. */
	DIAG_RULE("lib_missing", ERR, "cannot find -l", "cannot find -l{t}", PREFIX | TAIL),
	DIAG_RULE("lib_missing", ERR, "unable to find library -l", "unable to find library -l{t}",
		  PREFIX | TAIL),
	DIAG_RULE("script_missing", ERR, "cannot open linker script file ",
		  "cannot open linker script file {*}: ", PREFIX | TAIL | DIR),
	DIAG_RULE("script_missing", ERR, "cannot find linker script ",
		  "cannot find linker script {r}", PREFIX | DIR),
	/* gold says "cannot open X" for a missing script, as for any file,
	 * and only the next line says X was a script. */
	DIAG_RULE("script_missing", ERR, "unable to parse script file ",
		  "unable to parse script file {r}", PREFIX | DIR, .amend = DIAG_AMEND_RENAME,
		  .amends = "file_missing"),
	/* bfd: "entry symbol kentry; defaulting to 0000000000401000", lld:
	 * "...; not setting start address", gold: "entry symbol 'kentry'".
	 * A warning: every linker still writes its output. */
	DIAG_RULE("entry_missing", WARN, "cannot find entry symbol ",
		  "cannot find entry symbol {q}", PREFIX | TAIL),
	DIAG_RULE("entry_missing", WARN, "cannot find entry symbol ",
		  "cannot find entry symbol {t}", PREFIX | TAIL),
	DIAG_RULE("file_missing", ERR, "cannot find ", "cannot find {*}: No such file or directory",
		  PREFIX | DIR),
	DIAG_RULE("file_missing", ERR, "cannot open ", "cannot open {*}: No such file or directory",
		  PREFIX | DIR),

	/* Relocation overflow: code built for -mcmodel=small linked above
	 * 2 GiB, e.g. at 0xffffffff80000000 without -mcmodel=kernel. */
	DIAG_RULE("reloc_overflow", ERR, "relocation truncated to fit: ",
		  "relocation truncated to fit: {t} against symbol {q}", PREFIX | TAIL,
		  .subject = "%2"),
	DIAG_RULE("reloc_overflow", ERR, "relocation truncated to fit: ",
		  "relocation truncated to fit: {t} against {q}", PREFIX | TAIL, .subject = "%2"),
	DIAG_RULE("reloc_overflow", ERR, "relocation overflow: reference to ",
		  "relocation overflow: reference to {q}", PREFIX | TAIL),
	DIAG_RULE("reloc_overflow", ERR, " out of range: ",
		  "relocation {t} out of range: {_}; references {r}", PREFIX, .subject = "%2"),

	/* Position-independent output from code that is not: the three
	 * linkers each name the relocation and the symbol. */
	DIAG_RULE("pic_required", ERR, "can not be used when making ",
		  "relocation {t} against symbol {q} can not be used when making ", PREFIX | TAIL,
		  .subject = "%2"),
	DIAG_RULE("pic_required", ERR, "can not be used when making ",
		  "relocation {t} against undefined symbol {q} can not be used when making ",
		  PREFIX | TAIL, .subject = "%2"),
	DIAG_RULE("pic_required", ERR, "can not be used when making ",
		  "relocation {t} against {q} can not be used when making ", PREFIX | TAIL,
		  .subject = "%2"),
	DIAG_RULE("pic_required", ERR, "cannot be used against symbol ",
		  "relocation {t} cannot be used against symbol {q}; recompile with ",
		  PREFIX | TAIL, .subject = "%2"),
	DIAG_RULE("pic_required", ERR, "which may overflow at runtime",
		  "requires dynamic {t} reloc against {q} which may overflow at runtime",
		  PREFIX | TAIL, .subject = "%2"),

	/* Layout. bfd: "section `.text' will not fit in region `ROM'" and
	 * "region `ROM' overflowed by 104 bytes"; lld: "section '.text' will
	 * not fit in region 'ROM': overflowed by 2 bytes"; gold: "section
	 * .text overflows end of region ROM". */
	DIAG_RULE("region_overflow", ERR, "will not fit in region ", "will not fit in region {q}",
		  PREFIX | TAIL),
	DIAG_RULE("region_overflow", ERR, "overflowed by ", "region {q} overflowed by ",
		  PREFIX | TAIL),
	DIAG_RULE("region_overflow", ERR, "overflows end of region ", "overflows end of region {t}",
		  PREFIX | TAIL),
	/* bfd: "section .rodata LMA [...] overlaps section .text LMA [...]",
	 * lld: "section .text virtual address range overlaps with .rodata".
	 * Sorted, so the order the linker names them in does not matter. */
	DIAG_RULE("section_overlap", ERR, " overlaps section ",
		  "section {w} {_} overlaps section {w}", PREFIX | TAIL, .subject = "%1,%2",
		  .flags = DIAG_RULE_SORT_PAIR),
	DIAG_RULE("section_overlap", ERR, " range overlaps with ",
		  "section {w} {_} range overlaps with {w}", PREFIX | TAIL, .subject = "%1,%2",
		  .flags = DIAG_RULE_SORT_PAIR),
	/* gold only names the segments' address ranges. */
	DIAG_RULE("segment_overlap", ERR, "load segment overlap ", "load segment overlap ",
		  PREFIX | TAIL),

	/* Hardening warnings. */
	DIAG_RULE("exec_stack", WARN, "requires executable stack", "requires executable stack",
		  PREFIX | TAIL),
	DIAG_RULE("exec_stack", WARN, "implies executable stack", "implies executable stack",
		  PREFIX | TAIL),
	DIAG_RULE("exec_stack", WARN, "enabling an executable stack",
		  "enabling an executable stack", PREFIX | TAIL),
	DIAG_RULE("rwx_segment", WARN, "segment with RWX permissions",
		  "has a LOAD segment with RWX permissions", PREFIX | TAIL),
	/* Under -z text the linkers refuse what they otherwise warn about. */
	DIAG_RULE("textrel", ERR, "read-only segment has dynamic relocations",
		  "read-only segment has dynamic relocations", PREFIX | TAIL),
	DIAG_RULE("textrel", WARN, "creating DT_TEXTREL in a ", "creating DT_TEXTREL in a ",
		  PREFIX | TAIL),
	DIAG_RULE("textrel", WARN, "in read-only section ",
		  "relocation against {q} in read-only section ", PREFIX | TAIL, .subject = ""),
	DIAG_RULE("textrel", WARN, "text segment is not shareable", "text segment is not shareable",
		  PREFIX | TAIL),

	/* The linker did not run, or said nothing we know. collect2 and the
	 * shell name the linker command; "ld_not_found" takes no subject, so
	 * that a missing ld.lld and a missing ld read the same. */
	DIAG_RULE("ld_not_found", ERR, "fatal error: cannot find ", "fatal error: cannot find {q}",
		  PREFIX | TAIL, .subject = ""),
	DIAG_RULE("ld_not_found", ERR, "invalid linker name in argument",
		  "invalid linker name in argument ", PREFIX | TAIL),
	DIAG_RULE("ld_not_found", ERR, ": not found", ": {L}: not found", PREFIX),
	DIAG_RULE("ld_not_found", ERR, "command not found", ": {L}: command not found", PREFIX),
	DIAG_RULE("ld_not_found", ERR, ": No such file or directory",
		  "make{_}: {L}: No such file or directory", 0),
	DIAG_RULE("ld_signal", ERR, "ld terminated with signal ", "ld terminated with signal {t}",
		  PREFIX | TAIL),
	DIAG_RULE("ld_failed", ERR, "ld returned ", "ld returned {t} exit status", PREFIX | TAIL,
		  .flags = DIAG_RULE_FALLBACK),
	DIAG_RULE("ld_failed", ERR, "linker command failed with exit code ",
		  "linker command failed with exit code {t}", PREFIX | TAIL,
		  .flags = DIAG_RULE_FALLBACK),
};

const struct diag_table diag_table_ld = {DIAG_FROM_LD, rules, sizeof(rules) / sizeof(rules[0])};
