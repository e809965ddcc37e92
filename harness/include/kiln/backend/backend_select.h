/* kiln/backend/backend_select.h: which backend runs a run's guests, and on which
 * connections (hosts).
 *
 * Owner: ring0 core, the one place that knows the providers: the ring1 qemu
 * backend is always there; the ring2 libvirt backend only when its plugin
 * (kiln-libvirt.so beside kiln, see kiln/backend_plugin.h) loads and a
 * daemon answers. Selection follows the provider
 * policy of the rings design: it prints a tag on stderr (quiet under
 * JSON_ONLY=1), and a backend that was asked for and is missing fails fast,
 * with no silent fallback:
 *
 *   [provider/select:backend ring=2 src=dynamic]
 *   [failfast/provider/backend:libvirt_unavailable]
 *
 * It also keeps the books of scale-out: with several --connect URIs the
 * runner takes a connection for each case (up to -j cases on each), and a
 * connection whose host failed under a case gets no more cases; that case
 * runs again on another. docs/backends.md, docs/scale-out.md.
 */
#ifndef KILN_BACKEND_SELECT_H
#define KILN_BACKEND_SELECT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "kiln/backend/backend.h"

/* A daemon must answer within this, or the backend is unavailable. */
#define BACKEND_PROBE_TIMEOUT_MS 1500

struct backend_conn {
	const char *uri; /* as given to --connect (borrowed); NULL: the default */
	int running;	 /* cases running on it now */
	json_t *cases;	 /* names of the cases it finished, owned */
	bool failed;	 /* its host failed mid-run: no more cases */
	char *fail_reason;
};

struct backend_choice {
	const struct vm_ops *ops;
	struct backend_conn *conns; /* at least one */
	size_t n_conns;
	int retries;	 /* cases run again after their host failed */
	json_t *retried; /* [{case, from, reason, dir}], owned */
};

/* Choose: requested is --backend's value, or NULL for $KILN_BACKEND, else
 * "auto" (libvirt when URIs are given, else qemu). uris (borrowed) are the
 * --connect values. Returns 0 with *out filled, KILN_EXIT_USAGE for an
 * unknown name or URIs for a backend without connections, or
 * KILN_EXIT_BACKEND after the fail-fast tag and a line saying why. Bounded:
 * every URI is probed at once, within BACKEND_PROBE_TIMEOUT_MS. */
int backend_select(const char *requested, char *const *uris, size_t n_uris,
		   struct backend_choice *out);
/* Free what *b owns (b itself is the caller's). Accepts a zeroed one. */
void backend_choice_free(struct backend_choice *b);

/* A live connection with fewer than jobs cases running (the least loaded),
 * marked as running one more; -1 when there is none. */
int backend_conn_take(struct backend_choice *b, int jobs);

/* The case the runner started on conn ended with record rec (case.json,
 * borrowed). True when its host failed under it ("host_failed" in rec), the
 * connection is now out of the run, and another live connection can run it
 * again. */
bool backend_conn_done(struct backend_choice *b, int conn, const json_t *rec);

/* True while at least one connection has not failed. */
bool backend_conn_any_alive(const struct backend_choice *b);

/* After backend_conn_done() said to retry: note the failed attempt (rec,
 * borrowed) and where its directory was kept (relative to the run). */
void backend_retry_note(struct backend_choice *b, const json_t *rec, const char *kept_dir);

/* Add the books to report.json (report, borrowed): "connections", one
 * {uri, cases, failed, reason} per --connect, and "retried". */
void backend_report(const struct backend_choice *b, json_t *report);

#endif
