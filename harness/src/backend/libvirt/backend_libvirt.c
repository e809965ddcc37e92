/* backend_libvirt.c: the ring2 backend that runs the guest as a transient
 * libvirt domain. See kiln/backend_libvirt.h and docs/backends.md.
 *
 * start() registers the callbacks, starts the QMP bridge, writes the domain
 * XML to the case directory and creates the domain paused (with
 * auto-destroy, so a worker that dies takes its domain with it), then
 * attaches to the serial console: the unix socket QEMU listens on, or, on
 * another host, libvirt's console stream (backend_libvirt_console.c). The
 * engine resumes the guest only after that, through the bridge's `cont`
 * (virDomainResume), so not one byte of output is lost.
 *
 * The exit: libvirt's lifecycle event says the domain stopped; the status
 * comes from QEMU's debug log (backend_libvirt_exit.c). A connection that
 * closes under us sets vm.host_lost.
 */
#include <errno.h>
#include <fcntl.h>
#include <libvirt/virterror.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "backend_libvirt.h"
#include "backend_libvirt_link.h"
#include "kiln/lib/util.h"

/* Keepalive: a host that stops answering is given up after about 15 s. */
#define LV_KEEPALIVE_INTERVAL_S 5
#define LV_KEEPALIVE_COUNT 3

struct lv_vm {
	struct vm vm;
	virConnectPtr conn;
	virDomainPtr dom;
	struct lv_link *link;
	struct lv_watch watch;
	struct lv_bridge *bridge;
	struct qmp *qmp;
	struct lv_console *console; /* another host's console, or NULL */
	bool remote;		    /* the daemon is not on this host */
	int notify_rd;
	char *debug_log;
	int kill_signal; /* what our destroy amounted to, 0 when we did not */
};

/* libvirt prints errors on stderr by default; ours go into reasons. */
static void lv_quiet(void *unused, virErrorPtr err)
{
	(void)unused;
	(void)err;
}

int backend_libvirt_probe(const char *uri, char *reason, size_t len)
{
	virConnectPtr conn;

	virSetErrorFunc(NULL, lv_quiet);
	/* qemu:///embed runs the driver in this process: it needs the loop. */
	if (lv_event_loop_start() < 0) {
		snprintf(reason, len, "cannot start libvirt's event loop");
		return -1;
	}
	conn = virConnectOpen(uri);
	if (!conn) {
		snprintf(reason, len, "%s", virGetLastErrorMessage());
		return -1;
	}
	virConnectClose(conn);
	return 0;
}

/* A domain name unique on the daemon, which several kiln machines may
 * share, and readable in `virsh list`. */
static char *lv_domain_name(const struct fixture *f)
{
	uint32_t tag = 0;
	char *name;

	if (getrandom(&tag, sizeof(tag), 0) != sizeof(tag))
		tag = (uint32_t)util_now_ms();
	name = util_strdup_printf("kiln-%d-%08x-%s", (int)getpid(), tag, f->name);
	for (char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.'))
			*p = '_';
	return name;
}

static int lv_connect_console(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	util_fd_nonblock_cloexec(fd);
	return fd;
}

/* Whether uri names a host (qemu+ssh://lab3/system): then QEMU's sockets
 * are on that host, out of our reach. */
static bool lv_uri_is_remote(const char *uri)
{
	const char *auth = uri ? strstr(uri, "://") : NULL;

	return auth && auth[3] && auth[3] != '/';
}

/* QEMU's words from libvirt's error, as the qemu backend gives them: the
 * first line that says something, without libvirt's and QEMU's prefixes. */
static void lv_start_reason(const char *msg, char *reason, size_t len)
{
	static const char *const prefixes[] = {
		"internal error: ", "process exited while connecting to monitor: ",
		"qemu unexpectedly closed the monitor: ", NULL};
	const char *p = msg ? msg : "libvirt gave no reason";

	for (size_t i = 0; prefixes[i]; i++)
		if (!strncmp(p, prefixes[i], strlen(prefixes[i])))
			p += strlen(prefixes[i]);
	/* QEMU's log lines: "2024-01-01T00:00:00.000000Z qemu-system-x86_64: ..." */
	const char *q = strstr(p, "qemu-system-");
	if (q && (q = strstr(q, ": ")))
		p = q + 2;
	snprintf(reason, len, "%.*s", (int)strcspn(p, "\n"), p);
}

static struct lv_vm *lv_vm_new(void)
{
	struct lv_vm *v = util_calloc(1, sizeof(*v));

	v->vm.ops = &backend_libvirt_ops;
	v->vm.console_fd = -1;
	v->vm.priv = v;
	v->vm.facts = json_object();
	v->notify_rd = -1;
	return v;
}

static void lv_fact(struct lv_vm *v, const char *key, const char *value)
{
	if (value)
		json_object_set_new(v->vm.facts, key, json_string(value));
}

/* The connection, its facts, and the link with its callbacks and bridge. */
static enum vm_start_error lv_open(struct lv_vm *v, const struct vm_spec *spec, const char *name,
				   char *reason, size_t len)
{
	int sv[2] = {-1, -1}, pv[2] = {-1, -1};
	unsigned long hv = 0;
	char version[32], *text;

	if (lv_event_loop_start() < 0) {
		snprintf(reason, len, "libvirt: cannot start the event loop");
		return VM_START_HARNESS;
	}
	virSetErrorFunc(NULL, lv_quiet);
	v->conn = virConnectOpen(spec->connect_uri);
	if (!v->conn) {
		snprintf(reason, len, "libvirt: cannot connect to %s: %s",
			 spec->connect_uri ? spec->connect_uri : "the default URI",
			 virGetLastErrorMessage());
		return VM_START_HOST_FAILED;
	}
	/* Not every driver has keepalives (embed has no connection to lose). */
	virConnectSetKeepAlive(v->conn, LV_KEEPALIVE_INTERVAL_S, LV_KEEPALIVE_COUNT);
	virConnectGetVersion(v->conn, &hv);
	snprintf(version, sizeof(version), "%lu.%lu.%lu", hv / 1000000, hv / 1000 % 1000,
		 hv % 1000);
	lv_fact(v, "qemu_version", version);
	text = virConnectGetURI(v->conn);
	lv_fact(v, "connect", text);
	v->remote = lv_uri_is_remote(text);
	lv_fact(v, "console", v->remote ? "libvirt stream (pty)" : "unix socket");
	free(text);
	text = virConnectGetHostname(v->conn);
	lv_fact(v, "host", text);
	free(text);
	lv_fact(v, "domain", name);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0 ||
	    pipe2(pv, O_CLOEXEC | O_NONBLOCK) < 0) {
		snprintf(reason, len, "socketpair/pipe: %s", strerror(errno));
		if (sv[0] >= 0) {
			close(sv[0]);
			close(sv[1]);
		}
		return VM_START_HARNESS;
	}
	v->qmp = qmp_new(sv[0], spec->qmp_log, spec->t0_ms);
	v->notify_rd = pv[0];
	v->link = lv_link_new(name, sv[1], pv[1]);
	if (lv_watch_start(&v->watch, v->conn, v->link) < 0) {
		snprintf(reason, len, "libvirt: cannot register for events: %s",
			 virGetLastErrorMessage());
		return virConnectIsAlive(v->conn) == 1 ? VM_START_HARNESS : VM_START_HOST_FAILED;
	}
	v->bridge = lv_bridge_start(v->link, hv);
	if (!v->bridge) {
		snprintf(reason, len, "cannot start the QMP bridge thread");
		return VM_START_HARNESS;
	}
	return VM_START_OK;
}

/* Create the domain paused from the XML, saved in the case directory. */
static enum vm_start_error lv_create(struct lv_vm *v, const struct vm_spec *spec, const char *name,
				     const char *console_path, char *reason, size_t len)
{
	char *xml = lv_xml_build(spec, name, console_path, v->debug_log);
	char *path = util_strdup_printf("%s/domain.xml", spec->case_dir);
	enum vm_start_error ret = VM_START_OK;

	util_write_file_atomic(path, xml, strlen(xml));
	lv_fact(v, "domain_xml", "domain.xml");
	v->dom = virDomainCreateXML(v->conn, xml,
				    VIR_DOMAIN_START_PAUSED | VIR_DOMAIN_START_AUTODESTROY);
	if (!v->dom) {
		/* A copy: the next libvirt call replaces the last error. */
		char *msg = util_strdup(virGetLastErrorMessage());
		char *err_path = util_strdup_printf("%s/qemu.stderr", spec->case_dir);
		/* The nearest thing to QEMU's stderr we have: libvirt quotes it. */
		char *text = util_strdup_printf("%s\n", msg);
		util_write_file_atomic(err_path, text, strlen(text));
		free(err_path);
		free(text);
		if (virConnectIsAlive(v->conn) != 1) {
			snprintf(reason, len, "libvirt: lost the connection: %s", msg);
			ret = VM_START_HOST_FAILED;
		} else {
			lv_start_reason(msg, reason, len);
			ret = VM_START_QEMU_FAILED;
		}
		free(msg);
	} else {
		char uuid[VIR_UUID_STRING_BUFLEN];
		if (virDomainGetUUIDString(v->dom, uuid) == 0)
			lv_fact(v, "uuid", uuid);
		pthread_mutex_lock(&v->link->lock);
		virDomainRef(v->dom);
		v->link->dom = v->dom;
		pthread_mutex_unlock(&v->link->lock);
	}
	free(xml);
	free(path);
	return ret;
}

static enum vm_start_error lv_start(const struct vm_spec *spec, struct vm **out, char *reason,
				    size_t reason_len)
{
	struct lv_vm *v = lv_vm_new();
	char *name = lv_domain_name(spec->fixture);
	char *console_path = NULL;
	int64_t deadline = util_now_ms() + (int64_t)(spec->start_timeout_s * 1000);
	struct qmp_error qerr;
	enum vm_start_error ret;

	*out = NULL;
	v->debug_log = util_strdup_printf("%s/qemu-debug.log", spec->case_dir);
	ret = lv_open(v, spec, name, reason, reason_len);
	if (ret == VM_START_OK && !v->remote)
		console_path = util_strdup_printf("%s/console.sock", spec->run_dir);
	if (ret == VM_START_OK)
		ret = lv_create(v, spec, name, console_path, reason, reason_len);
	if (ret != VM_START_OK)
		goto cleanup;
	ret = VM_START_HARNESS;
	if (v->remote) {
		char *log = util_strdup_printf("%s/" LIBVIRT_SERIAL_LOG, spec->case_dir);
		int rc = lv_console_open(v->dom, log, &v->vm.console_fd, &v->console, reason,
					 reason_len);
		free(log);
		if (rc < 0)
			goto cleanup;
	} else if ((v->vm.console_fd = lv_connect_console(console_path)) < 0) {
		snprintf(reason, reason_len, "cannot connect to the console %s: %s", console_path,
			 strerror(errno));
		goto cleanup;
	}
	if (qmp_handshake(v->qmp, deadline, &qerr) != QMP_OK) {
		snprintf(reason, reason_len, "QMP bridge handshake: %s: %s",
			 qmp_status_name(qerr.status), qerr.desc);
		goto cleanup;
	}
	*out = &v->vm;
	ret = VM_START_OK;
cleanup:
	free(name);
	free(console_path);
	if (ret != VM_START_OK) {
		backend_libvirt_ops.stop(&v->vm, 0);
		backend_libvirt_ops.free(&v->vm);
	}
	return ret;
}

static int lv_execute(struct vm *vm, const char *command, json_t *args, int64_t deadline_ms,
		      json_t **ret, struct qmp_error *err)
{
	struct lv_vm *v = vm->priv;

	return qmp_execute(v->qmp, command, args, deadline_ms, ret, err);
}

static int lv_resume(struct vm *vm, int64_t deadline_ms, struct qmp_error *err)
{
	return lv_execute(vm, "cont", NULL, deadline_ms, NULL, err);
}

static size_t lv_poll_fds(struct vm *vm, struct pollfd *fds, size_t max)
{
	struct lv_vm *v = vm->priv;
	size_t n = 0;

	/* QMP first: events sent before the stop notice are read before it. */
	n += qmp_poll_add(v->qmp, fds, max);
	if (n < max && v->notify_rd >= 0 && !vm->exit.exited && !vm->host_lost)
		fds[n++] = (struct pollfd){v->notify_rd, POLLIN, 0};
	return n;
}

/* The domain stopped: how, from the debug log or else libvirt's reason. */
static void lv_set_exit(struct lv_vm *v, int detail)
{
	char *log = util_read_file(v->debug_log, NULL);
	int status = lv_debug_exit_status(log);
	struct vm_exit *e = &v->vm.exit;

	free(log);
	e->exited = true;
	if (status >= 0) {
		e->status = status;
	} else if (v->kill_signal) {
		e->signaled = true;
		e->signal = v->kill_signal;
	} else if (detail == VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN) {
		e->status = 0;
	} else {
		/* Crashed or failed: libvirt keeps the status to itself. Signal
		 * 0 says "ended, cause unknown"; stop_reason has libvirt's word. */
		e->signaled = true;
		e->signal = 0;
	}
	json_object_set_new(v->vm.facts, "stop_reason",
			    json_string(detail == VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN    ? "shutdown"
					: detail == VIR_DOMAIN_EVENT_STOPPED_DESTROYED ? "destroyed"
					: detail == VIR_DOMAIN_EVENT_STOPPED_CRASHED   ? "crashed"
					: detail == VIR_DOMAIN_EVENT_STOPPED_FAILED    ? "failed"
										       : "other"));
}

/* Take what the callbacks reported. */
static void lv_take_notice(struct lv_vm *v)
{
	struct qmp_error err;
	bool stopped, lost, raced;
	int detail;
	char drain[64];

	while (read(v->notify_rd, drain, sizeof(drain)) > 0)
		;
	pthread_mutex_lock(&v->link->lock);
	stopped = v->link->stopped;
	lost = v->link->lost;
	detail = v->link->stop_detail;
	raced = v->link->resume_raced;
	pthread_mutex_unlock(&v->link->lock);
	if (raced)
		json_object_set_new(v->vm.facts, "exited_during_resume", json_true());
	if (stopped && !v->vm.exit.exited) {
		qmp_pump(v->qmp, &err); /* events the guest sent before it ended */
		lv_set_exit(v, detail);
	}
	if (lost && !stopped && !v->vm.host_lost) {
		v->vm.host_lost = true;
		pthread_mutex_lock(&v->link->lock);
		lv_fact(v, "host_lost", v->link->lost_reason);
		pthread_mutex_unlock(&v->link->lock);
	}
}

static void lv_dispatch(struct vm *vm, const struct pollfd *fds, size_t n)
{
	struct lv_vm *v = vm->priv;

	for (size_t i = 0; i < n; i++) {
		if (!fds[i].revents)
			continue;
		if (v->qmp && fds[i].fd == qmp_fd(v->qmp)) {
			struct qmp_error err;
			qmp_pump(v->qmp, &err); /* a closed bridge: the exit notice follows */
		} else if (fds[i].fd == v->notify_rd) {
			lv_take_notice(v);
		}
	}
}

static json_t *lv_event_take(struct vm *vm, const char *name, const json_t *data)
{
	struct lv_vm *v = vm->priv;

	return v->qmp ? qmp_event_take(v->qmp, name, data) : NULL;
}

/* Destroy the domain: SIGTERM first when there is a grace period (libvirt's
 * graceful destroy), then for good. Bounded by libvirt's own waits. */
static void lv_stop(struct vm *vm, int grace_ms)
{
	struct lv_vm *v = vm->priv;

	if (!v->dom || vm->exit.exited || vm->host_lost)
		return;
	if (grace_ms > 0 && virDomainDestroyFlags(v->dom, VIR_DOMAIN_DESTROY_GRACEFUL) == 0)
		v->kill_signal = SIGTERM;
	else if (virDomainDestroy(v->dom) == 0)
		v->kill_signal = SIGKILL;
	/* Destroyed, or it had ended already: the notice says which. */
	lv_link_wait(v->link, grace_ms > 0 ? grace_ms : 1000);
	lv_take_notice(v);
	if (!vm->exit.exited && v->kill_signal) {
		vm->exit.exited = true;
		vm->exit.signaled = true;
		vm->exit.signal = v->kill_signal;
	}
}

static void lv_free(struct vm *vm)
{
	struct lv_vm *v;

	if (!vm)
		return;
	v = vm->priv;
	qmp_free(v->qmp); /* the bridge reads end of file */
	lv_bridge_stop(v->bridge);
	if (v->conn)
		lv_watch_stop(&v->watch);
	if (vm->console_fd >= 0)
		close(vm->console_fd);
	lv_console_close(v->console);
	if (v->notify_rd >= 0)
		close(v->notify_rd);
	if (v->dom)
		virDomainFree(v->dom);
	/* Closing also ends the domain if it still runs (auto-destroy). */
	if (v->conn)
		virConnectClose(v->conn);
	lv_link_unref(v->link);
	json_decref(vm->facts);
	free(v->debug_log);
	free(v);
}

const struct vm_ops backend_libvirt_ops = {
	.name = "libvirt",
	.ring = 2,
	.start = lv_start,
	.execute = lv_execute,
	.resume = lv_resume,
	.poll_fds = lv_poll_fds,
	.dispatch = lv_dispatch,
	.event_take = lv_event_take,
	.stop = lv_stop,
	.free = lv_free,
};
