/* kiln/backend/backend.h: how the engine starts and talks to a guest.
 *
 * Owner: ring0 defines this interface; ring1 (qemu, backend_qemu.c) and ring2
 * (libvirt) providers implement it. Every backend gives the engine the same
 * channels: a console byte stream (a connected fd), a QMP-like control
 * channel (execute, events), the exit status and, on request, a gdbstub.
 * start() returns the guest paused; the engine attaches to every channel
 * and only then calls resume(), so not one byte of output is lost.
 */
#ifndef KILN_BACKEND_H
#define KILN_BACKEND_H

#include <jansson.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "kiln/backend/qmp.h"
#include "kiln/fixture/fixture.h"

struct vm_spec {
	const struct fixture *fixture;
	const char *case_dir; /* reports/<run>/<case>: logs go here */
	const char *run_dir;  /* private 0700 directory for sockets */
	const char *accel;    /* resolved: "tcg" or "kvm" */
	int64_t t0_ms;	      /* util_now_ms() at start, the time base */
	FILE *qmp_log;	      /* transcript, borrowed */
	char **extra_args;    /* more QEMU arguments (NULL-terminated) or NULL */
	double start_timeout_s;
	const char *connect_uri; /* libvirt: the host to run on; NULL: default */
	/* Start waiting for a saved state (QEMU's -incoming defer) instead of
	 * booting: the engine then restores it over QMP (migrate-incoming). */
	bool incoming;
	/* The host ports on 127.0.0.1 that the engine picked for the
	 * fixture's machine.network.udp ports, in the same order (NULL when
	 * the fixture has no network). */
	const int *udp_host_ports;
};

enum vm_start_error {
	VM_START_OK = 0,
	VM_START_QEMU_FAILED, /* QEMU died before the QMP greeting */
	VM_START_HARNESS,     /* our side failed (sockets, fork, ...) */
	VM_START_HOST_FAILED, /* the host is unusable (libvirt connection) */
};

struct vm_exit {
	bool exited;
	bool signaled;
	int status; /* exit status when !signaled */
	int signal; /* terminating signal when signaled */
};

struct vm;

struct vm_ops {
	const char *name;
	int ring;
	/* It can give a fixture's machine.network (QEMU's user-mode network
	 * with ports forwarded on 127.0.0.1); the engine refuses such a case
	 * on a backend that cannot. */
	bool user_network;
	/* Start the guest paused. On failure *vm is NULL and reason says why
	 * (for VM_START_QEMU_FAILED: QEMU's own words, first line). */
	enum vm_start_error (*start)(const struct vm_spec *spec, struct vm **vm, char *reason,
				     size_t reason_len);
	int (*execute)(struct vm *vm, const char *command, json_t *args, int64_t deadline_ms,
		       json_t **ret, struct qmp_error *err);
	int (*resume)(struct vm *vm, int64_t deadline_ms, struct qmp_error *err);
	/* Fds to poll besides the console (control channel, exit notice). */
	size_t (*poll_fds)(struct vm *vm, struct pollfd *fds, size_t max);
	/* Handle readiness on those fds: read control messages, notice exit. */
	void (*dispatch)(struct vm *vm, const struct pollfd *fds, size_t n);
	json_t *(*event_take)(struct vm *vm, const char *name, const json_t *data);
	/* End the guest if it still runs (bounded: SIGTERM, grace, SIGKILL) and
	 * reap it. Idempotent. */
	void (*stop)(struct vm *vm, int grace_ms);
	void (*free)(struct vm *vm);
};

/* The parts of a running guest every backend fills in. */
struct vm {
	const struct vm_ops *ops;
	int console_fd;
	struct vm_exit exit;
	json_t *facts; /* backend facts for case.json (argv, pid, ...), owned */
	/* The backend lost the guest with its host (a libvirt connection
	 * closed): the case is a harness error the runner may retry elsewhere. */
	bool host_lost;
	void *priv;
};

extern const struct vm_ops backend_qemu_ops;

#endif
