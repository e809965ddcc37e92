/* kiln/validate.h: `kiln validate PATH...`, the strict loader on its own.
 *
 * Owner: ring0 core. Loads every fixture under the paths and prints each
 * error as file:line:column: reason, booting nothing. Used by the
 * fixtures_valid local check and by editors. Exit 0, or 2 on any error.
 */
#ifndef KILN_VALIDATE_H
#define KILN_VALIDATE_H

int validate_main(int argc, char **argv);

#endif
