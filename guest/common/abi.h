// abi.h: Rugo syscall ABI v0, shared by the kernel and user space. This file
// is the source of truth: docs/abi/syscall_v0.md lists the same numbers,
// arguments and errors, and guest/tools/check_abi_doc.sh compares the two.
//
// Entry: `int $0x80` with the call number in rax and arguments in rdi, rsi,
// rdx, r10; the result comes back in rax. Negative results are errors.
#ifndef RUGO_ABI_H
#define RUGO_ABI_H

#define SYS_debug_write 0   // (buf, len) -> len
#define SYS_thread_spawn 1  // (entry, stack_top, arg) -> tid
#define SYS_thread_exit 2   // (code) -> does not return
#define SYS_yield 3	    // () -> 0
#define SYS_vm_map 4	    // (addr, len, prot) -> addr
#define SYS_vm_unmap 5	    // (addr, len) -> 0
#define SYS_shm_create 6    // (len) -> handle
#define SYS_shm_map 7	    // (handle, addr, prot) -> addr
#define SYS_ipc_send 8	    // (handle, buf, len, carry) -> 0
#define SYS_ipc_recv 9	    // (handle, buf, cap, carried) -> len
#define SYS_time_now 10	    // () -> nanoseconds since boot
#define SYS_stats 11	    // (buf, cap) -> len of a JSON object
#define SYS_ipc_create 12   // () -> handle of a new endpoint
#define SYS_svc_register 13 // (name, handle) -> 0
#define SYS_svc_lookup 14   // (name) -> handle
#define SYS_getpid 15	    // () -> pid
#define SYS_blk_info 16	    // () -> capacity in sectors
#define SYS_blk_read 17	    // (sector, buf, nsect) -> 0
#define SYS_blk_write 18    // (sector, buf, nsect) -> 0
#define SYS_spawn 19	    // (path, args, len) -> pid
#define SYS_wait 20	    // (pid) -> exit code
#define SYS_handle_close 21 // (handle) -> 0
#define SYS_console_read 22 // (buf, cap) -> len
#define SYS_fs_stat 23	    // (path, out) -> 0
#define SYS_fs_read 24	    // (path, off, buf, len) -> len
#define SYS_net_bind 25	    // (port) -> handle
#define SYS_net_sendto 26   // (handle, buf, len, addr) -> len
#define SYS_net_recvfrom 27 // (handle, buf, cap, peer) -> len
#define SYS_COUNT 28

#define ERR_NOSYS (-1)	   // unknown call number
#define ERR_FAULT (-2)	   // a pointer argument is not valid user memory
#define ERR_INVAL (-3)	   // a bad argument (alignment, range, length, flags)
#define ERR_NOMEM (-4)	   // out of memory or address space
#define ERR_BADHANDLE (-5) // not a handle of this process, or the wrong kind
#define ERR_FULL (-6)	   // a queue or table is full
#define ERR_NOTFOUND (-7)  // no service of that name
#define ERR_EXISTS (-8)	   // the name is already registered
#define ERR_NOSPACE (-9)   // the output buffer is too small
#define ERR_IO (-10)	   // the device reported an error
#define ERR_NODEV (-11)	   // no such device (no disk attached)
#define ERR_TIMEOUT (-12)  // the device did not complete in time
#define ERR_CORRUPT (-13)  // the filesystem on the disk is inconsistent
#define ERR_FSFULL (-14)   // no free sector, inode or directory slot

#define VM_WRITE 0x1 // prot: writable (mappings are always readable)
#define VM_EXEC 0x2  // prot: executable

#define DEBUG_WRITE_MAX 4096 // bytes per debug_write
#define IPC_MSG_MAX 256	     // bytes per message
#define IPC_QUEUE_LEN 16     // messages queued per endpoint
#define SHM_MAX_LEN (64 * 1024)
#define VM_MAP_MAX_LEN (1024 * 1024) // bytes per vm_map call
#define SVC_NAME_MAX 32		     // including the NUL
#define SPAWN_PATH_MAX 64	     // bytes of a spawn path, with the NUL
#define SPAWN_ARGS_MAX 128	     // bytes of a spawn argument string
#define CONSOLE_READ_MAX 64	     // bytes per console_read
#define BLK_SECTOR_SIZE 512	     // bytes per disk sector
#define BLK_IO_MAX 8		     // sectors per blk_read/blk_write call
#define NET_UDP_MAX 1472	     // bytes of a UDP payload: one 1500-byte IPv4 packet
#define NET_RECV_WAIT_MAX 60000	     // ms a net_recvfrom may wait

// A UDP peer as one integer: IPv4 address (host order) and port.
#define NET_ADDR(ip, port) ((unsigned long)(ip) << 16 | (unsigned long)(port))
#define NET_ADDR_IP(a) ((unsigned int)((a) >> 16))
#define NET_ADDR_PORT(a) ((unsigned short)((a)&0xffff))

// net_recvfrom's fourth argument: how long to wait (in), who sent (out).
struct net_peer {
	unsigned long timeout_ms; // 0: do not wait; at most NET_RECV_WAIT_MAX
	unsigned long addr;	  // NET_ADDR of the sender
};

#define USER_IMAGE_BASE 0x40000000UL  // programs are linked here
#define USER_STACK_TOP 0x80000000UL   // the first thread's stack ends here
#define USER_MMAP_BASE 0x100000000UL  // vm_map(0, ...) allocates from here
#define USER_SPACE_TOP 0x8000000000UL // 512 GiB: user space is [1 GiB, this)

#endif
