/* accel.c: the KVM probe behind `accel: auto`. See kiln/accel.h. */
#include "kiln/backend/qemu/accel.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kiln/backend/qemu/qemu_argv.h"
#include "kiln/lib/spawn.h"
#include "kiln/lib/util.h"

#define PROBE_BUDGET_MS 1500
#define PROBE_EXIT_CODE 0x2a

/* A Multiboot image in the a.out-kludge form (flag bit 16: the header gives
 * the load addresses, so no ELF is needed). Its code, in 32-bit protected
 * mode: count ecx down from 2^22, then write PROBE_EXIT_CODE to
 * isa-debug-exit. Native speed runs the loop in a few milliseconds; an
 * emulated "KVM" takes seconds, which is what the probe exists to catch. */
static const unsigned char probe_code[] = {
	0xB9, 0x00,
	0x00, 0x40,
	0x00,		       /* mov ecx, 0x400000 */
	0x49,		       /* 1: dec ecx */
	0x75, 0xFD,	       /* jnz 1b */
	0xB0, PROBE_EXIT_CODE, /* mov al, code */
	0x66, 0xBA,
	0xF4, 0x00, /* mov dx, 0xf4 */
	0xEE,	    /* out dx, al */
	0xF4,	    /* hlt */
	0xEB, 0xFD, /* jmp hlt */
};

static int probe_write_image(const char *path)
{
	const unsigned load = 0x100000, hdr_len = 32;
	unsigned hdr[8] = {0x1BADB002u, 0x00010000u, 0, load, load, 0, 0, load + hdr_len};
	unsigned char img[64];

	hdr[2] = 0u - hdr[0] - hdr[1];
	memcpy(img, hdr, sizeof(hdr));
	memcpy(img + hdr_len, probe_code, sizeof(probe_code));
	return util_write_file_atomic(path, img, hdr_len + sizeof(probe_code));
}

/* Run the probe guest; returns QEMU's wait status or -1 on timeout. */
static int probe_run(const char *image, int64_t budget_ms)
{
	char *argv[] = {(char *)qemu_binary(),
			"-machine",
			"pc",
			"-accel",
			"kvm",
			"-nodefaults",
			"-no-user-config",
			"-display",
			"none",
			"-device",
			"isa-debug-exit,iobase=0xf4,iosize=0x04",
			"-kernel",
			(char *)image,
			NULL};
	pid_t pid = spawn_child(argv, &(struct spawn_opts){.own_group = true,
							   .in_fd = SPAWN_NULL,
							   .out_fd = SPAWN_NULL});
	int status = -1, pidfd;

	if (pid < 0)
		return -1;
	pidfd = pidfd_open(pid, 0);
	struct pollfd p = {pidfd, POLLIN, 0};
	if (pidfd < 0 || poll(&p, 1, (int)budget_ms) <= 0)
		kill(-pid, SIGKILL);
	waitpid(pid, &status, 0);
	if (pidfd >= 0)
		close(pidfd);
	return (p.revents & POLLIN) ? status : -1;
}

const char *accel_probe(const char *scratch_dir, char *why, size_t why_len)
{
	char *image = util_strdup_printf("%s/kvm-probe.img", scratch_dir);
	int64_t t0 = util_now_ms();
	const char *accel = "tcg";
	int st;

	if (access("/dev/kvm", R_OK | W_OK) < 0) {
		snprintf(why, why_len, "kvm probe: /dev/kvm: %s", strerror(errno));
	} else if (probe_write_image(image) < 0) {
		snprintf(why, why_len, "kvm probe: cannot write %s: %s", image, strerror(errno));
	} else if ((st = probe_run(image, PROBE_BUDGET_MS)) < 0) {
		snprintf(why, why_len, "kvm probe: timed out after %.1f s",
			 PROBE_BUDGET_MS / 1000.0);
	} else if (!WIFEXITED(st) || WEXITSTATUS(st) != PROBE_EXIT_CODE * 2 + 1) {
		snprintf(why, why_len, "kvm probe: QEMU failed under kvm (status %d)",
			 WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	} else {
		accel = "kvm";
		snprintf(why, why_len, "kvm probe: ok in %lld ms", (long long)(util_now_ms() - t0));
	}
	unlink(image);
	free(image);
	return accel;
}
