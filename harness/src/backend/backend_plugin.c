/* backend_plugin.c: loading ring2 backends. See kiln/backend_plugin.h. */
#include "backend_plugin.h"

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kiln/lib/util.h"

/* The directory kiln's own binary is in: plugins are built beside it. */
static char *backend_plugin_dir(void)
{
	const char *env = getenv("KILN_PLUGIN_DIR");
	char self[PATH_MAX];
	ssize_t n;

	if (env && *env)
		return util_strdup(env);
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return util_strdup(".");
	self[n] = '\0';
	return util_dirname(self);
}

enum backend_plugin_error backend_plugin_load(const char *name, struct backend_plugin *out,
					      char *why, size_t why_len)
{
	char *dir = backend_plugin_dir();
	char *path = util_strdup_printf("%s/kiln-%s.so", dir, name);
	char *ops_sym = util_strdup_printf("backend_%s_ops", name);
	char *probe_sym = util_strdup_printf("backend_%s_probe", name);
	enum backend_plugin_error rc = BACKEND_PLUGIN_UNLOADABLE;
	void *h;

	memset(out, 0, sizeof(*out));
	if (access(path, F_OK) < 0) {
		snprintf(why, why_len, "%s: %s", path, strerror(errno));
		rc = BACKEND_PLUGIN_MISSING;
		goto cleanup;
	}
	/* RTLD_NODELETE: the plugin's threads and atexit handlers may outlive
	 * any handle we hold; it stays for the life of the process. */
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	if (!h) {
		snprintf(why, why_len, "%s", dlerror());
		goto cleanup;
	}
	out->ops = dlsym(h, ops_sym);
	*(void **)&out->probe = dlsym(h, probe_sym);
	if (!out->ops || !out->probe) {
		snprintf(why, why_len, "%s lacks %s or %s", path, ops_sym, probe_sym);
		memset(out, 0, sizeof(*out));
		goto cleanup;
	}
	rc = BACKEND_PLUGIN_OK;
cleanup:
	free(dir);
	free(path);
	free(ops_sym);
	free(probe_sym);
	return rc;
}
