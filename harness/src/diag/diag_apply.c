/* diag_apply.c: what a matched row adds to the set: its subject, built from
 * the captures, and its finding, after any amendment of earlier ones.
 *
 * Owner: diagnostics. See kiln/diag_engine.h.
 */
#include <string.h>

#include "diag_engine.h"
#include "diag_text.h"

/* Append s to out (DIAG_SUBJECT_MAX + 1 bytes) at *len, cutting at the end. */
static void put(char *out, size_t *len, const char *s, size_t n)
{
	if (n > DIAG_SUBJECT_MAX - *len)
		n = DIAG_SUBJECT_MAX - *len;
	memcpy(out + *len, s, n);
	*len += n;
	out[*len] = '\0';
}

bool diag_subject_build(const struct diag_rule *rule, const struct diag_capture *caps, int ncaps,
			const char *frame, const char *access, char *out)
{
	char norm[DIAG_CAPS_MAX][DIAG_SUBJECT_MAX + 1];
	size_t len = 0;

	out[0] = '\0';
	for (int i = 0; i < DIAG_CAPS_MAX; i++)
		diag_text_subject(norm[i], i < ncaps ? caps[i].p : "", i < ncaps ? caps[i].n : 0,
				  rule->strips);
	if ((rule->flags & DIAG_RULE_SORT_PAIR) && strcmp(norm[0], norm[1]) > 0) {
		char tmp[DIAG_SUBJECT_MAX + 1];

		memcpy(tmp, norm[0], sizeof(tmp));
		memcpy(norm[0], norm[1], sizeof(tmp));
		memcpy(norm[1], tmp, sizeof(tmp));
	}
	if (!rule->subject) {
		for (int i = 0; i < ncaps; i++) {
			if (i)
				put(out, &len, ":", 1);
			put(out, &len, norm[i], strlen(norm[i]));
		}
		return len > 0;
	}
	for (const char *p = rule->subject; *p; p++) {
		const char *piece = NULL;

		if (p[0] == '%' && p[1] >= '1' && p[1] < '1' + DIAG_CAPS_MAX)
			piece = norm[p[1] - '1'];
		else if (p[0] == '%' && p[1] == 'F')
			piece = frame ? frame : "";
		else if (p[0] == '%' && p[1] == 'A')
			piece = access ? access : "";
		if (!piece) {
			put(out, &len, p, 1);
			continue;
		}
		/* an unknown part reads "?", so the other parts keep their place */
		put(out, &len, *piece ? piece : "?", *piece ? strlen(piece) : 1);
		p++;
	}
	return len > 0 && strcmp(out, "?") != 0;
}

void diag_apply(struct diag_set *set, const struct diag_rule *rule, unsigned source,
		const char *subject, const char *raw, size_t raw_len, uint64_t order)
{
	struct diag_hit hit = {
		.code = rule->code,
		.severity = rule->severity,
		.flags = rule->flags,
		.source = source,
		.subject = subject,
		.raw = raw,
		.raw_len = raw_len,
		.order = order,
	};

	switch (rule->amend) {
	case DIAG_AMEND_ABSORB:
		if (diag_set_has(set, rule->amends))
			return;
		break;
	case DIAG_AMEND_RENAME: diag_set_rename(set, rule->amends, subject, rule->code); return;
	case DIAG_AMEND_SOFTEN: diag_set_soften(set, rule->amends); break;
	case DIAG_AMEND_NONE: break;
	}
	diag_set_add(set, &hit);
}
