/* fuzz_diag.c: the libFuzzer target of the diagnostics normalizer
 * (`make fuzz`, built with clang under ASan and UBSan).
 *
 * Owner: diagnostics. An input is a log. Its first byte picks the rule
 * tables and how the rest is cut into chunks; the rest is scanned twice, in
 * one buffer and in those chunks, and the two sets must print the same lines
 * (a scan must not depend on where its input was cut). Every finding is
 * then printed as a line and the set as JSON, which must serialize: all of
 * it must be valid UTF-8 whatever bytes came in. An input whose first byte
 * has the top bit set is instead "template NUL line", for the template
 * matcher alone, with any template at all.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag/diag_rule.h"
#include "kiln/diag/diag.h"

static void fuzz_template(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	struct diag_capture caps[DIAG_CAPS_MAX];
	char *tpl;

	if (!nul)
		return;
	tpl = strndup((const char *)data, (size_t)(nul - data));
	for (unsigned strips = 0; strips < 4; strips++) {
		int n = diag_template_match(tpl, (const char *)nul + 1,
					    size - (size_t)(nul - data) - 1, strips, caps);

		for (int i = 0; i < n; i++) /* a capture lies inside the line */
			if (caps[i].p < (const char *)nul + 1 ||
			    caps[i].p + caps[i].n > (const char *)data + size)
				abort();
	}
	free(tpl);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag_set *whole, *cut;
	struct diag_scan *scan;
	unsigned from, step;
	char *a, *b, *dump;
	json_t *json;

	if (size == 0)
		return 0;
	if (data[0] & 0x80) {
		fuzz_template(data + 1, size - 1);
		return 0;
	}
	from = 1 + data[0] % 7;		/* a non-empty set of tables */
	step = 1 + (data[0] >> 3) * 97; /* chunks of 1 to 1456 bytes */
	data++, size--;

	whole = diag_set_new();
	diag_scan_buffer(whole, (enum diag_source)from, (const char *)data, size);
	cut = diag_set_new();
	scan = diag_scan_new(cut, (enum diag_source)from);
	for (size_t i = 0; i < size; i += step)
		diag_scan_feed(scan, (const char *)data + i, size - i < step ? size - i : step);
	diag_scan_end(scan);
	if (size > 0) { /* odd last byte: a signal, even: an exit status */
		uint8_t last = data[size - 1];

		diag_note_exit(whole, last & 1 ? (last >> 1) & 0x7f : last << 8, size % 5 == 0);
	}

	a = diag_set_text(whole, false);
	b = diag_set_text(cut, true);
	json = diag_set_to_json(whole, size % 2);
	dump = json_dumps(json, 0);
	if (!dump)
		abort(); /* something in a finding is not valid UTF-8 */
	free(dump);
	json_decref(json);
	free(a);
	a = diag_set_text(cut, false);
	free(b);
	b = diag_set_text(whole, false);
	/* the exit facts came after the scan: compare the scanned part */
	if (strncmp(a, b, strlen(a)) != 0) {
		fprintf(stderr, "chunked:\n%s\nwhole:\n%s\n", a, b);
		abort();
	}
	free(a);
	free(b);
	diag_set_free(whole);
	diag_set_free(cut);
	return 0;
}
