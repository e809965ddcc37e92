/* backend_libvirt_xml.c: a fixture as a libvirt domain (transient XML).
 *
 * Owner: ring2 (libvirt). The same guest and machine as qemu_argv.c builds
 * for the qemu backend: libvirt elements where libvirt has one (kernel,
 * cmdline, memory, vCPUs, disks, BIOS, the serial console), and
 * <qemu:commandline> for the rest (isa-debug-exit, the fixture's devices and
 * raw arguments, the debug log). libvirt's own defaults that QEMU's
 * -nodefaults would not have (USB controller, balloon, -no-acpi) are turned
 * off, so the guest sees the same machine under both backends.
 *
 * Every piece of text goes through xml_put(), which escapes it for both
 * element text and "-quoted attributes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend_libvirt.h"
#include "kiln/backend/qemu/qemu_argv.h"
#include "kiln/lib/text.h"
#include "kiln/lib/util.h"

/* Escaped text. Tab, CR and LF become character references: an XML parser
 * would turn them into spaces inside attribute values. */
static void xml_put(FILE *out, const char *s)
{
	char *esc = text_xml_escape(s, strlen(s));

	for (const char *p = esc; *p; p++) {
		if (*p == '\n')
			fputs("&#10;", out);
		else if (*p == '\r')
			fputs("&#13;", out);
		else if (*p == '\t')
			fputs("&#9;", out);
		else
			fputc(*p, out);
	}
	free(esc);
}

/* <name attrs>text</name> on a line of its own; attrs is our own literal. */
static void xml_elem(FILE *out, const char *indent, const char *name, const char *attrs,
		     const char *text)
{
	fprintf(out, "%s<%s%s>", indent, name, attrs);
	xml_put(out, text);
	fprintf(out, "</%s>\n", name);
}

/* QEMU under libvirtd runs in /, not in our directory. New string. */
static char *xml_abs_path(const char *path)
{
	char cwd[4096];

	if (path[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return util_strdup(path);
	return util_path_join(cwd, path);
}

static void xml_path_elem(FILE *out, const char *indent, const char *name, const char *attrs,
			  const char *path)
{
	char *abs = xml_abs_path(path);

	xml_elem(out, indent, name, attrs, abs);
	free(abs);
}

/* <emulator> only when KILN_QEMU names one: otherwise the host's libvirt
 * picks its own x86_64 QEMU, which is what a remote host needs. */
static void xml_emulator(FILE *out)
{
	const char *qemu = qemu_binary(), *asked = getenv("KILN_QEMU");
	char *found = NULL;

	if (!asked || !*asked)
		return;
	if (!strchr(qemu, '/')) {
		/* libvirt wants a path; resolve a bare name the way execvp would. */
		const char *path = getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin";
		char *dirs = util_strdup(path), *save = NULL;
		for (char *d = strtok_r(dirs, ":", &save); d && !found;
		     d = strtok_r(NULL, ":", &save)) {
			char *cand = util_path_join(*d ? d : ".", qemu);
			if (access(cand, X_OK) == 0)
				found = cand;
			else
				free(cand);
		}
		free(dirs);
	}
	xml_path_elem(out, "    ", "emulator", "", found ? found : qemu);
	free(found);
}

/* Multiboot modules, as QEMU's one comma-separated -initrd (libvirt passes
 * <initrd> through as it is), with absolute paths. NULL when none. */
static char *xml_modules(const struct fixture *f)
{
	struct fixture abs = *f;
	char **list;
	char *joined;

	if (!f->guest.n_modules)
		return NULL;
	list = util_calloc(f->guest.n_modules + 1, sizeof(char *));
	for (size_t i = 0; i < f->guest.n_modules; i++)
		list[i] = xml_abs_path(f->guest.modules[i]);
	abs.guest.modules = list;
	joined = qemu_argv_modules(&abs);
	for (size_t i = 0; i < f->guest.n_modules; i++)
		free(list[i]);
	free(list);
	return joined;
}

static void xml_os(FILE *out, const struct fixture *f)
{
	char *modules = xml_modules(f);

	fprintf(out, "  <os>\n    <type arch='x86_64' machine='");
	xml_put(out, f->machine.type);
	fprintf(out, "'>hvm</type>\n");
	/* type='rom' is how libvirt spells QEMU's -bios. */
	if (f->machine.bios)
		xml_path_elem(out, "    ", "loader", " type='rom' readonly='yes'", f->machine.bios);
	xml_path_elem(out, "    ", "kernel", "", f->guest.kernel);
	/* Under the qemu backend the modules' -initrd comes last and wins. */
	if (modules)
		xml_elem(out, "    ", "initrd", "", modules);
	else if (f->guest.initrd)
		xml_path_elem(out, "    ", "initrd", "", f->guest.initrd);
	if (f->guest.cmdline)
		xml_elem(out, "    ", "cmdline", "", f->guest.cmdline);
	fprintf(out, "  </os>\n");
	free(modules);
}

static void xml_disks(FILE *out, const struct fixture *f)
{
	int n_virtio = 0, n_ide = 0;

	for (size_t i = 0; i < f->guest.n_disks; i++) {
		const struct disk *d = &f->guest.disks[i];
		bool virtio = strcmp(d->interface, "virtio") == 0;
		char dev[8];

		/* The order QEMU's -drive if=... gives: vda, vdb, ...; hda, hdb. */
		snprintf(dev, sizeof(dev), "%s%c", virtio ? "vd" : "hd",
			 'a' + (virtio ? n_virtio++ : n_ide++) % 26);
		fprintf(out,
			"    <disk type='file' device='disk'>\n      <driver name='qemu' type='");
		xml_put(out, d->format);
		fprintf(out, "'/>\n      <source file='");
		char *abs = xml_abs_path(d->file);
		xml_put(out, abs);
		free(abs);
		fprintf(out, "'/>\n      <target dev='%s' bus='%s'/>\n", dev,
			virtio ? "virtio" : "ide");
		if (d->readonly)
			fprintf(out, "      <readonly/>\n");
		/* libvirt's snapshot=on; shareBacking opens the image read-only
		 * under a fresh overlay, so parallel domains can share it. */
		if (d->snapshot)
			fprintf(out, "      <transient shareBacking='yes'/>\n");
		fprintf(out, "    </disk>\n");
	}
}

static void xml_qemu_arg(FILE *out, const char *arg)
{
	fprintf(out, "    <qemu:arg value=\"");
	xml_put(out, arg);
	fprintf(out, "\"/>\n");
}

/* What libvirt has no element for, in the qemu backend's order. */
static void xml_commandline(FILE *out, const struct vm_spec *spec, const char *debug_log)
{
	const struct fixture *f = spec->fixture;
	char *log = xml_abs_path(debug_log);

	fprintf(out, "  <qemu:commandline>\n");
	xml_qemu_arg(out, "-device");
	xml_qemu_arg(out, QEMU_DEBUG_EXIT_DEVICE);
	for (size_t i = 0; i < f->machine.n_devices; i++) {
		xml_qemu_arg(out, "-device");
		xml_qemu_arg(out, f->machine.devices[i]);
	}
	for (size_t i = 0; i < f->machine.n_qemu_args; i++)
		xml_qemu_arg(out, f->machine.qemu_args[i]);
	/* cpu_reset: as under the qemu backend (a triple fault's registers).
	 * The trace: how the guest's debug-exit code survives libvirt. */
	xml_qemu_arg(out, "-d");
	xml_qemu_arg(out, "cpu_reset");
	xml_qemu_arg(out, "-trace");
	xml_qemu_arg(out, LIBVIRT_DEBUG_EXIT_TRACE);
	xml_qemu_arg(out, "-D");
	xml_qemu_arg(out, log);
	for (size_t i = 0; spec->extra_args && spec->extra_args[i]; i++)
		xml_qemu_arg(out, spec->extra_args[i]);
	fprintf(out, "  </qemu:commandline>\n");
	free(log);
}

char *lv_xml_build(const struct vm_spec *spec, const char *name, const char *console_path,
		   const char *debug_log)
{
	const struct fixture *f = spec->fixture;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = util_memstream(&buf, &len);
	fprintf(out, "<domain type='%s' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>\n",
		strcmp(spec->accel, "kvm") ? "qemu" : "kvm");
	xml_elem(out, "  ", "name", "", name);
	xml_elem(out, "  ", "description", "", f->path);
	fprintf(out, "  <memory unit='MiB'>%d</memory>\n  <vcpu>%d</vcpu>\n", f->machine.memory_mb,
		f->machine.cpus);
	xml_os(out, f);
	/* QEMU's default is ACPI on; without <acpi/> libvirt adds -no-acpi.
	 * microvm has no ACPI of the kind libvirt describes. */
	if (strcmp(f->machine.type, "microvm") != 0)
		fprintf(out, "  <features>\n    <acpi/>\n  </features>\n");
	/* A reset ends the domain, as -action reboot=shutdown does under the
	 * qemu backend; the SHUTDOWN event still says guest-reset. */
	fprintf(out, "  <on_poweroff>destroy</on_poweroff>\n  <on_reboot>destroy</on_reboot>\n"
		     "  <on_crash>destroy</on_crash>\n  <devices>\n");
	xml_emulator(out);
	xml_disks(out, f);
	if (console_path) {
		fprintf(out, "    <serial type='unix'>\n      <source mode='bind' path='");
		xml_put(out, console_path);
		fprintf(out, "'/>\n      <target port='0'/>\n    </serial>\n");
	} else {
		char *dir = xml_abs_path(spec->case_dir);
		char *log = util_strdup_printf("%s/" LIBVIRT_SERIAL_LOG, dir);
		fprintf(out, "    <serial type='pty'>\n      <log file='");
		xml_put(out, log);
		fprintf(out, "' append='off'/>\n      <target port='0'/>\n    </serial>\n");
		free(log);
		free(dir);
	}
	fprintf(out, "    <controller type='usb' model='none'/>\n"
		     "    <memballoon model='none'/>\n  </devices>\n");
	xml_commandline(out, spec, debug_log);
	fprintf(out, "</domain>\n");
	fclose(out);
	return buf;
}
