/* util.c: clocks, user messages, atomic files. See kiln/util.h. */
#include "kiln/lib/util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int64_t util_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void util_wall_stamp(char *buf, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(buf, len, "%Y%m%d-%H%M%S", &tm);
}

bool util_json_only(void)
{
	const char *v = getenv("JSON_ONLY");

	return v && strcmp(v, "1") == 0;
}

bool util_ci_strict(void)
{
	const char *v = getenv("CI_STRICT");

	return v && strcmp(v, "1") == 0;
}

static void util_vmessage(const char *fmt, va_list ap)
{
	char line[4096];

	vsnprintf(line, sizeof(line), fmt, ap);
	/* One write per message, so parallel workers never interleave halves. */
	dprintf(STDERR_FILENO, "kiln: %s\n", line);
}

void util_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	util_vmessage(fmt, ap);
	va_end(ap);
}

void util_note(const char *fmt, ...)
{
	va_list ap;

	if (util_json_only())
		return;
	va_start(ap, fmt);
	util_vmessage(fmt, ap);
	va_end(ap);
}

char *util_strdup_printf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	return s;
}

/* One place that decides what out-of-memory means: the end of the process.
 * Kiln's allocations are small and bounded (a fixture, a console window, a
 * report), so running out is the machine's state, not something a case can
 * report around. */
static void *util_checked(void *p)
{
	if (!p)
		abort();
	return p;
}

char *util_strdup(const char *s)
{
	return util_checked(strdup(s));
}

char *util_strndup(const char *s, size_t n)
{
	return util_checked(strndup(s, n));
}

void *util_malloc(size_t n)
{
	/* malloc(0) may return NULL; one byte keeps "never NULL" true. */
	return util_checked(malloc(n ? n : 1));
}

void *util_calloc(size_t n, size_t size)
{
	return util_checked(calloc(n ? n : 1, size ? size : 1));
}

void *util_realloc(void *p, size_t n)
{
	return util_checked(realloc(p, n ? n : 1));
}

FILE *util_memstream(char **buf, size_t *len)
{
	return util_checked(open_memstream(buf, len));
}

int util_parse_int(const char *s, int min, int max, int *out)
{
	char *end;
	long v;

	if (!s || !(isdigit((unsigned char)s[0]) || (s[0] == '-' && isdigit((unsigned char)s[1]))))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

int util_mkdir_p(const char *dir, unsigned mode)
{
	char *tmp = util_strdup(dir);
	int ret = -1;

	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, mode) < 0 && errno != EEXIST)
			goto cleanup;
		*p = '/';
	}
	if (mkdir(tmp, mode) < 0 && errno != EEXIST)
		goto cleanup;
	ret = 0;
cleanup:
	free(tmp);
	return ret;
}

int util_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int util_write_file_atomic(const char *path, const void *data, size_t len)
{
	char *tmp = util_strdup_printf("%s.tmp.%d", path, (int)getpid());
	int fd, ret = -1, saved;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		goto cleanup;
	if (util_write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		saved = errno;
		close(fd);
		unlink(tmp);
		errno = saved;
		goto cleanup;
	}
	close(fd);
	if (rename(tmp, path) < 0) {
		saved = errno;
		unlink(tmp);
		errno = saved;
		goto cleanup;
	}
	ret = 0;
cleanup:
	free(tmp);
	return ret;
}

char *util_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (n + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		size_t got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		int saved = errno;
		fclose(f);
		free(buf);
		errno = saved;
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

int util_fd_nonblock_cloexec(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -1;
	fl = fcntl(fd, F_GETFD);
	if (fl < 0 || fcntl(fd, F_SETFD, fl | FD_CLOEXEC) < 0)
		return -1;
	return 0;
}

const char *util_tmpdir(void)
{
	const char *tmpdir = getenv("TMPDIR");

	return tmpdir && *tmpdir ? tmpdir : "/tmp";
}

char *util_mkdtemp(const char *root, const char *stem)
{
	char *dir = util_strdup_printf("%s/%s-XXXXXX", root ? root : util_tmpdir(), stem);
	int saved;

	if (mkdtemp(dir))
		return dir;
	saved = errno;
	free(dir);
	errno = saved;
	return NULL;
}

char *util_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return util_strdup(".");
	if (slash == path)
		return util_strdup("/");
	return strndup(path, (size_t)(slash - path));
}

const char *util_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

char *util_path_join(const char *dir, const char *rel)
{
	if (rel[0] == '/')
		return util_strdup(rel);
	return util_strdup_printf("%s/%s", dir, rel);
}

static int util_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void util_rm_rf(const char *path)
{
	nftw(path, util_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}
