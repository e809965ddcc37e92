/* diag_output.c: findings as SMOKES_* lines and as JSON.
 *
 * Owner: diagnostics. See kiln/diag.h. Strictness is applied here, when a
 * finding is shown, and never stored: the same set can be reported in WARN
 * mode and under CI_STRICT=1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiln/diag/diag.h"
#include "kiln/lib/util.h"

bool diag_strict_from_env(void)
{
	return util_ci_strict();
}

enum diag_severity diag_finding_severity(const struct diag_finding *f, bool strict)
{
	return strict ? DIAG_ERR : f->severity;
}

char *diag_finding_line(const struct diag_finding *f, bool strict)
{
	const char *tag = diag_finding_severity(f, strict) == DIAG_ERR ? "SMOKES_ERR"
								       : "SMOKES_WARN";

	if (f->subject)
		return util_strdup_printf("%s: %s:%s", tag, f->code, f->subject);
	return util_strdup_printf("%s: %s", tag, f->code);
}

char *diag_set_text(const struct diag_set *set, bool strict)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = util_memstream(&text, &len);
	for (const struct diag_finding *fd = diag_set_first(set); fd; fd = diag_set_next(set, fd)) {
		char *line = diag_finding_line(fd, strict);

		fprintf(f, "%s\n", line);
		free(line);
	}
	if (fclose(f))
		abort();
	return text;
}

bool diag_set_failed(const struct diag_set *set, bool strict)
{
	for (const struct diag_finding *f = diag_set_first(set); f; f = diag_set_next(set, f))
		if (diag_finding_severity(f, strict) == DIAG_ERR)
			return true;
	return false;
}

json_t *diag_set_to_json(const struct diag_set *set, bool strict)
{
	json_t *arr = json_array();

	for (const struct diag_finding *f = diag_set_first(set); f; f = diag_set_next(set, f)) {
		/* every string in a finding is valid UTF-8 already (diag_set_add) */
		json_t *obj = json_pack(
			"{s:s, s:s, s:o, s:s}", "severity",
			diag_finding_severity(f, strict) == DIAG_ERR ? "error" : "warning", "code",
			f->code, "subject", f->subject ? json_string(f->subject) : json_null(),
			"first_raw_line", f->first_raw_line);

		if (!obj || json_array_append_new(arr, obj))
			abort();
	}
	return arr;
}

int diag_source_parse(const char *name, enum diag_source *out)
{
	static const struct {
		const char *name;
		enum diag_source source;
	} names[] = {
		{"ld", DIAG_FROM_LD},
		{"qemu", DIAG_FROM_QEMU},
		{"console", DIAG_FROM_CONSOLE},
		{"auto", DIAG_FROM_AUTO},
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(name, names[i].name)) {
			*out = names[i].source;
			return 0;
		}
	}
	return -1;
}
