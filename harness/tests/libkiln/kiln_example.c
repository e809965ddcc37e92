/* kiln_example.c: a program of a user of libkiln, the one docs/libkiln.md
 * shows. It sees <kiln.h> and links -lkiln, nothing of kiln's insides.
 *
 * Owner: libkiln. Built by harness/tests/e2e/libkiln_parity.sh (through
 * pkg-config, and against the ASan library), which also uses it to hold
 * the library's answers against the kiln command's:
 *
 *   kiln_example case FIXTURE [OPTIONS_JSON]      run a fixture file
 *   kiln_example diag KIND LOG [OPTIONS_JSON]     diagnostics of a log file
 *
 * It prints the result's JSON on stdout, and exits with the status kiln
 * would give (kiln_result_status), or 2 after the library's error on
 * stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kiln.h>

/* A whole file (new buffer, its length in *len), or NULL. */
static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (!f)
		return NULL;
	do {
		char *bigger = realloc(buf, cap += 65536);
		if (!bigger) {
			free(buf);
			fclose(f);
			return NULL;
		}
		buf = bigger;
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	fclose(f);
	*len = n;
	return buf;
}

int main(int argc, char **argv)
{
	kiln_result *result = NULL;
	const char *view;
	size_t len = 0;
	int status;

	if ((kiln_abi_version() >> 16) != KILN_ABI_MAJOR) {
		fprintf(stderr, "kiln_example: built for ABI %d, the library is %u\n",
			KILN_ABI_MAJOR, kiln_abi_version() >> 16);
		return 2;
	}
	if (argc >= 3 && argc <= 4 && !strcmp(argv[1], "case")) {
		result = kiln_case_run_file(argv[2], argc == 4 ? argv[3] : NULL);
	} else if (argc >= 4 && argc <= 5 && !strcmp(argv[1], "diag")) {
		char *log = read_file(argv[3], &len);
		if (!log) {
			perror(argv[3]);
			return 2;
		}
		result = kiln_diag_utf8(log, len, argv[2], argc == 5 ? argv[4] : NULL);
		free(log);
	} else {
		fprintf(stderr, "usage: kiln_example case FIXTURE [OPTIONS_JSON]\n"
				"       kiln_example diag KIND LOG [OPTIONS_JSON]\n");
		return 2;
	}
	if (!result) {
		fprintf(stderr, "kiln_example: %s\n", kiln_last_error());
		return 2;
	}
	view = kiln_to_utf8(result, &len); /* borrowed: valid until the release */
	fwrite(view, 1, len, stdout);
	putchar('\n');
	status = kiln_result_status(result);
	kiln_release(result);
	return status;
}
