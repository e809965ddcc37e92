/* backend_libvirt_exit.c: the guest's isa-debug-exit code, recovered from
 * QEMU's debug log, because libvirt reports only "crashed".
 *
 * Owner: ring2 (libvirt). The domain runs with
 * `-trace memory_region_ops_write -D <case>/qemu-debug.log`; QEMU traces
 * every device write before the device sees it, so the write that makes
 * isa-debug-exit call exit() is the last line naming that device:
 *
 *   memory_region_ops_write cpu 0 mr 0x55.. addr 0xf4 value 0x10 size 4 name 'isa-debug-exit'
 *
 * QEMU then exits with (value << 1) | 1, of which a process status keeps the
 * low 8 bits. Nothing else writes that port, so the line is proof enough.
 */
#include <stdlib.h>
#include <string.h>

#include "backend_libvirt.h"

#define DEBUG_EXIT_MARK "name 'isa-debug-exit'"

int lv_debug_exit_status(const char *log_text)
{
	const char *hit = NULL, *line, *value;
	unsigned long long v;
	char *end;

	if (!log_text)
		return -1;
	for (const char *p = log_text; (p = strstr(p, DEBUG_EXIT_MARK)); p++)
		hit = p;
	if (!hit)
		return -1;
	for (line = hit; line > log_text && line[-1] != '\n'; line--)
		;
	value = strstr(line, " value 0x");
	if (!value || value > hit)
		return -1;
	v = strtoull(value + strlen(" value 0x"), &end, 16);
	if (end == value + strlen(" value 0x"))
		return -1;
	return (int)(((v << 1) | 1) & 0xff);
}
