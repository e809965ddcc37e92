/* libkiln_diag.c: kiln_diag_utf8(). See kiln/libkiln/kiln.h.
 *
 * Owner: libkiln. The same calls `kiln diag` makes (kiln/diag/diag.h): scan
 * with the chosen rule tables, add QEMU's exit facts, then the findings as
 * JSON_ONLY=1 prints them, the lines as stderr gets them, and whether they
 * fail. Strictness is an option, not CI_STRICT: a library reads no
 * environment behind its caller's back where an argument can say it.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "kiln/diag/diag.h"
#include "kiln/lib/text.h"
#include "libkiln_private.h"

kiln_result *kiln_diag_utf8(const char *log, size_t len, const char *kind, const char *options_json)
{
	static const char who[] = "kiln_diag_utf8";
	enum diag_source from = DIAG_FROM_AUTO;
	int exit_code = -1, exit_signal = -1, triple_fault = 0, strict = 0, status;
	struct diag_set *set;
	json_error_t jerr;
	json_t *opts, *out;
	kiln_result *h;
	char *text;

	libkiln_error_clear();
	if (!log && len) {
		libkiln_error_set("%s: log is NULL", who);
		return NULL;
	}
	if (kind && diag_source_parse(kind, &from) < 0) {
		libkiln_error_set("%s: kind must be \"ld\", \"qemu\", \"console\" or \"auto\", not "
				  "\"%s\"",
				  who, kind);
		return NULL;
	}
	if (!(opts = libkiln_options_parse(who, options_json)))
		return NULL;
	if (json_unpack_ex(opts, &jerr, JSON_STRICT, "{s?i, s?i, s?b, s?b}", "exit_code",
			   &exit_code, "exit_signal", &exit_signal, "triple_fault", &triple_fault,
			   "strict", &strict) < 0) {
		libkiln_error_set("%s: options: %s", who, jerr.text);
		json_decref(opts);
		return NULL;
	}
	json_decref(opts);
	if ((exit_code != -1 && (exit_code < 0 || exit_code > 255)) ||
	    (exit_signal != -1 && (exit_signal < 1 || exit_signal > 127)) ||
	    (exit_code != -1 && exit_signal != -1)) {
		libkiln_error_set("%s: options: exit_code is 0..255, exit_signal 1..127, and only "
				  "one of them is given",
				  who);
		return NULL;
	}
	set = diag_set_new();
	diag_scan_buffer(set, from, log ? log : "", len);
	status = exit_code >= 0	   ? W_EXITCODE(exit_code, 0)
		 : exit_signal > 0 ? W_EXITCODE(0, exit_signal)
				   : -1;
	if (status >= 0 || triple_fault)
		diag_note_exit(set, status >= 0 ? status : 0, triple_fault);
	text = diag_set_text(set, strict);
	out = json_pack("{s:o, s:o, s:b}", "findings", diag_set_to_json(set, strict), "text",
			text_json_string(text, strlen(text)), "failed",
			diag_set_failed(set, strict));
	h = libkiln_result_new(out, diag_set_failed(set, strict) ? 1 : 0);
	json_decref(out);
	free(text);
	diag_set_free(set);
	return h;
}
