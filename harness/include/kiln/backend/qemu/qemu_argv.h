/* kiln/backend/qemu/qemu_argv.h: the QEMU command line for a fixture.
 *
 * Owner: ring1 (qemu backend). One place turns a fixture's guest and machine
 * into QEMU arguments, so the run, the replay recipe and the benchmark's bare
 * QEMU baseline all boot exactly the same machine. Vectors are
 * NULL-terminated and new; free with qemu_argv_free().
 */
#ifndef KILN_QEMU_ARGV_H
#define KILN_QEMU_ARGV_H

#include <jansson.h>

#include "kiln/backend/backend.h"

/* The exit channel every Kiln guest may use: QEMU exits with status
 * (value << 1) | 1 when the guest writes value to port 0xf4. */
#define QEMU_DEBUG_EXIT_DEVICE "isa-debug-exit,iobase=0xf4,iosize=0x04"

/* The QEMU binary: $KILN_QEMU, else qemu-system-x86_64 from PATH. A
 * borrowed string (the environment's or static); never NULL. */
const char *qemu_binary(void);

/* Arguments for spec, with QMP and the console as clients of the two
 * sockets (all borrowed). New vector. */
char **qemu_argv_build(const struct vm_spec *spec, const char *qmp_sock, const char *console_sock);

/* The guest and machine part alone (no control channels): what both the
 * harness and a bare-QEMU run share. New vector. */
char **qemu_argv_machine(const struct fixture *f, const char *accel);

/* The fixture's Multiboot modules as the one -initrd value QEMU takes
 * (comma separated, commas in paths doubled); NULL when there are none.
 * New string. */
char *qemu_argv_modules(const struct fixture *f);

/* s with every comma doubled, for a path inside a QEMU option value such as
 * -drive file=... (QEMU splits those values on single commas). New. */
char *qemu_escape_commas(const char *s);

/* Free a vector from here and its strings. Accepts NULL. */
void qemu_argv_free(char **argv);
/* The vector (borrowed) as a JSON array of strings. New reference. */
json_t *qemu_argv_to_json(char *const *argv);

#endif
