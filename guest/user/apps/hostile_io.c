// hostile_io.c: bad arguments to the R5/R6 system calls (block, spawn,
// wait, handles carried by IPC, console, the read-only filesystem calls),
// with the test image attached read-only. Each case prints one marker:
// `HOSTILE: <case> ok` when the kernel returned the documented error
// (docs/abi/syscall_v0.md), `HOSTILE: <case> fail got=N want=N` otherwise.
#include "user.h"

#define KERNEL_TEXT 0x100000L
#define HUGE (1L << 40)

int main(void)
{
	static char buf[BLK_IO_MAX * BLK_SECTOR_SIZE + 1];
	uint32 st[2];
	int failures = 0;
	long ep = ipc_create(), capacity = blk_info();
	if (ep < 0 || capacity <= 0)
		fail("hostile_io setup");
	failures += hostile_check("blk_read_kernel_pointer", blk_read(0, (void *)KERNEL_TEXT, 1),
				  ERR_FAULT);
	failures += hostile_check("blk_read_unmapped_pointer",
				  blk_read(0, (void *)0x7000000000L, 1), ERR_FAULT);
	failures += hostile_check("blk_read_too_many", blk_read(0, buf, BLK_IO_MAX + 1), ERR_INVAL);
	failures += hostile_check("blk_read_zero", blk_read(0, buf, 0), ERR_INVAL);
	failures +=
		hostile_check("blk_read_past_end", blk_read((uint64)capacity, buf, 1), ERR_INVAL);
	failures += hostile_check("blk_read_straddles_end", blk_read((uint64)capacity - 1, buf, 2),
				  ERR_INVAL);
	failures += hostile_check("blk_write_kernel_pointer", blk_write(0, (void *)KERNEL_TEXT, 1),
				  ERR_FAULT);
	failures +=
		hostile_check("spawn_bad_path_pointer", spawn((const char *)16, "", 0), ERR_FAULT);
	failures += hostile_check("spawn_empty_path", spawn("", "", 0), ERR_INVAL);
	failures += hostile_check("spawn_huge_args", spawn("/bin/status", buf, HUGE), ERR_INVAL);
	failures += hostile_check("spawn_bad_args_pointer",
				  spawn("/bin/status", (const char *)KERNEL_TEXT, 8), ERR_FAULT);
	failures += hostile_check("spawn_missing", spawn("/bin/no-such", "", 0), ERR_NOTFOUND);
	failures += hostile_check("spawn_not_elf", spawn("/etc/motd", "", 0), ERR_INVAL);
	failures += hostile_check("spawn_directory", spawn("/bin", "", 0), ERR_INVAL);
	failures += hostile_check("wait_not_a_child", wait(getpid()), ERR_INVAL);
	failures += hostile_check("wait_zero", wait(0), ERR_INVAL);
	failures += hostile_check("handle_close_bad", handle_close(999), ERR_BADHANDLE);
	failures +=
		hostile_check("carry_bad_handle", ipc_send_carry(ep, buf, 1, 99), ERR_BADHANDLE);
	failures += hostile_check("recv_bad_carried_pointer",
				  ipc_send_carry(ep, buf, 1, ep) == 0
					  ? ipc_recv_carried(ep, buf, 8, (long *)KERNEL_TEXT)
					  : -100,
				  ERR_FAULT);
	failures += hostile_check("console_read_zero", console_read(buf, 0), ERR_INVAL);
	failures += hostile_check("console_read_huge", console_read(buf, HUGE), ERR_INVAL);
	failures += hostile_check("fs_stat_kernel_out", fs_core_stat("/", (uint32 *)KERNEL_TEXT),
				  ERR_FAULT);
	failures += hostile_check("fs_stat_relative", fs_core_stat("etc/motd", st), ERR_INVAL);
	failures +=
		hostile_check("fs_read_huge", fs_core_read("/etc/motd", 0, buf, HUGE), ERR_INVAL);
	failures += hostile_check("fs_read_kernel_pointer",
				  fs_core_read("/etc/motd", 0, (void *)KERNEL_TEXT, 8), ERR_FAULT);
	printf("HOSTILE: done failures=%d\n", failures);
	return 0;
}
