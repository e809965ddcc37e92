/* kiln/lib/util.h: small helpers every Kiln module shares.
 *
 * Owner: ring0 core. Clocks, messages to the user, files written atomically,
 * and bounded string building. Nothing here knows about QEMU or fixtures.
 * Strings returned as `char *` are new: the caller frees them.
 */
#ifndef KILN_UTIL_H
#define KILN_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define KILN_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))

/* Monotonic milliseconds; only differences mean anything. */
int64_t util_now_ms(void);

/* Wall-clock time as "YYYYmmdd-HHMMSS" (local time) into buf. */
void util_wall_stamp(char *buf, size_t len);

/* Messages on stderr, prefixed "kiln: ". util_err() is for errors the user
 * must act on; util_note() is a short informational line that JSON_ONLY=1
 * silences (so that a JSON consumer sees nothing but JSON). */
void util_err(const char *fmt, ...) KILN_PRINTF(1, 2);
void util_note(const char *fmt, ...) KILN_PRINTF(1, 2);
bool util_json_only(void);
/* CI_STRICT=1: the release gate, where warnings fail (docs/ci.md). */
bool util_ci_strict(void);

/* Allocation that aborts on out-of-memory (a harness that cannot allocate a
 * path has nothing sensible left to do), so callers never test for NULL.
 * Each returns new memory that the caller frees (free(), or fclose() for
 * the stream, after which *buf is the caller's to free); never NULL. A size
 * of 0 still gives a unique pointer. util_realloc() keeps p's bytes, as
 * realloc() does; p may be NULL. */
char *util_strdup_printf(const char *fmt, ...) KILN_PRINTF(1, 2);
char *util_strdup(const char *s);
char *util_strndup(const char *s, size_t n);
void *util_malloc(size_t n);
void *util_calloc(size_t n, size_t size);
void *util_realloc(void *p, size_t n);
FILE *util_memstream(char **buf, size_t *len);

/* A whole decimal number in [min, max] from all of s ("12", "-3"; not "",
 * " 5", "5x", "0x10" or out of range) into *out. 0, or -1 with *out
 * untouched: "-j two" must be an error, not quietly -j 0. */
int util_parse_int(const char *s, int min, int max, int *out);

/* Create dir and its parents with mode. Returns 0 or -1 with errno set. */
int util_mkdir_p(const char *dir, unsigned mode);

/* Write len bytes to path atomically (temporary file, fsync, rename), so that
 * a reader never sees a half-written report. Returns 0 or -1 with errno. */
int util_write_file_atomic(const char *path, const void *data, size_t len);

/* Read a whole file. Returns a new NUL-terminated buffer (length in *len when
 * len is not NULL) or NULL with errno set. */
char *util_read_file(const char *path, size_t *len);

/* Write all of buf to fd, retrying on EINTR and short writes. 0 or -1. */
int util_write_all(int fd, const void *buf, size_t len);

/* Set O_NONBLOCK and FD_CLOEXEC on fd. 0 or -1. */
int util_fd_nonblock_cloexec(int fd);

/* Where scratch files go: $TMPDIR when set and not empty, else "/tmp".
 * Borrowed (the environment's, or static). */
const char *util_tmpdir(void);

/* Make a new private (0700, mkdtemp) directory "<root>/<stem>-XXXXXX";
 * root NULL means util_tmpdir(). Its path as a new string, or NULL with
 * errno set. */
char *util_mkdtemp(const char *root, const char *stem);

/* Directory part and last part of path, as new strings. */
char *util_dirname(const char *path);
const char *util_basename(const char *path);

/* Join dir and a relative path; an absolute rel is returned as is. New. */
char *util_path_join(const char *dir, const char *rel);

/* Remove a directory tree. Best effort; errors are ignored because it only
 * cleans private run directories. */
void util_rm_rf(const char *path);

#endif
