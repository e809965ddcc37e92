/* test_qmp.c: the QMP client (kiln/qmp.h) against a fake QMP server.
 *
 * The server is a forked child on the other end of a socketpair that plays
 * a script: write bytes (at once, or one byte at a time), read one command
 * line and answer it with that command's own id, sleep, close. So the
 * client meets what a real QEMU may do: a greeting in pieces, several
 * messages in one read, an event before the reply, a reply cut short,
 * garbage, silence.
 */
#include <check.h>
#include <errno.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <poll.h>
#include <unistd.h>

#include "kiln/backend/qmp.h"
#include "kiln/lib/util.h"

#include "check_main.h"

#define GREETING                                                                           \
	"{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, \"minor\": 2, \"major\": 7}, " \
	"\"package\": \"Debian 1:7.2\"}, \"capabilities\": [\"oob\"]}}\r\n"
#define RETURN_EMPTY "{\"return\": {}, \"id\": \"@ID@\"}\r\n"

enum act_op {
	ACT_END,
	ACT_WRITE,	  /* data, in one write */
	ACT_WRITE_BYTES,  /* data, one byte per write, ms apart */
	ACT_READ_COMMAND, /* read one line; its "id" replaces @ID@ from now on */
	ACT_SLEEP,	  /* ms */
	ACT_CLOSE,
};

struct act {
	enum act_op op;
	const char *data;
	size_t len; /* 0: strlen(data) */
	int ms;
};

/* The handshake every script starts with. */
#define HANDSHAKE                                                    \
	{ACT_WRITE, GREETING, 0, 0}, {ACT_READ_COMMAND, NULL, 0, 0}, \
	{                                                            \
		ACT_WRITE, RETURN_EMPTY, 0, 0                        \
	}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* data with every @ID@ replaced by id. New string. */
static char *server_fill(const char *data, size_t len, const char *id, size_t *out_len)
{
	char *out = malloc(len + 64 * 4 + 1), *p = out;

	for (size_t i = 0; i < len;) {
		if (len - i >= 4 && memcmp(data + i, "@ID@", 4) == 0) {
			p = stpcpy(p, id);
			i += 4;
		} else {
			*p++ = data[i++];
		}
	}
	*out_len = (size_t)(p - out);
	return out;
}

/* Read one line from fd; take its "id" into id. 0, or -1 on end of file. */
static int server_read_command(int fd, char *id, size_t idlen, char *cmd, size_t cmdlen)
{
	char line[4096];
	size_t n = 0;
	json_t *msg;

	while (n + 1 < sizeof(line)) {
		ssize_t r = read(fd, line + n, 1);
		if (r <= 0)
			return -1;
		if (line[n] == '\n')
			break;
		n++;
	}
	line[n] = '\0';
	msg = json_loads(line, 0, NULL);
	snprintf(id, idlen, "%s", json_string_value(json_object_get(msg, "id")) ?: "");
	snprintf(cmd, cmdlen, "%s", json_string_value(json_object_get(msg, "execute")) ?: "");
	json_decref(msg);
	return 0;
}

static void server_play(int fd, const struct act *script)
{
	char id[64] = "", cmd[64];

	signal(SIGPIPE, SIG_DFL);
	for (const struct act *a = script; a->op != ACT_END; a++) {
		size_t len = a->len ? a->len : a->data ? strlen(a->data) : 0, n;
		char *text = a->data ? server_fill(a->data, len, id, &n) : NULL;

		switch (a->op) {
		case ACT_WRITE:
			if (util_write_all(fd, text, n) < 0)
				_exit(2);
			break;
		case ACT_WRITE_BYTES:
			for (size_t i = 0; i < n; i++) {
				if (util_write_all(fd, text + i, 1) < 0)
					_exit(2);
				sleep_ms(a->ms);
			}
			break;
		case ACT_READ_COMMAND:
			if (server_read_command(fd, id, sizeof(id), cmd, sizeof(cmd)) < 0)
				_exit(3);
			break;
		case ACT_SLEEP: sleep_ms(a->ms); break;
		case ACT_CLOSE:
			close(fd);
			fd = -1;
			break;
		case ACT_END: break;
		}
		free(text);
	}
	_exit(0);
}

struct fake {
	pid_t pid;
	struct qmp *q;
	FILE *log;
	int64_t t0;
};

/* Start a server playing script; the client end gets a qmp (with a
 * transcript in a temporary file). */
static struct fake fake_start(const struct act *script)
{
	struct fake f = {0};
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	f.pid = fork();
	ck_assert_int_ge(f.pid, 0);
	if (f.pid == 0) {
		close(sv[0]);
		server_play(sv[1], script);
	}
	close(sv[1]);
	f.log = tmpfile();
	ck_assert_ptr_nonnull(f.log);
	f.t0 = util_now_ms();
	f.q = qmp_new(sv[0], f.log, f.t0);
	return f;
}

/* Free the client, then check the server played its whole script (unless
 * the test has already reaped it: pid 0). */
static void fake_end(struct fake *f)
{
	int st;

	qmp_free(f->q);
	if (f->pid > 0) {
		ck_assert_int_eq(waitpid(f->pid, &st, 0), f->pid);
		ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "fake server: status %d", st);
	}
	fclose(f->log);
}

static void handshake_ok(struct fake *f)
{
	struct qmp_error err = {0};

	ck_assert_int_eq(qmp_handshake(f->q, util_now_ms() + 5000, &err), QMP_OK);
}

START_TEST(greeting_split_byte_by_byte)
{
	static const struct act script[] = {
		{ACT_WRITE_BYTES, GREETING, 0, 1},
		{ACT_READ_COMMAND, NULL, 0, 0},
		/* (no line end: the client may close once the object is whole) */
		{ACT_WRITE_BYTES, "{\"return\": {}, \"id\": \"@ID@\"}", 0, 1},
		{ACT_END, NULL, 0, 0}};
	struct fake f = fake_start(script);

	handshake_ok(&f);
	ck_assert_str_eq(qmp_version(f.q), "7.2.22");
	fake_end(&f);
}
END_TEST

/* Greeting, an event and the capabilities reply can come in one read. */
START_TEST(several_objects_in_one_write)
{
	static const struct act script[] = {
		{ACT_WRITE, GREETING "{\"event\": \"RESUME\", \"timestamp\": {}}", 0, 0},
		{ACT_READ_COMMAND, NULL, 0, 0},
		{ACT_WRITE,
		 "{\"event\": \"STOP\"}\n{\"return\": {\"status\": \"paused\"}, \"id\": \"@ID@\"}"
		 "{\"event\": \"RESET\", \"data\": {\"guest\": true}}\r\n",
		 0, 0},
		{ACT_READ_COMMAND, NULL, 0, 0},
		{ACT_WRITE, "{\"return\": {\"status\": \"running\"}, \"id\": \"@ID@\"}", 0, 0},
		{ACT_END, NULL, 0, 0}};
	struct fake f = fake_start(script);
	struct qmp_error err = {0};
	json_t *ret = NULL, *ev;

	handshake_ok(&f);
	ck_assert_int_eq(qmp_execute(f.q, "query-status", NULL, util_now_ms() + 5000, &ret, &err),
			 QMP_OK);
	ck_assert_str_eq(json_string_value(json_object_get(ret, "status")), "running");
	json_decref(ret);
	/* Queued in arrival order; the reply to the first command (the one
	 * carrying the "paused" status) was taken by qmp_capabilities. */
	ev = qmp_event_take(f.q, NULL, NULL);
	ck_assert_str_eq(json_string_value(json_object_get(ev, "event")), "RESUME");
	json_decref(ev);
	ev = qmp_event_take(f.q, NULL, NULL);
	ck_assert_str_eq(json_string_value(json_object_get(ev, "event")), "STOP");
	json_decref(ev);
	ev = qmp_event_take(f.q, NULL, NULL);
	ck_assert_str_eq(json_string_value(json_object_get(ev, "event")), "RESET");
	json_decref(ev);
	ck_assert_ptr_null(qmp_event_take(f.q, NULL, NULL));
	fake_end(&f);
}
END_TEST

/* An event that arrives while a command waits is queued, not mistaken for
 * the reply, and an event wait finds it later without reading. */
START_TEST(event_before_reply_is_queued)
{
	static const struct act script[] = {
		HANDSHAKE,
		{ACT_READ_COMMAND, NULL, 0, 0},
		{ACT_WRITE,
		 "{\"event\": \"SHUTDOWN\", \"data\": {\"guest\": true, "
		 "\"reason\": \"guest-reset\"}}\r\n",
		 0, 0},
		{ACT_SLEEP, NULL, 0, 50},
		{ACT_WRITE, "{\"return\": {}, \"id\": \"@ID@\"}\r\n", 0, 0},
		{ACT_SLEEP, NULL, 0, 100},
		{ACT_WRITE, "{\"event\": \"STOP\"}\r\n", 0, 0},
		{ACT_SLEEP, NULL, 0, 300},
		{ACT_END, NULL, 0, 0}};
	struct fake f = fake_start(script);
	struct qmp_error err = {0};
	json_t *ev = NULL, *want_reset = json_pack("{s:s}", "reason", "guest-reset");
	json_t *want_quit = json_pack("{s:s}", "reason", "host-qmp-quit");

	handshake_ok(&f);
	ck_assert_int_eq(qmp_execute(f.q, "stop", NULL, util_now_ms() + 5000, NULL, &err), QMP_OK);
	ck_assert_ptr_null(qmp_event_take(f.q, "SHUTDOWN", want_quit));
	ck_assert_ptr_null(qmp_event_take(f.q, "RESET", NULL));
	ck_assert_int_eq(qmp_wait_event(f.q, "SHUTDOWN", want_reset, util_now_ms() + 1, &ev, &err),
			 QMP_OK);
	ck_assert(json_is_true(json_object_get(json_object_get(ev, "data"), "guest")));
	json_decref(ev);
	ck_assert_ptr_null(qmp_event_take(f.q, "SHUTDOWN", NULL)); /* taken once */
	/* STOP comes 100 ms later: the wait reads until it does. */
	ck_assert_int_eq(qmp_wait_event(f.q, "STOP", NULL, util_now_ms() + 2000, &ev, &err),
			 QMP_OK);
	json_decref(ev);
	json_decref(want_reset);
	json_decref(want_quit);
	fake_end(&f);
}
END_TEST

/* A reply to some other id is not ours. */
START_TEST(reply_matched_by_id)
{
	static const struct act script[] = {HANDSHAKE,
					    {ACT_READ_COMMAND, NULL, 0, 0},
					    {ACT_WRITE,
					     "{\"return\": 1, \"id\": \"someone-else\"}\n"
					     "{\"return\": 2, \"id\": \"@ID@\"}\n",
					     0, 0},
					    {ACT_END, NULL, 0, 0}};
	struct fake f = fake_start(script);
	struct qmp_error err = {0};
	json_t *ret = NULL;

	handshake_ok(&f);
	ck_assert_int_eq(qmp_execute(f.q, "x", NULL, util_now_ms() + 5000, &ret, &err), QMP_OK);
	ck_assert_int_eq(json_integer_value(ret), 2);
	json_decref(ret);
	fake_end(&f);
}
END_TEST

START_TEST(error_reply_class_and_desc)
{
	static const struct act script[] = {
		HANDSHAKE,
		{ACT_READ_COMMAND, NULL, 0, 0},
		{ACT_WRITE,
		 "{\"id\": \"@ID@\", \"error\": {\"class\": \"CommandNotFound\", "
		 "\"desc\": \"The command nope has not been found\"}}\r\n",
		 0, 0},
		{ACT_END, NULL, 0, 0}};
	struct fake f = fake_start(script);
	struct qmp_error err = {0};
	json_t *ret = NULL;

	handshake_ok(&f);
	ck_assert_int_eq(qmp_execute(f.q, "nope", NULL, util_now_ms() + 5000, &ret, &err),
			 QMP_ERR_REPLY);
	ck_assert_ptr_null(ret);
	ck_assert_int_eq(err.status, QMP_ERR_REPLY);
	ck_assert_str_eq(err.class, "CommandNotFound");
	ck_assert_str_eq(err.desc, "The command nope has not been found");
	fake_end(&f);
}
END_TEST

START_TEST(server_closes_in_the_middle_of_a_reply)
{
	static const struct act script[] = {HANDSHAKE,
					    {ACT_READ_COMMAND, NULL, 0, 0},
					    {ACT_WRITE, "{\"return\": {\"status\": \"runn", 0, 0},
					    {ACT_CLOSE, NULL, 0, 0},
					    {ACT_END, NULL, 0, 0}};
	struct fake f = fake_start(script);
	struct qmp_error err = {0};
	json_t *ret = NULL;

	handshake_ok(&f);
	ck_assert_int_eq(qmp_execute(f.q, "query-status", NULL, util_now_ms() + 5000, &ret, &err),
			 QMP_ERR_CLOSED);
	ck_assert_ptr_null(ret);
	ck_assert_int_eq(err.status, QMP_ERR_CLOSED);
	/* Once closed, every later call says so at once. */
	int64_t t = util_now_ms();
	ck_assert_int_eq(qmp_execute(f.q, "query-status", NULL, t + 5000, &ret, &err),
			 QMP_ERR_CLOSED);
	ck_assert_int_lt(util_now_ms() - t, 1000);
	fake_end(&f);
}
END_TEST

/* The server is gone before the command is written: an error, not a
 * SIGPIPE that kills the caller. */
START_TEST(server_gone_before_the_command)
{
	static const struct act script[] = {
		HANDSHAKE, {ACT_CLOSE, NULL, 0, 0}, {ACT_END, NULL, 0, 0}};
	struct fake f = fake_start(script);
	struct qmp_error err = {0};
	int st;

	signal(SIGPIPE, SIG_DFL);
	handshake_ok(&f);
	ck_assert_int_eq(waitpid(f.pid, &st, 0), f.pid); /* the server has closed */
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	f.pid = 0;
	ck_assert_int_eq(qmp_execute(f.q, "cont", NULL, util_now_ms() + 2000, NULL, &err),
			 QMP_ERR_CLOSED);
	fake_end(&f);
}
END_TEST

/* A closed connection is always readable: a poll loop that kept it would
 * spin. Open, qmp_poll_add() offers the fd; closed, it offers nothing, and
 * the event that came before the close is still queued. */
START_TEST(closed_connection_leaves_the_poll_set)
{
	static const struct act script[] = {HANDSHAKE,
					    {ACT_SLEEP, NULL, 0, 300}, /* open while we look */
					    {ACT_WRITE,
					     "{\"event\": \"SHUTDOWN\", \"data\": {}}\r\n", 0, 0},
					    {ACT_CLOSE, NULL, 0, 0},
					    {ACT_END, NULL, 0, 0}};
	struct fake f = fake_start(script);
	struct qmp_error err = {0};
	struct pollfd p[2];
	json_t *ev;

	handshake_ok(&f);
	ck_assert_uint_eq(qmp_poll_add(f.q, p, 2), 1);
	ck_assert_int_eq(p[0].fd, qmp_fd(f.q));
	ck_assert_uint_eq(qmp_poll_add(f.q, p, 0), 0); /* no room, nothing written */
	ck_assert_int_eq(qmp_wait_event(f.q, "SHUTDOWN", NULL, util_now_ms() + 2000, &ev, &err),
			 QMP_OK);
	json_decref(ev);
	/* Read to the end: the server has closed. */
	while (qmp_pump(f.q, &err) == QMP_OK)
		poll(p, qmp_poll_add(f.q, p, 2), 100);
	ck_assert_int_eq(err.status, QMP_ERR_CLOSED);
	ck_assert_uint_eq(qmp_poll_add(f.q, p, 2), 0);
	ck_assert_uint_eq(qmp_poll_add(NULL, p, 2), 0);
	fake_end(&f);
}
END_TEST

START_TEST(server_closes_before_greeting)
{
	static const struct act script[] = {{ACT_CLOSE, NULL, 0, 0}, {ACT_END, NULL, 0, 0}};
	struct fake f = fake_start(script);
	struct qmp_error err = {0};

	ck_assert_int_eq(qmp_handshake(f.q, util_now_ms() + 5000, &err), QMP_ERR_CLOSED);
	fake_end(&f);
}
END_TEST

/* QEMU greets, then dies (a kernel it cannot load) with our command unread:
 * the kernel answers our read with a reset. That is the server closing, as
 * the backend must see it to report qemu_start_failed, not an i/o error. */
START_TEST(server_resets_with_command_unread)
{
	static const struct act script[] = {{ACT_WRITE, GREETING, 0, 0},
					    {ACT_SLEEP, NULL, 0, 100},
					    {ACT_CLOSE, NULL, 0, 0},
					    {ACT_END, NULL, 0, 0}};
	struct fake f = fake_start(script);
	struct qmp_error err = {0};

	ck_assert_int_eq(qmp_handshake(f.q, util_now_ms() + 5000, &err), QMP_ERR_CLOSED);
	ck_assert_str_eq(qmp_version(f.q), "7.2.22");
	fake_end(&f);
}
END_TEST

static void assert_garbage(const char *bytes, size_t len, const char *what)
{
	const struct act script[] = {
		{ACT_WRITE, bytes, len, 0}, {ACT_SLEEP, NULL, 0, 200}, {ACT_END, NULL, 0, 0}};
	struct fake f = fake_start(script);
	struct qmp_error err = {0};
	int64_t t = util_now_ms();

	ck_assert_msg(qmp_handshake(f.q, t + 3000, &err) == QMP_ERR_PROTOCOL, "%s: got %s (%s)",
		      what, qmp_status_name(err.status), err.desc);
	ck_assert_msg(util_now_ms() - t < 1000, "%s: took %lld ms", what,
		      (long long)(util_now_ms() - t));
	fake_end(&f);
}

START_TEST(garbage_is_a_protocol_error)
{
	assert_garbage("hello, I am not QMP\r\n", 0, "text");
	assert_garbage("[1, 2, 3]\n", 0, "an array");
	assert_garbage("\"QMP\"\n", 0, "a string");
	assert_garbage("\0\0\0\0", 4, "NUL bytes");
	assert_garbage("{\"QMP\": {\"capabilities\": []}}\n", 0, "a greeting without a version");
	assert_garbage(GREETING "}}}\n", 0, "junk after the greeting");
}
END_TEST

/* No answer: the call returns QMP_ERR_TIMEOUT near its deadline, also when
 * bytes keep trickling in without ever completing a message. */
START_TEST(deadline_passes)
{
	static const struct act silent[] = {HANDSHAKE,
					    {ACT_READ_COMMAND, NULL, 0, 0},
					    {ACT_SLEEP, NULL, 0, 1000},
					    {ACT_END, NULL, 0, 0}};
	static const struct act trickle[] = {
		HANDSHAKE,
		{ACT_READ_COMMAND, NULL, 0, 0},
		/* 14 bytes over 350 ms, then quiet until the client is done */
		{ACT_WRITE_BYTES, "{\"return\": {\"a", 0, 25},
		{ACT_SLEEP, NULL, 0, 900},
		{ACT_END, NULL, 0, 0}};
	const struct act *scripts[] = {silent, trickle};

	for (size_t i = 0; i < 2; i++) {
		struct fake f = fake_start(scripts[i]);
		struct qmp_error err = {0};
		json_t *ev = NULL;
		int64_t t;

		handshake_ok(&f);
		t = util_now_ms();
		ck_assert_int_eq(qmp_execute(f.q, "query-status", NULL, t + 300, NULL, &err),
				 QMP_ERR_TIMEOUT);
		ck_assert_int_ge(util_now_ms() - t, 300);
		ck_assert_int_lt(util_now_ms() - t, 600); /* slack for a loaded machine */
		t = util_now_ms();
		ck_assert_int_eq(qmp_wait_event(f.q, "SHUTDOWN", NULL, t + 200, &ev, &err),
				 QMP_ERR_TIMEOUT);
		ck_assert_ptr_null(ev);
		ck_assert_int_ge(util_now_ms() - t, 200);
		ck_assert_int_lt(util_now_ms() - t, 500);
		/* A deadline already past returns at once. */
		t = util_now_ms();
		ck_assert_int_eq(qmp_execute(f.q, "x", NULL, t - 1, NULL, &err), QMP_ERR_TIMEOUT);
		ck_assert_int_lt(util_now_ms() - t, 50);
		fake_end(&f);
	}
}
END_TEST

/* The transcript has both directions, each line stamped with seconds since
 * t0 in milliseconds. */
START_TEST(transcript_both_directions_with_timestamps)
{
	static const struct act script[] = {
		{ACT_SLEEP, NULL, 0, 120},
		HANDSHAKE,
		{ACT_READ_COMMAND, NULL, 0, 0},
		{ACT_WRITE,
		 "{\"event\": \"STOP\"}\r\n{\"return\": {\"running\": false}, \"id\": \"@ID@\"}\r\n",
		 0, 0},
		{ACT_END, NULL, 0, 0}};
	struct fake f = fake_start(script);
	struct qmp_error err = {0};
	json_t *args = json_pack("{s:s}", "command-line", "info registers");
	char line[1024];
	regex_t re;
	int n = 0, out = 0, in = 0;
	bool greeting_late = false;

	handshake_ok(&f);
	ck_assert_int_eq(qmp_execute(f.q, "human-monitor-command", args, util_now_ms() + 5000, NULL,
				     &err),
			 QMP_OK);
	json_decref(args);
	ck_assert_int_eq(regcomp(&re, "^ *[0-9]+\\.[0-9]{3} (->|<-) \\{.*\\}$", REG_EXTENDED), 0);
	rewind(f.log);
	while (fgets(line, sizeof(line), f.log)) {
		line[strcspn(line, "\n")] = '\0';
		ck_assert_msg(regexec(&re, line, 0, NULL, 0) == 0, "line %d: '%s'", n + 1, line);
		out += strstr(line, " -> ") != NULL;
		in += strstr(line, " <- ") != NULL;
		if (strstr(line, "\"QMP\""))
			greeting_late = strtod(line, NULL) >= 0.1; /* the server slept 120 ms */
		n++;
	}
	regfree(&re);
	ck_assert_int_eq(out, 2); /* qmp_capabilities, human-monitor-command */
	ck_assert_int_eq(in, 4);  /* greeting, its reply, STOP, the reply */
	ck_assert(greeting_late);
	rewind(f.log);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f.log));
	ck_assert_ptr_nonnull(strstr(line, "<- {\"QMP\""));
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f.log));
	ck_assert_ptr_nonnull(
		strstr(line, "-> {\"execute\":\"qmp_capabilities\",\"id\":\"kiln-1\"}"));
	fake_end(&f);
}
END_TEST

START_TEST(json_subset)
{
	json_t *v = json_pack("{s:b, s:s, s:{s:i, s:i}, s:[i]}", "running", 1, "status", "running",
			      "nested", "a", 1, "b", 2, "list", 1);
	json_t *yes1 = json_pack("{s:b}", "running", 1);
	json_t *yes2 = json_pack("{s:{s:i}}", "nested", "b", 2);
	json_t *no1 = json_pack("{s:b}", "running", 0);
	json_t *no2 = json_pack("{s:s}", "missing", "x");
	json_t *no3 = json_pack("{s:[]}", "list"); /* arrays compare whole */
	json_t *empty = json_object();

	ck_assert(qmp_json_subset(yes1, v));
	ck_assert(qmp_json_subset(yes2, v));
	ck_assert(qmp_json_subset(empty, v));
	ck_assert(!qmp_json_subset(no1, v));
	ck_assert(!qmp_json_subset(no2, v));
	ck_assert(!qmp_json_subset(no3, v));
	ck_assert(!qmp_json_subset(yes1, NULL));
	json_decref(v);
	json_decref(yes1);
	json_decref(yes2);
	json_decref(no1);
	json_decref(no2);
	json_decref(no3);
	json_decref(empty);
}
END_TEST

static Suite *qmp_suite(void)
{
	Suite *s = suite_create("qmp");
	TCase *framing = tcase_create("framing");
	TCase *errors = tcase_create("errors");
	TCase *log = tcase_create("transcript");

	tcase_add_test(framing, greeting_split_byte_by_byte);
	tcase_add_test(framing, several_objects_in_one_write);
	tcase_add_test(framing, event_before_reply_is_queued);
	tcase_add_test(framing, reply_matched_by_id);
	tcase_add_test(framing, json_subset);
	tcase_add_test(errors, error_reply_class_and_desc);
	tcase_add_test(errors, server_closes_in_the_middle_of_a_reply);
	tcase_add_test(errors, server_gone_before_the_command);
	tcase_add_test(errors, server_closes_before_greeting);
	tcase_add_test(errors, closed_connection_leaves_the_poll_set);
	tcase_add_test(errors, server_resets_with_command_unread);
	tcase_add_test(errors, garbage_is_a_protocol_error);
	tcase_add_test(errors, deadline_passes);
	tcase_add_test(log, transcript_both_directions_with_timestamps);
	suite_add_tcase(s, framing);
	suite_add_tcase(s, errors);
	suite_add_tcase(s, log);
	return s;
}

int main(void)
{
	return check_main_run(qmp_suite());
}
