// pkg.c: /bin/pkg, the package tool, format v0 (docs/guest.md, "Packages").
//   pkg install NAME   install /pkg/NAME.manifest with the payload
//                      /pkg/NAME.tar (ustar) and record it in /var/pkg/NAME
//   pkg list           print "NAME VERSION" of each installed package
// A manifest is lines of "key value": format (0), name (= NAME), version,
// entry (one of the files, an ELF program) and one or more file lines
// (paths relative to /, e.g. bin/hello). Anything wrong is refused with
// one line and exit code 1.
#include "user.h"
#include "fsclient.h"
#include "rfs.h"

#define MANIFEST_MAX 1024
#define MAX_FILES 8
#define TAR_BLOCK 512
#define VERSION_MAX 32

struct manifest {
	char name[RFS_NAME_MAX + 1];
	char version[VERSION_MAX];
	char entry[RFS_PATH_MAX];
	char files[MAX_FILES][RFS_PATH_MAX];
	int nfiles;
	bool format_seen;
};

static const char *pkg_name = "pkg";

// Print "pkg: NAME: <reason>" as one line and exit with code 1.
static void refuse(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void refuse(const char *fmt, ...)
{
	char why[160];
	va_list ap;
	va_start(ap, fmt);
	fmt_vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	printf("pkg: %s: %s\n", pkg_name, why);
	thread_exit(1);
}

// Copy value (len bytes) to dst of cap bytes, or refuse.
static void set_field(char *dst, size_t cap, const char *value, size_t len, int line)
{
	if (len == 0 || len >= cap)
		refuse("bad manifest: line %d: value empty or longer than %d bytes", line,
		       (int)cap - 1);
	memcpy(dst, value, len);
	dst[len] = '\0';
}

// A file path of the manifest: relative, no "..", no empty component.
static bool path_ok(const char *p)
{
	if (p[0] == '/' || p[0] == '\0')
		return false;
	for (const char *s = p; *s; s++)
		if ((s[0] == '.' && s[1] == '.') || (s[0] == '/' && (s[1] == '/' || s[1] == '\0')))
			return false;
	return true;
}

// Parse the key/value line `line` (len bytes, number n) into m.
static void parse_line(struct manifest *m, const char *line, size_t len, int n)
{
	size_t klen = 0;
	while (klen < len && line[klen] != ' ')
		klen++;
	const char *value = line + klen + (klen < len);
	size_t vlen = len - klen - (klen < len);
	char key[16];
	if (klen == 0)
		return; // an empty line
	set_field(key, sizeof(key), line, klen, n);
	if (strcmp(key, "format") == 0) {
		if (vlen != 1 || value[0] != '0')
			refuse("bad manifest: line %d: format must be 0", n);
		m->format_seen = true;
	} else if (strcmp(key, "name") == 0) {
		set_field(m->name, sizeof(m->name), value, vlen, n);
	} else if (strcmp(key, "version") == 0) {
		set_field(m->version, sizeof(m->version), value, vlen, n);
	} else if (strcmp(key, "entry") == 0) {
		set_field(m->entry, sizeof(m->entry), value, vlen, n);
	} else if (strcmp(key, "file") == 0) {
		if (m->nfiles == MAX_FILES)
			refuse("bad manifest: line %d: more than %d files", n, MAX_FILES);
		set_field(m->files[m->nfiles], RFS_PATH_MAX - 1, value, vlen, n);
		if (!path_ok(m->files[m->nfiles]))
			refuse("bad manifest: line %d: bad file path '%s'", n, m->files[m->nfiles]);
		m->nfiles++;
	} else {
		refuse("bad manifest: line %d: unknown key '%s'", n, key);
	}
}

// Read and check /pkg/NAME.manifest.
static void load_manifest(const char *name, struct manifest *m)
{
	static char text[MANIFEST_MAX + 1];
	char path[RFS_PATH_MAX];
	fmt_snprintf(path, sizeof(path), "/pkg/%s.manifest", name);
	long len = fs_read(path, 0, text, MANIFEST_MAX + 1);
	if (len == ERR_NOTFOUND)
		refuse("no such package (%s)", path);
	if (len < 0)
		refuse("cannot read %s: error %ld", path, len);
	if (len > MANIFEST_MAX)
		refuse("bad manifest: longer than %d bytes", MANIFEST_MAX);
	memset(m, 0, sizeof(*m));
	int n = 1;
	for (long at = 0; at < len; n++) {
		long end = at;
		while (end < len && text[end] != '\n')
			end++;
		parse_line(m, text + at, (size_t)(end - at), n);
		at = end + 1;
	}
	if (!m->format_seen || !m->name[0] || !m->version[0] || !m->entry[0] || !m->nfiles)
		refuse("bad manifest: format, name, version, entry and file are required");
	if (strcmp(m->name, name) != 0)
		refuse("bad manifest: name '%s' does not match the file name", m->name);
	bool entry_listed = false;
	for (int i = 0; i < m->nfiles; i++)
		entry_listed |= strcmp(m->files[i], m->entry) == 0;
	if (!entry_listed)
		refuse("bad manifest: entry '%s' is not one of the files", m->entry);
}

// The value of the octal field of len bytes at f, or -1 if it is not one.
static long octal(const uint8 *f, int len)
{
	long v = 0;
	int i = 0;
	while (i < len && f[i] == ' ')
		i++;
	if (i == len || f[i] < '0' || f[i] > '7')
		return -1;
	for (; i < len && f[i] >= '0' && f[i] <= '7'; i++)
		v = v * 8 + (f[i] - '0');
	return (i == len || f[i] == '\0' || f[i] == ' ') ? v : -1;
}

// Is the 512-byte block h a ustar header with a good checksum?
static bool tar_header_ok(const uint8 *h)
{
	unsigned long sum = 0;
	for (int i = 0; i < TAR_BLOCK; i++)
		sum += (i >= 148 && i < 156) ? ' ' : h[i];
	return memcmp(h + 257, "ustar", 5) == 0 && octal(h + 148, 8) == (long)sum;
}

// Append the field of at most len bytes at f (NUL-terminated if shorter).
static size_t put_field(char *dst, size_t at, const uint8 *f, size_t len)
{
	for (size_t i = 0; i < len && f[i]; i++)
		dst[at++] = (char)f[i];
	return at;
}

// The member name of header h into name (256 bytes): the prefix field (at
// 345, 155 bytes), a '/' if it is set, and the name field (100 bytes).
static void tar_name(const uint8 *h, char *name)
{
	size_t at = put_field(name, 0, h + 345, 155);
	if (at)
		name[at++] = '/';
	at = put_field(name, at, h, 100);
	name[at] = '\0';
}

// Find member `want` in the payload at tar; returns its data offset and
// size in *size, or -1 when it is not there.
static long tar_find(const char *tar, const char *want, uint32 *size)
{
	uint8 h[TAR_BLOCK];
	char name[256];
	for (uint32 off = 0;;) {
		long n = fs_read(tar, off, h, TAR_BLOCK);
		if (n < 0)
			refuse("cannot read %s: error %ld", tar, n);
		if (n < TAR_BLOCK || h[0] == '\0')
			return -1; // the end (two zero blocks) or a short archive
		if (!tar_header_ok(h))
			refuse("bad payload: %s: not a ustar archive at offset %u", tar, off);
		long len = octal(h + 124, 12);
		if (len < 0)
			refuse("bad payload: %s: bad size at offset %u", tar, off);
		tar_name(h, name);
		off += TAR_BLOCK;
		if ((h[156] == '0' || h[156] == '\0') && strcmp(name, want) == 0) {
			*size = (uint32)len;
			return off;
		}
		off += (uint32)((len + TAR_BLOCK - 1) / TAR_BLOCK * TAR_BLOCK);
	}
}

// Copy size bytes at offset from of tar to a fresh file at path.
static void install_file(const char *tar, long from, uint32 size, const char *path, bool entry)
{
	static uint8 buf[1024];
	long err = fs_remove(path);
	if (err < 0 && err != ERR_NOTFOUND)
		refuse("cannot replace %s: error %ld", path, err);
	if ((err = fs_create(path)) < 0)
		refuse("cannot create %s: error %ld", path, err);
	for (uint32 done = 0; done < size;) {
		uint32 n = size - done < sizeof(buf) ? size - done : sizeof(buf);
		if (fs_read(tar, (uint32)from + done, buf, n) != n)
			refuse("bad payload: %s ends inside %s", tar, path);
		if (entry && done == 0 &&
		    (n < 4 || memcmp(buf,
				     "\x7f"
				     "ELF",
				     4) != 0))
			refuse("bad payload: the entry %s is not an ELF program", path);
		if ((err = fs_write(path, done, buf, n)) != n)
			refuse("cannot write %s: error %ld", path, err);
		done += n;
	}
}

static void pkg_install(const char *name)
{
	struct manifest m;
	char tar[RFS_PATH_MAX], path[RFS_PATH_MAX], record[64];
	uint32 size, type;
	long offs[MAX_FILES] = {0};
	uint32 sizes[MAX_FILES] = {0};
	pkg_name = name;
	if (strlen(name) == 0 || strlen(name) > 20)
		refuse("bad package name");
	load_manifest(name, &m);
	if (!fs_writable())
		refuse("no writable filesystem: fsd is not running");
	fmt_snprintf(tar, sizeof(tar), "/pkg/%s.tar", name);
	if (fs_stat(tar, &size, &type) < 0 || type != 1)
		refuse("missing payload %s", tar);
	// Every file must be in the payload before anything is written.
	for (int i = 0; i < m.nfiles; i++)
		if ((offs[i] = tar_find(tar, m.files[i], &sizes[i])) < 0)
			refuse("bad payload: %s has no %s", tar, m.files[i]);
	for (int i = 0; i < m.nfiles; i++) {
		fmt_snprintf(path, sizeof(path), "/%s", m.files[i]);
		install_file(tar, offs[i], sizes[i], path, strcmp(m.files[i], m.entry) == 0);
	}
	fmt_snprintf(path, sizeof(path), "/var/pkg/%s", name);
	int len = fmt_snprintf(record, sizeof(record), "%s %s\n", m.name, m.version);
	fs_remove(path);
	if (fs_create(path) < 0 || fs_write(path, 0, record, (uint32)len) != len)
		refuse("cannot record the installation in %s", path);
	printf("pkg: installed %s %s (%d file%s)\n", m.name, m.version, m.nfiles,
	       m.nfiles == 1 ? "" : "s");
}

static void list_one(const char *name, void *arg)
{
	char path[RFS_PATH_MAX], record[64];
	fmt_snprintf(path, sizeof(path), "/var/pkg/%s", name);
	long n = fs_read(path, 0, record, sizeof(record) - 1);
	if (n > 0) {
		record[n] = '\0';
		printf("%s", record);
		*(int *)arg += 1;
	}
}

static void pkg_list(void)
{
	int count = 0;
	long err = fs_list("/var/pkg", list_one, &count);
	if (err < 0)
		refuse("cannot list /var/pkg: error %ld", err);
	if (count == 0)
		printf("pkg: no packages installed\n");
}

int main(const char *args)
{
	if (strncmp(args, "install ", 8) == 0) {
		pkg_install(args + 8);
	} else if (strcmp(args, "list") == 0) {
		pkg_list();
	} else {
		printf("pkg: usage: pkg install NAME | pkg list\n");
		return 2;
	}
	return 0;
}
