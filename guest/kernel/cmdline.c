// cmdline.c: the Multiboot command line, copied into the kernel at boot
// (the loader's copy lives in memory the page allocator may hand out) and
// looked up as space-separated key=value words. QEMU puts the kernel's file
// name first; it is just a word without '='.
#include "types.h"
#include "defs.h"
#include "multiboot.h"

static char cmdline[256];

// Save the command line. Called once from kmain before memory is reused.
void cmdline_init(const struct multiboot_info *mbi)
{
	const char *src;
	size_t i;

	if (!(mbi->flags & MB_INFO_CMDLINE))
		return;
	src = (const char *)(uintptr)mbi->cmdline;
	for (i = 0; i + 1 < sizeof(cmdline) && src[i]; i++)
		cmdline[i] = src[i];
	cmdline[i] = '\0';
}

// Copy the value of the last "key=value" word into buf (truncated to size)
// and return buf, or return NULL if no word has that key.
const char *cmdline_get(const char *key, char *buf, size_t size)
{
	size_t klen = strlen(key);
	const char *p = cmdline, *found = NULL;

	while (*p) {
		while (*p == ' ')
			p++;
		if (strncmp(p, key, klen) == 0 && p[klen] == '=')
			found = p + klen + 1;
		while (*p && *p != ' ')
			p++;
	}
	if (!found || size == 0)
		return NULL;
	size_t n = 0;
	for (; found[n] && found[n] != ' ' && n + 1 < size; n++)
		buf[n] = found[n];
	buf[n] = '\0';
	return buf;
}
