/* qemu_argv.c: fixture to QEMU arguments. See kiln/qemu_argv.h. */
#include "kiln/backend/qemu/qemu_argv.h"

#include <stdlib.h>
#include <string.h>

#include "kiln/lib/util.h"

struct argv_buf {
	char **v;
	size_t n, cap;
};

static void argv_add(struct argv_buf *a, char *owned)
{
	if (a->n + 2 > a->cap) {
		a->cap = a->cap ? a->cap * 2 : 32;
		a->v = util_realloc(a->v, a->cap * sizeof(char *));
	}
	a->v[a->n++] = owned;
	a->v[a->n] = NULL;
}

static void argv_pair(struct argv_buf *a, const char *opt, char *owned_value)
{
	argv_add(a, util_strdup(opt));
	argv_add(a, owned_value);
}

const char *qemu_binary(void)
{
	const char *b = getenv("KILN_QEMU");

	return b && *b ? b : "qemu-system-x86_64";
}

/* QEMU splits -drive and -device values on commas; a path with a comma must
 * double it. */
char *qemu_escape_commas(const char *s)
{
	size_t n = strlen(s), extra = 0;
	char *out, *p;

	for (size_t i = 0; i < n; i++)
		extra += s[i] == ',';
	out = p = util_malloc(n + extra + 1);
	for (size_t i = 0; i < n; i++) {
		*p++ = s[i];
		if (s[i] == ',')
			*p++ = ',';
	}
	*p = '\0';
	return out;
}

char *qemu_argv_modules(const struct fixture *f)
{
	size_t len = 1;
	char *joined;

	if (!f->guest.n_modules)
		return NULL;
	for (size_t i = 0; i < f->guest.n_modules; i++)
		len += strlen(f->guest.modules[i]) * 2 + 1;
	joined = util_calloc(1, len);
	for (size_t i = 0; i < f->guest.n_modules; i++) {
		char *esc = qemu_escape_commas(f->guest.modules[i]);
		if (i)
			strcat(joined, ",");
		strcat(joined, esc);
		free(esc);
	}
	return joined;
}

static void argv_guest(struct argv_buf *a, const struct fixture *f)
{
	argv_pair(a, "-kernel", util_strdup(f->guest.kernel));
	if (f->guest.cmdline)
		argv_pair(a, "-append", util_strdup(f->guest.cmdline));
	if (f->guest.initrd)
		argv_pair(a, "-initrd", util_strdup(f->guest.initrd));
	if (f->guest.n_modules)
		argv_pair(a, "-initrd", qemu_argv_modules(f));
	for (size_t i = 0; i < f->guest.n_disks; i++) {
		const struct disk *d = &f->guest.disks[i];
		char *file = qemu_escape_commas(d->file);
		argv_pair(a, "-drive",
			  util_strdup_printf("file=%s,format=%s,if=%s%s%s", file, d->format,
					     d->interface, d->readonly ? ",readonly=on" : "",
					     d->snapshot ? ",snapshot=on" : ""));
		free(file);
	}
}

char **qemu_argv_machine(const struct fixture *f, const char *accel)
{
	struct argv_buf a = {0};

	argv_add(&a, util_strdup(qemu_binary()));
	argv_pair(&a, "-machine", util_strdup(f->machine.type));
	argv_pair(&a, "-accel", util_strdup(accel));
	argv_pair(&a, "-m", util_strdup_printf("%d", f->machine.memory_mb));
	argv_pair(&a, "-smp", util_strdup_printf("%d", f->machine.cpus));
	argv_add(&a, util_strdup("-nodefaults"));
	argv_add(&a, util_strdup("-no-user-config"));
	argv_pair(&a, "-display", util_strdup("none"));
	if (f->machine.bios)
		argv_pair(&a, "-bios", util_strdup(f->machine.bios));
	/* The exit channel every Kiln guest may use: status = code * 2 + 1. */
	argv_pair(&a, "-device", util_strdup(QEMU_DEBUG_EXIT_DEVICE));
	argv_guest(&a, f);
	for (size_t i = 0; i < f->machine.n_devices; i++)
		argv_pair(&a, "-device", util_strdup(f->machine.devices[i]));
	for (size_t i = 0; i < f->machine.n_qemu_args; i++)
		argv_add(&a, util_strdup(f->machine.qemu_args[i]));
	return a.v;
}

/* machine.network: QEMU's user-mode network, each guest UDP port forwarded
 * from the host port the engine picked, on 127.0.0.1 only, and a virtio-net
 * device without its option ROM, which Rugo's boot does not need. Not
 * restrict=on: with it, libslirp (QEMU 7.2) drops the guest's replies to
 * forwarded datagrams, so the echo never comes back. */
static void argv_network(struct argv_buf *a, const struct vm_spec *spec)
{
	const struct fixture *f = spec->fixture;
	size_t len = 64;

	if (!f->machine.n_udp_ports || !spec->udp_host_ports)
		return;
	char *netdev = util_malloc(len + 48 * f->machine.n_udp_ports);
	int off = snprintf(netdev, len, "user,id=kiln-net");
	for (size_t i = 0; i < f->machine.n_udp_ports; i++)
		off += sprintf(netdev + off, ",hostfwd=udp:127.0.0.1:%d-:%d",
			       spec->udp_host_ports[i], f->machine.udp_ports[i]);
	argv_pair(a, "-netdev", netdev);
	argv_pair(a, "-device", util_strdup("virtio-net-pci,netdev=kiln-net,romfile="));
}

char **qemu_argv_build(const struct vm_spec *spec, const char *qmp_sock, const char *console_sock)
{
	struct argv_buf a = {0};
	char **machine = qemu_argv_machine(spec->fixture, spec->accel);

	for (size_t i = 0; machine[i]; i++)
		argv_add(&a, machine[i]);
	free(machine);
	argv_network(&a, spec);
	argv_add(&a, util_strdup("-S"));
	if (spec->incoming) /* the same machine, its state loaded over QMP */
		argv_pair(&a, "-incoming", util_strdup("defer"));
	argv_pair(&a, "-chardev", util_strdup_printf("socket,id=kiln-qmp,path=%s", qmp_sock));
	argv_pair(&a, "-mon", util_strdup("chardev=kiln-qmp,mode=control"));
	argv_pair(&a, "-chardev", util_strdup_printf("socket,id=kiln-con,path=%s", console_sock));
	argv_pair(&a, "-serial", util_strdup("chardev:kiln-con"));
	/* A reset or power-off pauses the guest instead of ending QEMU, so the
	 * failure capsule can still read its registers; the SHUTDOWN event says
	 * which it was (guest-reset is how a triple fault shows). */
	argv_pair(&a, "-action", util_strdup("reboot=shutdown,shutdown=pause"));
	/* QEMU names a triple fault only in its cpu_reset log. */
	argv_pair(&a, "-d", util_strdup("cpu_reset"));
	argv_pair(&a, "-D", util_strdup_printf("%s/qemu-debug.log", spec->case_dir));
	for (size_t i = 0; spec->extra_args && spec->extra_args[i]; i++)
		argv_add(&a, util_strdup(spec->extra_args[i]));
	return a.v;
}

void qemu_argv_free(char **argv)
{
	for (size_t i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}

json_t *qemu_argv_to_json(char *const *argv)
{
	json_t *arr = json_array();

	for (size_t i = 0; argv && argv[i]; i++)
		json_array_append_new(arr, json_string(argv[i]));
	return arr;
}
