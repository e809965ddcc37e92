// defs.h: prototypes of every kernel subsystem, one block per file (xv6's
// defs.h habit): a reader sees the whole kernel surface in one place.
#ifndef RUGO_DEFS_H
#define RUGO_DEFS_H

#include "types.h"
#include "lib.h"
#include "abi.h"

struct endpoint;
struct multiboot_info;
struct proc;
struct shm;
struct spinlock;
struct thread;
struct trapframe;
struct udp_sock;
typedef uint64 pte_t;
typedef pte_t *pagetable_t;

// uart.c
void uart_init(void);
void uart_putc(char c);
void uart_flush(void);

// console.c
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kvprintf(const char *fmt, va_list ap);
void console_panic(void);

// panic.c: the codes are listed in docs/guest.md.
#define PANIC_TEST 0x1	       // rugo.test=panic asked for it
#define PANIC_UNKNOWN_TEST 0x2 // rugo.test= names no scenario
#define PANIC_BAD_BOOT 0x3     // not entered by a Multiboot loader
#define PANIC_SCENARIO 0x4     // a scenario found a broken invariant
#define PANIC_NO_MEMORY 0x5    // no memory map, or memory ran out at boot
#define PANIC_VM 0x6	       // page table invariant broken
#define PANIC_LOCK 0x7	       // lock or scheduler invariant broken
#define PANIC_KALLOC 0x8       // page allocator invariant broken (bad free, full table)
#define PANIC_TRAP_BASE 0x100  // + vector: a fatal CPU exception in the kernel
void panic(uint32 code, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));
void qemu_exit(uint8 value) __attribute__((noreturn));
void halt_ok(void) __attribute__((noreturn));
#define QEMU_EXIT_OK 0x10   // QEMU exits with 0x10 * 2 + 1 = 33
#define QEMU_EXIT_FAIL 0x11 // QEMU exits with 0x11 * 2 + 1 = 35

// cmdline.c
void cmdline_init(const struct multiboot_info *mbi);
const char *cmdline_get(const char *key, char *buf, size_t size);

// kalloc.c
void kalloc_init(const struct multiboot_info *mbi);
void *kalloc(void);
void kfree(void *page);
void kalloc_stats(uint64 *nfree, uint64 *ntotal);
uint64 kalloc_ram_top(void);

// vm.c
extern pagetable_t kernel_pml4;
extern pagetable_t kernel_pd;
void vm_init(void);
pte_t *vm_walk(pagetable_t pml4, uint64 va, bool alloc);
int vm_map_page(pagetable_t pml4, uint64 va, uint64 pa, uint64 flags);
uint64 vm_unmap_page(pagetable_t pml4, uint64 va);
void vm_kernel_guard(uint64 va);
uint64 vm_translate(pagetable_t pml4, uint64 va, uint64 required);
void vm_switch(pagetable_t pml4);

// gdt.c
void gdt_init(void);
void tss_set_rsp0(uint64 rsp0);
bool tss_on_df_stack(uint64 addr);

// trap.c
void idt_init(void);
const char *trap_name(uint64 vector);
void trap(struct trapframe *tf);

// pic.c
void pic_init(void);
void pic_enable(int irq);
void irq_dispatch(int irq);

// pci.c is declared in pci.h (struct pci_dev).

// virtio_blk.c: the disk, in 512-byte sectors (docs/guest.md, "virtio-blk")
#define BLK_SECTOR BLK_SECTOR_SIZE
void virtio_blk_init(void);
void virtio_blk_intr(void);
int virtio_blk_irq(void);
bool blk_present(void);
uint64 blk_capacity(void);
int blk_rw(bool write, uint64 sector, void *buf, uint32 nsect);
int blk_submit_broken(void);
void blk_stats(uint64 *nreq, uint64 *nintr);

// virtio_net.c: the network device (docs/guest.md, "virtio-net")
#define NET_FRAME_MAX 1514 // an Ethernet frame without its FCS
void virtio_net_init(void);
void virtio_net_intr(void);
int virtio_net_irq(void);
bool net_present(void);
const uint8 *net_mac(void);
int net_transmit(const void *frame, uint32 len);

// net.c: Ethernet, ARP, IPv4, ICMP echo, UDP
enum net_drop {
	DROP_SHORT,
	DROP_BAD_IP_HEADER,
	DROP_BAD_IP_CHECKSUM,
	DROP_NOT_OURS,
	DROP_FRAGMENT,
	DROP_BAD_UDP,
	DROP_BAD_UDP_CHECKSUM,
	DROP_NO_PORT,
	DROP_QUEUE_FULL,
	DROP_PROTOCOL,
	NET_DROP_COUNT
};
void net_input(const uint8 *frame, uint32 len);
void net_drop(enum net_drop why);
void net_stats(uint64 *rx, uint64 *dropped);
int net_arp_resolve(uint32 ip, uint8 *mac);
int net_udp_output(uint16 src_port, uint32 dst, uint16 dst_port, const void *data, uint32 len);
uint32 net_address(void);
uint32 net_gateway(void);

// udp.c: sockets
struct udp_sock *udp_bind(uint16 port, int *err);
uint16 udp_port(const struct udp_sock *s);
void udp_get(struct udp_sock *s);
void udp_put(struct udp_sock *s);
void udp_deliver(uint16 port, uint32 src, uint16 src_port, const uint8 *data, uint32 len);
int udp_take(struct udp_sock *s, uint8 *buf, uint32 cap, uint32 *src, uint16 *src_port,
	     uint64 deadline);

// uart.c input
void uart_intr(void);
void uart_enable_rx(void);
uint32 uart_read(uint8 *buf, uint32 cap);

// timer.c
#define TIMER_HZ 100
void timer_init(void);
void timer_tick(void);
uint64 timer_ticks(void);
void timer_sleep(uint64 n);

// thread.c
void thread_init(void);
struct thread *thread_create(const char *name, void (*fn)(void *), void *arg);
struct thread *thread_create_user_tf(struct proc *p, const struct trapframe *tf, uint64 fsbase);
void thread_wake_proc(struct proc *p);
const char *thread_guard_owner(uint64 addr);
int thread_count(void);
uint64 thread_kstack_top(struct thread *t);
void yield(void);
void thread_exit(void) __attribute__((noreturn));
void sleep(void *chan, struct spinlock *lk);
void sleep_until(void *chan, struct spinlock *lk, uint64 deadline);
void wakeup(void *chan);
void wakeup_expired(uint64 now);
void scheduler(void) __attribute__((noreturn));

// uvm.c: user address spaces and validated user memory access
pagetable_t uvm_create(void);
bool uvm_range_ok(uint64 va, uint64 len);
int uvm_alloc(pagetable_t pml4, uint64 va, uint64 len, uint64 flags);
bool uvm_any_mapped(pagetable_t pml4, uint64 va, uint64 len);
void uvm_unmap(pagetable_t pml4, uint64 va, uint64 len);
void uvm_destroy(pagetable_t pml4);
int uvm_write(pagetable_t pml4, uint64 va, const void *src, uint64 len);
int copyin(pagetable_t pml4, void *dst, uint64 va, uint64 len);
int copyout(pagetable_t pml4, uint64 va, const void *src, uint64 len);
int copyinstr(pagetable_t pml4, char *dst, uint64 va, uint64 max);
int copyin_name(char *dst, uint64 va, uint64 max);

// exec.c
void exec_modules_init(const struct multiboot_info *mbi);
int exec_embedded(const char *name, const uint8 **image, uint64 *size);
int exec_load(pagetable_t pml4, const uint8 *image, uint64 size, uint64 *entry);

// fscore.c: the ring1 read-only filesystem core
void fs_core_init(void);
bool fs_core_mounted(void);
int fs_core_open(const char *path, const uint8 **data, uint64 *size);
void fs_core_close(void);
int fs_core_stat(const char *path, uint32 *type, uint32 *size);
int fs_core_read(const char *path, uint32 off, void *dst, uint32 len);

// proc.c (enum handle_kind is in proc.h)
extern struct spinlock proc_lock;
struct proc *myproc(void);
int proc_spawn(const char *name, uint64 arg);
int proc_spawn_file(const char *path, const char *args, uint64 len, int parent);
int proc_spawn_linux(const char *name);
int proc_spawn_linux_image(const char *name, const uint8 *image, uint64 size);
int proc_add_thread(struct proc *p, uint64 entry, uint64 stack_top, uint64 arg);
int proc_add_thread_tf(struct proc *p, const struct trapframe *tf, uint64 fsbase);
void proc_thread_exit(int64 code) __attribute__((noreturn));
extern bool proc_exit_preempt;
void proc_kill(struct proc *p);
bool proc_killed(void);
void proc_user_fault(struct trapframe *tf);
int proc_wait(int pid, int parent);
int proc_count(void);
bool proc_exited(int pid);

// syscall.c, ipc.c, shm.c: each sys_* takes the four argument registers.
void syscall_dispatch(struct trapframe *tf);
void endpoint_get(struct endpoint *ep);
void endpoint_put(struct endpoint *ep);
void ipc_stats(uint64 *sent, uint64 *received);
bool svc_registered(const char *name);
int64 sys_ipc_create(const uint64 *arg);
int64 sys_ipc_send(const uint64 *arg);
int64 sys_ipc_recv(const uint64 *arg);
int64 sys_svc_register(const uint64 *arg);
int64 sys_svc_lookup(const uint64 *arg);
void shm_get(struct shm *s);
void shm_put(struct shm *s);
int64 sys_vm_map(const uint64 *arg);
int64 sys_vm_unmap(const uint64 *arg);
int64 sys_shm_create(const uint64 *arg);
int64 sys_shm_map(const uint64 *arg);
int64 sys_spawn(const uint64 *arg);
int64 sys_fs_stat(const uint64 *arg);
int64 sys_fs_read(const uint64 *arg);
int64 sys_wait(const uint64 *arg);
int64 sys_handle_close(const uint64 *arg);
int64 sys_console_read(const uint64 *arg);
int64 sys_blk_info(const uint64 *arg);
int64 sys_blk_read(const uint64 *arg);
int64 sys_blk_write(const uint64 *arg);
int64 sys_net_bind(const uint64 *arg);
int64 sys_net_sendto(const uint64 *arg);
int64 sys_net_recvfrom(const uint64 *arg);

// scenario.c
void scenario_start(const char *name);

#endif
