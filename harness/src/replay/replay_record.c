/* replay_record.c: recording cases with QEMU record/replay. See
 * kiln/replay_record.h and docs/replay.md.
 */
#include "kiln/replay/replay_record.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kiln/backend/qemu/qemu_argv.h"
#include "kiln/backend/qemu/qemu_img.h"
#include "kiln/lib/util.h"
#include "kiln/report/case_record.h"

char **replay_record_args(enum replay_rr_mode mode, const char *log_path,
			  const char *snapshots_path)
{
	char **v = util_calloc(7, sizeof(char *));
	char *log = qemu_escape_commas(log_path);
	char *snap = qemu_escape_commas(snapshots_path);

	v[0] = util_strdup("-icount");
	v[1] = util_strdup_printf("shift=auto,rr=%s,rrfile=%s,rrsnapshot=%s",
				  mode == REPLAY_RR_RECORD ? "record" : "replay", log,
				  REPLAY_RR_SNAPSHOT);
	/* The snapshots go to the one writable drive that can hold them. */
	v[2] = util_strdup("-drive");
	v[3] = util_strdup_printf("file=%s,format=qcow2,if=none,id=kiln-rr", snap);
	/* QEMU 7.2 can deadlock going back to a snapshot when the
	 * TPR-patching vapic device is there: its reset runs on the vCPU
	 * thread (run_on_cpu), which waits for the replay lock that the
	 * snapshot load holds. Measured here: 3 of 12 reverse-continues hung
	 * with it (nearly all on a busy machine), none of 20 without. Only
	 * Windows guests use the device. */
	v[4] = util_strdup("-global");
	v[5] = util_strdup("apic-common.vapic=off");
	free(log);
	free(snap);
	return v;
}

/* A send step: kiln's console is a -chardev socket, whose input QEMU 7.2
 * does not record (it records only chardevs it creates for -serial). */
static bool record_has_send(const struct fixture *f)
{
	for (size_t i = 0; i < f->n_steps; i++)
		if (f->steps[i].kind == STEP_SEND)
			return true;
	return false;
}

/* A network device or backend in the fixture: its traffic is not recorded. */
static bool record_has_network(const struct fixture *f)
{
	for (size_t i = 0; i < f->machine.n_devices; i++)
		if (strstr(f->machine.devices[i], "net") ||
		    strstr(f->machine.devices[i], "e1000") ||
		    strstr(f->machine.devices[i], "rtl8139"))
			return true;
	for (size_t i = 0; i < f->machine.n_qemu_args; i++)
		if (!strcmp(f->machine.qemu_args[i], "-netdev") ||
		    !strcmp(f->machine.qemu_args[i], "-nic"))
			return true;
	return false;
}

const char *replay_record_refusal(const struct fixture *f, const char **warning)
{
	*warning = NULL;
	if (!strcmp(f->machine.accel, "kvm"))
		return "record/replay needs TCG (icount cannot run under KVM), and the fixture asks "
		       "for accel kvm; use accel tcg or auto";
	if (f->guest.n_disks)
		return "disks cannot be recorded yet: QEMU replays block I/O only through its "
		       "blkreplay driver, which Kiln does not set up, and would store its snapshots "
		       "in a writable disk";
	if (!strcmp(f->machine.type, "microvm"))
		*warning = "machine microvm: the recording replays forward, but reverse execution "
			   "is supported on pc and q35 only (it has hung QEMU 7.2 on microvm)";
	else if (record_has_network(f))
		*warning = "network traffic is not recorded (QEMU needs filter-replay): a replay "
			   "may diverge once the guest receives packets";
	else if (record_has_send(f))
		*warning = "console input (send steps) is not recorded: a replay diverges where "
			   "the guest first reads it";
	return NULL;
}

int replay_record_check_run(const struct fixture_list *l, unsigned flags)
{
	int ret = 0;

	for (size_t i = 0; i < l->n; i++) {
		const struct fixture *f = l->items[i];
		const char *warning, *why;

		if (!(flags & REPLAY_RECORD_ALL) && !f->record)
			continue;
		why = replay_record_refusal(f, &warning);
		if (why) {
			util_err("run: cannot record %s (%s): %s", f->name, f->path, why);
			ret = -1;
		} else if (warning) {
			util_note("record %s: %s", f->name, warning);
		}
	}
	return ret;
}

int replay_record_make_snapshots(const char *path, char *why, size_t why_len)
{
	return qemu_img_create(path, NULL, NULL, "1M", why, why_len);
}

/* opts' extra arguments followed by more (both borrowed): a new vector of
 * borrowed strings (free the vector only). */
static char **record_concat(char *const *a, char *const *b)
{
	size_t na = 0, nb = 0;
	char **v;

	while (a && a[na])
		na++;
	while (b && b[nb])
		nb++;
	v = util_calloc(na + nb + 1, sizeof(char *));
	for (size_t i = 0; i < na; i++)
		v[i] = a[i];
	for (size_t i = 0; i < nb; i++)
		v[na + i] = b[i];
	return v;
}

/* One run of f in record mode into case_dir; *record as case_run() gives
 * it. OUTCOME_COUNT (and why) when the recording could not be set up. */
static enum outcome record_run(const struct fixture *f, const char *case_dir,
			       const struct case_opts *opts, json_t **record, char *why,
			       size_t why_len)
{
	struct case_opts co = *opts;
	char *log = util_strdup_printf("%s/%s", case_dir, REPLAY_RR_LOG);
	char *snap = util_strdup_printf("%s/%s", case_dir, REPLAY_RR_SNAPSHOTS);
	char **rr = NULL, **all = NULL;
	enum outcome o = OUTCOME_COUNT;

	if (opts->ops != &backend_qemu_ops) {
		snprintf(why, why_len, "record/replay runs with the qemu backend only, not %s",
			 opts->ops->name);
		goto cleanup;
	}
	unlink(snap);
	if (replay_record_make_snapshots(snap, why, why_len) < 0)
		goto cleanup;
	rr = replay_record_args(REPLAY_RR_RECORD, log, snap);
	all = record_concat(opts->extra_args, rr);
	co.extra_args = all;
	co.accel = "tcg"; /* `auto` may have found KVM; icount needs TCG */
	o = case_run(f, case_dir, &co, record);
cleanup:
	free(all);
	qemu_argv_free(rr);
	free(log);
	free(snap);
	return o;
}

/* The class text of a case record (borrowed), "" when it has none. */
static const char *record_class(const json_t *record)
{
	const char *cls = json_string_value(json_object_get(record, "class"));

	return cls ? cls : "";
}

/* What --record-failures says of a re-run that ended in o (class again),
 * after a first run that ended in class first. New reference. */
static json_t *record_failure_note(const char *sub, enum outcome o, const char *first,
				   const char *again)
{
	bool same = first[0] && !strcmp(first, again);

	if (!same) {
		/* A recording of some other ending is not the failure's. */
		char *p = util_strdup_printf("%s/%s", sub, REPLAY_RR_LOG);
		unlink(p);
		free(p);
		p = util_strdup_printf("%s/%s", sub, REPLAY_RR_SNAPSHOTS);
		unlink(p);
		free(p);
	}
	return json_pack("{s:b, s:s, s:s, s:s, s:b}", "reproduced", same, "dir", REPLAY_RECORD_DIR,
			 "outcome", outcome_name(o), "class", again, "bundle_kept", same);
}

void replay_record_failure_again(const struct fixture *f, const char *case_dir,
				 const struct case_opts *opts, json_t *record)
{
	char *sub = util_strdup_printf("%s/%s", case_dir, REPLAY_RECORD_DIR);
	const char *first = record_class(record);
	const char *warning, *refusal = replay_record_refusal(f, &warning);
	json_t *again_record = NULL;
	enum outcome o = OUTCOME_COUNT;
	char why[512] = "";
	json_t *note;

	if (!refusal && util_mkdir_p(sub, 0755) < 0)
		snprintf(why, sizeof(why), "cannot create %s: %s", sub, strerror(errno));
	else if (!refusal)
		o = record_run(f, sub, opts, &again_record, why, sizeof(why));
	if (o == OUTCOME_COUNT) {
		note = json_pack("{s:b, s:s}", "reproduced", 0, "skipped", refusal ? refusal : why);
		util_note("%s: --record-failures: not recorded: %s", f->name,
			  refusal ? refusal : why);
	} else {
		const char *again = record_class(again_record);
		note = record_failure_note(sub, o, first, again);
		if (json_is_true(json_object_get(note, "reproduced")))
			util_note("%s: --record-failures: the failure came back in record mode; "
				  "kiln replay %s replays it",
				  f->name, case_dir);
		else
			util_note("%s: --record-failures: the failure did not come back in record "
				  "mode (%s); no bundle kept",
				  f->name, again);
	}
	case_record_add_fact(case_dir, record, "record_failures", note);
	json_decref(again_record);
	free(sub);
}

bool replay_record_wanted(const struct fixture *f, unsigned flags)
{
	return (flags & REPLAY_RECORD_ALL) || f->record;
}

/* f in record mode; *record (when not NULL) as case_run() gives it. */
static enum outcome record_case(const struct fixture *f, const char *case_dir,
				const struct case_opts *opts, json_t **record)
{
	char why[512] = "";
	json_t *rec = NULL;
	enum outcome o = record_run(f, case_dir, opts, &rec, why, sizeof(why));

	if (o == OUTCOME_COUNT) {
		/* Not recordable here (no qemu-img): the case still runs, and
		 * its report says why there is no bundle. */
		util_err("%s: cannot record: %s", f->name, why);
		o = case_run(f, case_dir, opts, &rec);
		case_record_add_fact(case_dir, rec, "record_error", json_string(why));
	}
	if (record)
		*record = rec;
	else
		json_decref(rec);
	return o;
}

enum outcome replay_record_case(const struct fixture *f, const char *case_dir,
				const struct case_opts *opts)
{
	return record_case(f, case_dir, opts, NULL);
}

static bool stop_requested(int stop_fd)
{
	struct pollfd p = {stop_fd, POLLIN, 0};

	return stop_fd >= 0 && poll(&p, 1, 0) > 0;
}

enum outcome replay_run_case(const struct fixture *f, const char *case_dir,
			     const struct case_opts *opts, unsigned flags, json_t **record)
{
	json_t *rec = NULL;
	enum outcome o;

	if (opts->base && replay_record_wanted(f, flags))
		util_note("%s: not recorded: it starts from its base's saved state", f->name);
	else if (f->machine.n_udp_ports && replay_record_wanted(f, flags))
		util_note("%s: not recorded: its network datagrams come from kiln, which a "
			  "replay cannot send again",
			  f->name);
	else if (replay_record_wanted(f, flags))
		return record_case(f, case_dir, opts, record);
	o = case_run(f, case_dir, opts, &rec);
	if (o != OUTCOME_PASS && (flags & REPLAY_RECORD_FAILURES) && !f->machine.n_udp_ports &&
	    !stop_requested(opts->stop_fd))
		replay_record_failure_again(f, case_dir, opts, rec);
	if (record)
		*record = rec;
	else
		json_decref(rec);
	return o;
}

int replay_record_runs_per_case(unsigned flags)
{
	return flags & REPLAY_RECORD_FAILURES ? 2 : 1;
}
