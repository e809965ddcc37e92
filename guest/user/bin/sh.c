// sh.c: the serial shell, /bin/sh on the disk. It prints the prompt "$ "
// (no newline), reads a line from the console with echo and backspace,
// and runs it: a builtin (echo, ls, cat, run, exit, help) or the program
// /bin/NAME with the rest of the line as its argument string. A program's
// non-zero exit code is printed; an unknown command gets one line.
#include "user.h"
#include "fsclient.h"

#define LINE_MAX 120

// The next input byte. Input typed ahead of the prompt (several lines in
// one read) stays here for the next line.
static char next_char(void)
{
	static char in[CONSOLE_READ_MAX];
	static long have, at;
	while (at == have) {
		have = console_read(in, sizeof(in));
		at = 0;
		if (have < 0)
			have = 0;
	}
	return in[at++];
}

// Read one line into buf (NUL-terminated, without the newline), echoing
// what is typed. Backspace and DEL erase the last character; \r\n, \r
// and \n each end a line.
static void read_line(char *buf, size_t cap)
{
	static bool after_cr;
	size_t len = 0;
	for (;;) {
		char c = next_char();
		if (c == '\n' && after_cr) {
			after_cr = false;
			continue;
		}
		after_cr = c == '\r';
		if (c == '\r' || c == '\n') {
			buf[len] = '\0';
			printf("\n");
			return;
		}
		if (c == '\b' || c == 0x7f) {
			if (len > 0) {
				len--;
				printf("\b \b");
			}
		} else if (c >= ' ' && c < 0x7f && len + 1 < cap) {
			buf[len++] = c;
			printf("%c", c);
		}
	}
}

static void ls_print(const char *name, void *arg)
{
	(void)arg;
	printf("%s  ", name);
}

static void builtin_ls(const char *path)
{
	long n = fs_list(*path ? path : "/", ls_print, NULL);
	if (n < 0)
		printf("ls: %s: error %ld\n", *path ? path : "/", n);
	else if (n > 0)
		printf("\n");
}

static void builtin_cat(const char *path)
{
	char buf[256];
	uint32 off = 0;
	long n;
	while ((n = fs_read(path, off, buf, sizeof(buf))) > 0) {
		debug_write(buf, (size_t)n);
		off += (uint32)n;
	}
	if (n < 0)
		printf("cat: %s: %s (error %ld)\n", path, err_text(n), n);
}

// Start the program at path with args, wait, and report a failure.
static void run(const char *path, const char *args, const char *what)
{
	long pid = spawn(path, args, strlen(args));
	if (pid == ERR_NOTFOUND) {
		printf("sh: %s: command not found\n", what);
		return;
	}
	if (pid < 0) {
		printf("sh: %s: cannot run: %s (error %ld)\n", what, err_text(pid), pid);
		return;
	}
	long code = wait(pid);
	if (code != 0)
		printf("sh: %s: exit code %ld\n", what, code);
}

// Run one command line. Returns false for `exit`.
static bool execute(char *line, long *exit_code)
{
	while (*line == ' ')
		line++;
	char *args = line;
	while (*args && *args != ' ')
		args++;
	if (*args)
		*args++ = '\0';
	while (*args == ' ')
		args++;
	if (*line == '\0')
		return true;
	if (strcmp(line, "echo") == 0) {
		printf("%s\n", args);
	} else if (strcmp(line, "ls") == 0) {
		builtin_ls(args);
	} else if (strcmp(line, "cat") == 0) {
		builtin_cat(args);
	} else if (strcmp(line, "run") == 0) {
		char *rest = args;
		while (*rest && *rest != ' ')
			rest++;
		if (*rest)
			*rest++ = '\0';
		run(args, rest, args);
	} else if (strcmp(line, "exit") == 0) {
		*exit_code = *args ? args[0] - '0' : 0;
		return false;
	} else if (strcmp(line, "help") == 0) {
		printf("builtins: echo TEXT, ls [DIR], cat FILE, run PATH [ARGS], exit [N]; "
		       "anything else runs /bin/NAME\n");
	} else {
		char path[SPAWN_PATH_MAX];
		if (fmt_snprintf(path, sizeof(path), "/bin/%s", line) >= (int)sizeof(path))
			printf("sh: %s: command not found\n", line);
		else
			run(path, args, line);
	}
	return true;
}

int main(void)
{
	char line[LINE_MAX];
	long code = 0;
	do {
		printf("$ ");
		read_line(line, sizeof(line));
	} while (execute(line, &code));
	return (int)code;
}
