/* replay_gdb.c: finding gdb and writing its gdbinit. See kiln/replay_gdb.h. */
#include "replay_gdb.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kiln/lib/util.h"

char *replay_gdb_find(void)
{
	const char *name = getenv("KILN_GDB");
	const char *path = getenv("PATH");
	char *copy, *dir, *save = NULL, *found = NULL;

	if (!name || !*name)
		name = "gdb";
	if (strchr(name, '/'))
		return access(name, X_OK) == 0 ? util_strdup(name) : NULL;
	copy = util_strdup(path && *path ? path : "/usr/bin:/bin");
	for (dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
		char *cand = util_strdup_printf("%s/%s", *dir ? dir : ".", name);
		if (access(cand, X_OK) == 0)
			found = cand;
		else
			free(cand);
	}
	free(copy);
	return found;
}

const char *replay_gdb_arch(const char *qemu)
{
	static const struct {
		const char *suffix, *arch;
	} map[] = {
		{"qemu-system-x86_64", "i386:x86-64"},
		{"qemu-system-i386", "i386"},
		{"qemu-system-aarch64", "aarch64"},
		{"qemu-system-riscv64", "riscv:rv64"},
	};
	const char *base = util_basename(qemu);

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(base, map[i].suffix))
			return map[i].arch;
	return NULL;
}

char *replay_gdbinit_text(const struct replay_gdbinit *g)
{
	char *arch =
		g->arch ? util_strdup_printf(
				  "# QEMU sends this architecture's registers from the first\n"
				  "# instruction (a 32-bit Multiboot entry too): say so before\n"
				  "# connecting, or gdb reads the register packet wrong.\n"
				  "set architecture %s\n",
				  g->arch)
			: util_strdup("");
	char *syms = g->symbols ? util_strdup_printf("file %s\n", g->symbols)
				: util_strdup("# The fixture names no guest.symbols ELF.\n");
	/* A hardware breakpoint: a software one is an int3 written into guest
	 * memory, lost when the kernel is loaded or relocated over it, and not
	 * used by QEMU's replay. */
	char *brk = g->panic_symbol
			    ? util_strdup_printf("# The guest's panic path (guest.panic_symbol).\n"
						 "hbreak %s\n",
						 g->panic_symbol)
			    : util_strdup("# The fixture names no guest.panic_symbol.\n");
	char *text = util_strdup_printf(
		"# gdbinit written by kiln replay for %s.\n"
		"# The guest is paused before its first instruction: `continue` runs it.\n"
		"%s"
		"set pagination off\n"
		"set confirm off\n"
		"%s%s"
		"target remote %s\n"
		"%s",
		g->case_name,
		g->reverse ? "# A recording: reverse-stepi, reverse-continue and reverse-finish\n"
			     "# run it backwards (docs/replay.md).\n"
			   : "# Not a recording: execution runs forwards only.\n",
		arch, syms, g->socket, brk);

	free(arch);
	free(syms);
	free(brk);
	return text;
}
