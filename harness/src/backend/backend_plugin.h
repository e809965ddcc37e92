/* backend/backend_plugin.h: ring2 backends as plugins, loaded when selected.
 *
 * Owner: ring0 (provider selection). A ring2 backend is built as a shared
 * object beside the kiln binary (build/kiln-libvirt.so), not linked into
 * kiln: a run that never asks for libvirt never pays for loading libvirt
 * and its dozens of libraries. The plugin calls back into kiln (util_*,
 * qmp_*, ...), which kiln exports for it (-rdynamic).
 *
 * $KILN_PLUGIN_DIR overrides where plugins are looked for.
 */
#ifndef KILN_BACKEND_PLUGIN_H
#define KILN_BACKEND_PLUGIN_H

#include <stddef.h>

#include "kiln/backend/backend.h"

/* What a backend plugin gives kiln; the names are the plugin's exported
 * symbols "<name>_ops" and "<name>_probe". */
struct backend_plugin {
	const struct vm_ops *ops;
	/* Whether uri answers (see backend_libvirt_probe()). */
	int (*probe)(const char *uri, char *reason, size_t len);
};

enum backend_plugin_error {
	BACKEND_PLUGIN_OK = 0,
	BACKEND_PLUGIN_MISSING,	   /* no such file: this kiln was built without it */
	BACKEND_PLUGIN_UNLOADABLE, /* the file is there but does not load */
};

/* Load the plugin for backend name ("libvirt": kiln-libvirt.so). Loading
 * it again is cheap and gives the same plugin (the dynamic loader keeps one
 * copy). On failure why says what happened. */
enum backend_plugin_error backend_plugin_load(const char *name, struct backend_plugin *out,
					      char *why, size_t why_len);

#endif
