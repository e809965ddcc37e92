/* engine/case_ctx.h: the state of one running case, shared by the parts of
 * the case engine (case_run.c drives steps, case_console.c takes console
 * bytes, capsule.c saves evidence; the report module writes case.json from the facts
 * case_run.c hands it).
 *
 * Owner: ring0 core. Nothing outside the case engine includes this.
 */
#ifndef KILN_CASE_CTX_H
#define KILN_CASE_CTX_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "console.h"
#include "kiln/backend/backend.h"
#include "kiln/diag/diag.h"
#include "kiln/engine/case_run.h"
#include "kiln/lib/util.h"

struct case_ctx {
	const struct fixture *f;
	const struct case_opts *opts;
	const char *case_dir;
	struct vm *vm;
	struct console *con;
	int console_log_fd;
	uint64_t console_logged;  /* bytes written to console.log */
	uint64_t console_log_cap; /* ... and where it stops (case_console_log_cap) */
	FILE *qmp_log;
	int64_t t0; /* util_now_ms() when QEMU was started */
	/* Where the silence deadline counts from: t0, or for a case restored
	 * from a base the end of the restore (the base has spoken already). */
	int64_t silence_t0;
	json_t *base_facts; /* case.json "base" for a base or a restored case */

	size_t step; /* index of the step being waited on */
	int64_t step_start;
	struct console_scan scan;	  /* for an expect step */
	struct console_scan *child_scans; /* for an unordered group */
	bool *child_done;
	uint64_t group_end;
	uint64_t cursor; /* end of the last match */

	struct console_scan *fail_scans;
	bool *fail_armed;
	uint64_t line_off;    /* marker policy: next line to look at */
	json_t *seen_markers; /* set of marker lines seen */

	json_t *steps;	 /* per-step records for case.json */
	json_t *markers; /* matches in order: {step, pattern, text, t_ms} */
	char *last_marker;
	int64_t last_marker_ms;
	const char *accel_used;

	/* The fail pattern that matched, so the reason can show its whole line
	 * once the grace read has brought the rest of it. */
	const struct fail_pattern *fail_hit;
	struct console_match fail_match;
	bool fail_checking;  /* case_console_check is advancing the steps */
	json_t *fail_record; /* case.json "fail_match" */

	bool finished;
	enum outcome outcome;
	char reason[1024];
	json_t *capsule;
	json_t *diagnostics; /* SMOKES_* findings of a case that did not pass */
	struct ktap *ktap;   /* "results": the parser, while the console streams */
	json_t *subtests;    /* "results": what it found, at the verdict */
	/* The normalizer reads the console as it arrives, so a failing case's
	 * diagnostics need no second pass over console.log (which stops at its
	 * cap; the scan does not). */
	struct diag_set *diag;
	struct diag_scan *diag_console;
	bool host_failed; /* the backend's host failed: the runner may retry */
	struct {
		int host_ports[8]; /* per machine.network.udp port (fixture.c: at most 8) */
		int fds[8];	   /* Kiln's socket to each, or -1 */
		bool sent;	   /* the current udp_send step has sent */
		double sent_at;	   /* when, in fractional monotonic ms */
		int64_t sent_ms;   /* when, in util_now_ms() */
		json_t *facts;	   /* case.json "network", or NULL */
	} net;
};

/* Set the verdict once; later calls are ignored (the first cause wins). */
void case_verdict(struct case_ctx *c, enum outcome o, const char *fmt, ...) KILN_PRINTF(3, 4);

/* case_run.c: pass every step that can complete now (in order), and
 * check the end once the last has. */
void case_advance(struct case_ctx *c);

/* case_console.c */
int case_console_open_log(struct case_ctx *c);
/* Read what the console has now; false at end of file. */
bool case_console_read(struct case_ctx *c);
/* Look for armed fail patterns and marker-policy violations in new bytes. */
void case_console_check(struct case_ctx *c);
/* Keep reading the console and the backend's channels until QEMU has
 * ended and all its output is read, or ms pass; true when QEMU has ended.
 * After a fail pattern it brings the rest of the panic message (and QEMU's
 * exit status, part of the evidence); after a failed `cont` it tells a guest
 * that ended at once from a harness error. */
bool case_console_drain(struct case_ctx *c, int ms);
/* The guest_panicked verdict, its reason naming the whole matching line;
 * called again after the drain, when more of the line has arrived. */
void case_console_fail_verdict(struct case_ctx *c);

/* case_net.c: machine.network and the udp_send step. */
int case_net_pick_ports(struct case_ctx *c, char *why, size_t len);
/* Did QEMU fail because a picked port was taken meanwhile? */
bool case_net_port_taken(const struct case_ctx *c, const char *qemu_reason);
int case_net_connect(struct case_ctx *c, char *why, size_t len);
void case_net_close(struct case_ctx *c);
/* The socket to poll while the current udp_send step waits, or -1. */
int case_net_fd(const struct case_ctx *c);
/* Send (once) and take the reply; true when the step is done. */
bool case_net_try(struct case_ctx *c, const struct step *s);
/* At the step's deadline: a udp_send waiting for its reply fails with the
 * step named; true when it did. */
bool case_net_no_reply(struct case_ctx *c);

/* capsule.c: registers, status, console tail, last marker. New reference. */
json_t *capsule_collect(struct case_ctx *c);

/* case_diag.c: the diagnostics of a case. case_diag_start() is called
 * before the first console byte; case_diag_feed() takes every console byte
 * as it arrives. case_diag_collect() is for a case that did not pass: call
 * it before Kiln stops QEMU, because what QEMU says and how it ends after
 * that is Kiln's doing, not the guest's; it adds QEMU's stderr and its end
 * and returns the findings (new reference). case_diag_free() is safe to
 * call once whatever happened before. */
void case_diag_start(struct case_ctx *c);
void case_diag_feed(struct case_ctx *c, const char *buf, size_t len);
json_t *case_diag_collect(struct case_ctx *c);
void case_diag_free(struct case_ctx *c);

/* case_ktap.c: "results" parsed as the console streams, then judged once
 * the verdict is known (the case fails on a malformed stream). */
void case_ktap_feed(struct case_ctx *c, const char *buf, size_t len);
void case_ktap_finish(struct case_ctx *c);

/* case_crash.c: a failing case's "title" and symbolized "crash" (from the
 * console and c->diagnostics), added to record. */
void case_crash_add(const struct case_ctx *c, json_t *record);

#endif
