/* backend/libvirt/backend_libvirt.h: the ring2 libvirt backend.
 *
 * Owner: ring2 (libvirt). Compiled only when pkg-config finds libvirt and
 * libvirt-qemu (KILN_HAVE_LIBVIRT); ring0 reaches it only through
 * backend_select.c. The guest runs as a transient libvirt domain, created
 * paused from XML generated here, on the connection the runner assigns
 * (vm_spec.connect_uri; NULL is libvirt's default URI). Docs:
 * docs/backends.md (how each channel maps), docs/scale-out.md (many hosts).
 *
 * Names: everything of the backend is lv_*, except the plugin's two entry
 * points, backend_libvirt_ops and backend_libvirt_probe, whose names the
 * plugin loader derives from the backend's name (backend_<name>_ops and
 * backend_<name>_probe, backend/backend_plugin.c), as for backend_qemu_ops.
 */
#ifndef KILN_BACKEND_LIBVIRT_H
#define KILN_BACKEND_LIBVIRT_H

#include <stddef.h>

#include "kiln/backend/backend.h"

extern const struct vm_ops backend_libvirt_ops;

/* Open and close a connection to uri (NULL: the default), to learn whether
 * a daemon answers there. Blocking; the caller bounds it (backend_select.c
 * runs it in a child it kills at its deadline). 0, or -1 with libvirt's
 * words in reason. */
int backend_libvirt_probe(const char *uri, char *reason, size_t len);

/* backend_libvirt_xml.c: the domain XML for spec, named name, with the
 * serial console on a unix socket QEMU listens on (console_path), or on a
 * pty when console_path is NULL (a host that is not this one: libvirt
 * carries the console, and QEMU also logs it to LIBVIRT_SERIAL_LOG in the
 * case directory), and QEMU's debug log (-D) in debug_log. Every path in it is absolute: the daemon's
 * QEMU does not run in our directory. New string. */
char *lv_xml_build(const struct vm_spec *spec, const char *name, const char *console_path,
		   const char *debug_log);

/* backend_libvirt_exit.c: libvirt does not pass on QEMU's exit status, so
 * the guest's isa-debug-exit write is traced into QEMU's debug log (see
 * docs/backends.md). From that log's text: the status QEMU exited with,
 * ((value << 1) | 1) & 0xff, or -1 when the guest never wrote the port. */
int lv_debug_exit_status(const char *log_text);

/* The serial port as QEMU logs it, under a console carried by libvirt. */
#define LIBVIRT_SERIAL_LOG "serial.log"

/* The -trace argument that makes the write above visible. */
#define LIBVIRT_DEBUG_EXIT_TRACE "memory_region_ops_write"

#endif
