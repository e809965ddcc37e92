/* check_main.h: the body of every unit test program's main().
 *
 * Owner: the unit tests. Each program builds one Suite; this runs it the
 * Check way (each test forked unless CK_FORK=no, verbosity from
 * CK_VERBOSITY, CK_TAP_LOG_FILE_NAME and CK_XML_LOG_FILE_NAME honoured) and
 * gives main's exit status: non-zero when any test failed.
 */
#ifndef KILN_CHECK_MAIN_H
#define KILN_CHECK_MAIN_H

#include <check.h>
#include <stdlib.h>

static inline int check_main_run(Suite *suite)
{
	SRunner *sr = srunner_create(suite);
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
