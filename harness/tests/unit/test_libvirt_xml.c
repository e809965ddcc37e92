/* test_libvirt_xml.c: the domain XML of the libvirt backend
 * (lv_xml_build) and the debug-exit status it recovers from QEMU's
 * debug log (lv_debug_exit_status).
 *
 * The XML is checked by libvirt's own parser: it is defined on libvirt's
 * in-process test driver (test:///default, no daemon) and read back, so the
 * escaping is proven by what libvirt understood, not by string compares.
 * The <qemu:commandline>, which the test driver ignores, is read back with
 * a small unescaper. The debug log lines are real QEMU 7.2 trace output.
 * Built only with libvirt; otherwise it skips (exit 77).
 */
#include <stdio.h>
#include <stdlib.h>

#ifndef KILN_HAVE_LIBVIRT
int main(void)
{
	puts("test_libvirt_xml: kiln is built without libvirt: skipped");
	return 77;
}
#else
#include <check.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend/libvirt/backend_libvirt.h"
#include "kiln/lib/util.h"

#include "check_main.h"

static char tmp_root[256];

static void tmp_setup(void)
{
	snprintf(tmp_root, sizeof(tmp_root), "%s/kiln-test-lvxml-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tmp_root));
}

static void tmp_teardown(void)
{
	util_rm_rf(tmp_root);
}

/* Load a fixture from text written to <tmp>/area/case.json. */
static struct fixture *load(const char *text)
{
	char *dir = util_strdup_printf("%s/area", tmp_root);
	char *path = util_strdup_printf("%s/case.json", dir);
	char err[1024] = "";
	struct fixture *f;

	mkdir(dir, 0755);
	ck_assert_int_eq(util_write_file_atomic(path, text, strlen(text)), 0);
	f = fixture_load(path, err, sizeof(err));
	if (!f)
		ck_abort_msg("fixture: %s", err);
	free(dir);
	free(path);
	return f;
}

static char *build(const struct fixture *f, const char *accel, char **extra)
{
	struct vm_spec spec = {.fixture = f,
			       .case_dir = "rel/case",
			       .run_dir = "/run/kiln-x",
			       .accel = accel,
			       .extra_args = extra};

	return lv_xml_build(&spec, "kiln-test-dom", "/run/kiln-x/console.sock",
			    "rel/case/qemu-debug.log");
}

/* Define xml on the test driver and return libvirt's own XML of it. */
static char *libvirt_reads(const char *xml)
{
	virConnectPtr conn = virConnectOpen("test:///default");
	virDomainPtr dom;
	char *desc;

	ck_assert_ptr_nonnull(conn);
	dom = virDomainDefineXML(conn, xml);
	if (!dom)
		ck_abort_msg("libvirt rejected the XML: %s\n%s", virGetLastErrorMessage(), xml);
	desc = virDomainGetXMLDesc(dom, 0);
	ck_assert_ptr_nonnull(desc);
	virDomainFree(dom);
	virConnectClose(conn);
	return desc;
}

static void assert_has(const char *text, const char *want)
{
	if (!strstr(text, want))
		ck_abort_msg("missing: %s\nin:\n%s", want, text);
}

static const char guest_fixture[] =
	"{ \"guest\": { \"kernel\": \"k&r <1>.mb\",\n"
	"    \"cmdline\": \"a<b & c=\\\"d\\\" e='f'\",\n"
	"    \"disks\": [ { \"file\": \"d.img\", \"readonly\": true },\n"
	"               { \"file\": \"/abs/i.qcow2\", \"format\": \"qcow2\", \"interface\": \"ide\" } ] },\n"
	"  \"machine\": { \"type\": \"q35\", \"accel\": \"tcg\", \"memory_mb\": 64, \"cpus\": 2,\n"
	"    \"devices\": [ \"virtio-rng-pci,id=r\" ],\n"
	"    \"qemu_args\": [ \"-name\", \"a \\\"q\\\" & <b>\\nline2\" ] },\n"
	"  \"steps\": [ { \"expect\": \"x\" } ],\n"
	"  \"exit\": { \"debug_exit\": 0 } }\n";

START_TEST(guest_and_machine_as_libvirt_reads_them)
{
	struct fixture *f = load(guest_fixture);
	char *xml = build(f, "tcg", NULL);
	char *desc = libvirt_reads(xml);
	char *want;

	assert_has(desc, "<domain type='qemu'>");
	assert_has(desc, "<name>kiln-test-dom</name>");
	assert_has(desc, "<memory unit='KiB'>65536</memory>");
	assert_has(desc, "<vcpu placement='static'>2</vcpu>");
	assert_has(desc, "<type arch='x86_64' machine='q35'>hvm</type>");
	want = util_strdup_printf("<kernel>%s/area/k&amp;r &lt;1&gt;.mb</kernel>", tmp_root);
	assert_has(desc, want);
	free(want);
	assert_has(desc, "<cmdline>a&lt;b &amp; c=&quot;d&quot; e=&apos;f&apos;</cmdline>");
	assert_has(desc, "<acpi/>");
	assert_has(desc, "<on_reboot>destroy</on_reboot>");
	assert_has(desc, "<controller type='usb' index='0' model='none'/>");
	assert_has(desc, "<memballoon model='none'/>");
	assert_has(desc, "<source mode='bind' path='/run/kiln-x/console.sock'/>");
	assert_has(desc, "<target dev='vda' bus='virtio'/>");
	assert_has(desc, "<readonly/>");
	assert_has(desc, "<driver name='qemu' type='qcow2'/>");
	assert_has(desc, "<source file='/abs/i.qcow2'/>");
	assert_has(desc, "<target dev='hda' bus='ide'/>");
	free(desc);
	free(xml);
	fixture_free(f);
}
END_TEST

/* The values of every <qemu:arg value="..."/>, unescaped, one per line. */
static char *qemu_args_of(const char *xml)
{
	static const char *const ents[][2] = {{"&amp;", "&"},	{"&lt;", "<"},	 {"&gt;", ">"},
					      {"&quot;", "\""}, {"&#10;", "\n"}, {"&#13;", "\r"},
					      {"&#9;", "\t"}};
	char *out = util_strdup(""), *next;
	const char *p = xml;

	while ((p = strstr(p, "<qemu:arg value=\""))) {
		p += strlen("<qemu:arg value=\"");
		const char *end = strchr(p, '"');
		ck_assert_ptr_nonnull(end);
		char *val = calloc(1, (size_t)(end - p) + 1), *v = val;
		for (const char *q = p; q < end;) {
			size_t k;
			for (k = 0; k < sizeof(ents) / sizeof(ents[0]); k++)
				if (!strncmp(q, ents[k][0], strlen(ents[k][0])))
					break;
			if (k < sizeof(ents) / sizeof(ents[0])) {
				*v++ = ents[k][1][0];
				q += strlen(ents[k][0]);
			} else {
				ck_assert_msg(*q != '<' && *q != '&',
					      "unescaped %c in an attribute", *q);
				*v++ = *q++;
			}
		}
		next = util_strdup_printf("%s%s|", out, val);
		free(out);
		free(val);
		out = next;
		p = end;
	}
	return out;
}

START_TEST(commandline_carries_what_libvirt_has_no_element_for)
{
	struct fixture *f = load(guest_fixture);
	char *extra[] = {"-S", "x\ty", NULL};
	char *xml = build(f, "tcg", extra);
	char *args = qemu_args_of(xml);
	char cwd[PATH_MAX];
	char *want;

	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	/* The relative debug log becomes absolute: QEMU does not run here. */
	want = util_strdup_printf("-device|isa-debug-exit,iobase=0xf4,iosize=0x04|"
				  "-device|virtio-rng-pci,id=r|"
				  "-name|a \"q\" & <b>\nline2|"
				  "-d|cpu_reset|-trace|memory_region_ops_write|"
				  "-D|%s/rel/case/qemu-debug.log|-S|x\ty|",
				  cwd);
	ck_assert_str_eq(args, want);
	free(want);
	free(args);
	free(xml);
	fixture_free(f);
}
END_TEST

/* Another host: libvirt carries the console from a pty, QEMU logs it. */
START_TEST(console_of_another_host_is_a_logged_pty)
{
	struct fixture *f = load(guest_fixture);
	struct vm_spec spec = {
		.fixture = f, .case_dir = "rel/case", .run_dir = "/run/kiln-x", .accel = "tcg"};
	char *xml = lv_xml_build(&spec, "kiln-test-dom", NULL, "rel/case/qemu-debug.log");
	char *desc = libvirt_reads(xml);
	char cwd[PATH_MAX], *want;

	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	assert_has(desc, "<serial type='pty'>");
	want = util_strdup_printf("<log file='%s/rel/case/serial.log' append='off'/>", cwd);
	assert_has(desc, want);
	ck_assert_ptr_null(strstr(desc, "type='unix'"));
	free(want);
	free(desc);
	free(xml);
	fixture_free(f);
}
END_TEST

START_TEST(kvm_bios_modules_and_microvm)
{
	struct fixture *f = load(
		"{ \"guest\": { \"kernel\": \"/k\",\n"
		"    \"modules\": [ \"/m,1\", \"/m2\" ] },\n"
		"  \"machine\": { \"type\": \"microvm\", \"accel\": \"kvm\", \"bios\": \"/b.rom\" },\n"
		"  \"steps\": [ { \"expect\": \"x\" } ], \"exit\": { \"debug_exit\": 0 } }\n");
	char *xml = build(f, "kvm", NULL);

	assert_has(xml, "<domain type='kvm'");
	assert_has(xml, "<loader type='rom' readonly='yes'>/b.rom</loader>");
	/* One -initrd, as QEMU takes Multiboot modules; commas doubled. */
	assert_has(xml, "<initrd>/m,,1,/m2</initrd>");
	ck_assert_ptr_null(strstr(xml, "<acpi/>"));
	free(xml);
	fixture_free(f);
}
END_TEST

/* Lines as QEMU 7.2 writes them with -trace memory_region_ops_write. */
static const char serial_line[] = "18337@1795216153.837100:memory_region_ops_write cpu 0 mr "
				  "0x55a86e1a0000 addr 0x3f8 value 0x52 size 1 name 'serial'\n";
static const char exit16_line[] =
	"18337@1795216153.837205:memory_region_ops_write cpu 0 mr "
	"0x55a86e1906e0 addr 0xf4 value 0x10 size 4 name 'isa-debug-exit'\n";
static const char exit17_line[] = "memory_region_ops_write cpu 0 mr 0x55979474ace0 addr 0xf4 "
				  "value 0x11 size 4 name 'isa-debug-exit'\n";

START_TEST(debug_exit_status_from_the_trace)
{
	char *log = util_strdup_printf("CPU Reset (CPU 0)\nEAX=00000000\n%s%s%s", serial_line,
				       exit16_line, serial_line);

	ck_assert_int_eq(lv_debug_exit_status(log), 33); /* 0x10 << 1 | 1 */
	free(log);
	ck_assert_int_eq(lv_debug_exit_status(exit17_line), 35);
}
END_TEST

START_TEST(debug_exit_absent_or_damaged)
{
	ck_assert_int_eq(lv_debug_exit_status(NULL), -1);
	ck_assert_int_eq(lv_debug_exit_status(""), -1);
	ck_assert_int_eq(lv_debug_exit_status(serial_line), -1);
	/* The device named, but no value on its line: not a write we know. */
	ck_assert_int_eq(lv_debug_exit_status("value 0x10\naddr 0xf4 name 'isa-debug-exit'\n"), -1);
}
END_TEST

START_TEST(debug_exit_status_keeps_eight_bits)
{
	/* exit((0xff << 1) | 1): a process status keeps 0xff. */
	ck_assert_int_eq(lv_debug_exit_status("m value 0xff size 4 name 'isa-debug-exit'"), 0xff);
	ck_assert_int_eq(lv_debug_exit_status("m value 0x0 size 4 name 'isa-debug-exit'"), 1);
}
END_TEST

static Suite *libvirt_xml_suite(void)
{
	Suite *s = suite_create("libvirt_xml");
	TCase *xml = tcase_create("xml"), *exitc = tcase_create("debug_exit");

	tcase_add_checked_fixture(xml, tmp_setup, tmp_teardown);
	tcase_add_test(xml, guest_and_machine_as_libvirt_reads_them);
	tcase_add_test(xml, commandline_carries_what_libvirt_has_no_element_for);
	tcase_add_test(xml, kvm_bios_modules_and_microvm);
	tcase_add_test(xml, console_of_another_host_is_a_logged_pty);
	tcase_add_test(exitc, debug_exit_status_from_the_trace);
	tcase_add_test(exitc, debug_exit_absent_or_damaged);
	tcase_add_test(exitc, debug_exit_status_keeps_eight_bits);
	suite_add_tcase(s, xml);
	suite_add_tcase(s, exitc);
	return s;
}

int main(void)
{
	return check_main_run(libvirt_xml_suite());
}
#endif
