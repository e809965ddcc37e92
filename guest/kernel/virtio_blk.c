// virtio_blk.c: the virtio block device over the legacy virtio-pci
// transport (virtio 1.x spec, section 4.1.4.8 "Legacy Interfaces"): the
// registers sit in the I/O BAR 0 and the one split virtqueue lives in
// physically contiguous pages whose frame number the driver writes there.
// QEMU's `-drive if=virtio` on pc and q35 is a transitional device (id
// 0x1001) that offers this interface next to the modern one; legacy needs
// no capability walk and no MMIO mapping, so it is the one Rugo drives.
//
// One request at a time: a chain of three descriptors (header, data,
// status byte). Completion comes by the PCI INTx line through the PIC; if
// the firmware left no interrupt line, the driver says so and polls once a
// tick. Every wait is bounded (BLK_TIMEOUT_TICKS): a device that never
// completes gives a `BLK: timeout` line and disables the driver, never a
// hang.
#include "types.h"
#include "x86.h"
#include "defs.h"
#include "pci.h"
#include "proc.h"
#include "spinlock.h"

#define VIRTIO_VENDOR 0x1af4
#define VIRTIO_BLK_LEGACY 0x1001 // transitional virtio-blk
#define VIRTIO_BLK_MODERN 0x1042 // modern-only: no legacy registers

// Legacy register offsets in BAR 0 (no MSI-X, so the device config is at 20).
#define VIO_DEVICE_FEATURES 0x00
#define VIO_GUEST_FEATURES 0x04
#define VIO_QUEUE_PFN 0x08
#define VIO_QUEUE_SIZE 0x0c
#define VIO_QUEUE_SELECT 0x0e
#define VIO_QUEUE_NOTIFY 0x10
#define VIO_STATUS 0x12
#define VIO_ISR 0x13
#define VIO_BLK_CAPACITY 0x14 // u64, in 512-byte sectors

#define STATUS_ACKNOWLEDGE 1
#define STATUS_DRIVER 2
#define STATUS_DRIVER_OK 4
#define STATUS_FAILED 0x80

#define VIRTQ_DESC_F_NEXT 1
#define VIRTQ_DESC_F_WRITE 2 // the device writes this buffer

#define VIRTIO_BLK_T_IN 0  // read
#define VIRTIO_BLK_T_OUT 1 // write
#define VIRTIO_BLK_S_OK 0

#define QUEUE_MAX 256			 // the largest queue the static area holds
#define BLK_TIMEOUT_TICKS (5 * TIMER_HZ) // bound on one request
#define BLK_IO_SECTORS 8		 // per request: one page of data

struct virtq_desc {
	uint64 addr;
	uint32 len;
	uint16 flags;
	uint16 next;
};

struct virtq_used_elem {
	uint32 id;
	uint32 len;
};

struct blk_req_header {
	uint32 type;
	uint32 reserved;
	uint64 sector;
};

// The legacy queue layout: descriptors, then the available ring, then (on
// the next page) the used ring. Static, so physical = virtual and the pages
// are contiguous.
static uint8 queue_area[4 * 4096] __attribute__((aligned(4096)));
static uint8 dma_data[BLK_IO_SECTORS * BLK_SECTOR] __attribute__((aligned(4096)));
static struct blk_req_header dma_header;
static volatile uint8 dma_status;

// blk_lock guards everything below and the queue; `busy` makes requests
// take turns (a thread sleeps with blk_lock released while one is out).
static struct spinlock blk_lock = SPINLOCK_INIT("blk");
static uint16 iobase;
static int irq = -1; // -1: no device or no line (polling)
static uint16 qsize;
static struct virtq_desc *desc;
static volatile uint16 *avail;	  // flags, idx, ring[qsize]
static volatile uint16 *used_hdr; // flags, idx, then the elements
static uint16 used_seen;
static uint64 capacity;
static bool present, busy, dead;
static uint64 requests, interrupts;

static volatile uint16 *used_idx(void)
{
	return &used_hdr[1];
}

int virtio_blk_irq(void)
{
	return irq;
}

bool blk_present(void)
{
	return present && !dead;
}

uint64 blk_capacity(void)
{
	return capacity;
}

// The interrupt: reading ISR acknowledges it and lowers the line.
void virtio_blk_intr(void)
{
	if (!present)
		return;
	uint8 isr = inb(iobase + VIO_ISR);
	if (isr & 1) {
		__atomic_fetch_add(&interrupts, 1, __ATOMIC_RELAXED);
		wakeup(&used_seen);
	}
}

// Lay the queue out for qsize entries (legacy alignment: 4096).
static bool blk_setup_queue(void)
{
	outw(iobase + VIO_QUEUE_SELECT, 0);
	qsize = inw(iobase + VIO_QUEUE_SIZE);
	if (qsize == 0 || qsize > QUEUE_MAX)
		return false;
	uint64 avail_off = 16ULL * qsize;
	uint64 used_off = PGROUNDUP(avail_off + 6 + 2ULL * qsize);
	if (used_off + 6 + 8ULL * qsize > sizeof(queue_area))
		return false;
	memset(queue_area, 0, sizeof(queue_area));
	desc = (struct virtq_desc *)queue_area;
	avail = (volatile uint16 *)(queue_area + avail_off);
	used_hdr = (volatile uint16 *)(queue_area + used_off);
	used_seen = 0;
	outl(iobase + VIO_QUEUE_PFN, (uint32)((uintptr)queue_area >> 12));
	return true;
}

// Find and start the device. Prints `BLK: found virtio-blk ...` or
// `BLK: no device`; without a disk the kernel carries on.
void virtio_blk_init(void)
{
	const struct pci_dev *d = pci_find(VIRTIO_VENDOR, VIRTIO_BLK_LEGACY);
	if (d == NULL) {
		if (pci_find(VIRTIO_VENDOR, VIRTIO_BLK_MODERN))
			kprintf("BLK: modern-only virtio-blk found, legacy transport needed\n");
		kprintf("BLK: no device\n");
		return;
	}
	if (!(d->bar[0] & 1)) {
		kprintf("BLK: no device (BAR 0 is not an I/O BAR)\n");
		return;
	}
	iobase = d->bar[0] & 0xfffc;
	// I/O space and bus mastering on, INTx not disabled.
	pci_write16(d, 0x04, (uint16)((pci_read32(d, 0x04) & 0xffff & ~0x400) | 0x5));
	outb(iobase + VIO_STATUS, 0); // reset
	outb(iobase + VIO_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
	(void)inl(iobase + VIO_DEVICE_FEATURES);
	outl(iobase + VIO_GUEST_FEATURES, 0); // none needed: plain read/write
	if (!blk_setup_queue()) {
		outb(iobase + VIO_STATUS, STATUS_FAILED);
		kprintf("BLK: no device (queue size %u unsupported)\n", qsize);
		return;
	}
	capacity = inl(iobase + VIO_BLK_CAPACITY) | (uint64)inl(iobase + VIO_BLK_CAPACITY + 4)
							    << 32;
	char mode[8];
	if (d->irq_line == 0 || d->irq_line >= 16) {
		kprintf("BLK: no interrupt line (0x%x), polling every tick\n", d->irq_line);
	} else if (cmdline_get("rugo.blk", mode, sizeof(mode)) && strcmp(mode, "poll") == 0) {
		kprintf("BLK: rugo.blk=poll, polling every tick\n");
	} else {
		irq = d->irq_line;
		pic_enable(irq);
	}
	present = true;
	outb(iobase + VIO_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_DRIVER_OK);
	kprintf("BLK: found virtio-blk capacity=%lu sectors\n", capacity);
}

// How many requests completed and how many interrupts came, for the
// scenarios' detail lines.
void blk_stats(uint64 *nreq, uint64 *nintr)
{
	acquire(&blk_lock);
	*nreq = requests;
	*nintr = __atomic_load_n(&interrupts, __ATOMIC_RELAXED);
	release(&blk_lock);
}

// Put the chain head 0 on the available ring and notify the device.
static void blk_kick(void)
{
	uint16 idx = avail[1];
	avail[2 + idx % qsize] = 0;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	avail[1] = (uint16)(idx + 1);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	outw(iobase + VIO_QUEUE_NOTIFY, 0);
}

// Wait, bounded, for the device to return the request. Caller holds
// blk_lock. Returns 0 or ERR_TIMEOUT (the driver is then disabled: the
// device still owns the buffers).
static int blk_wait(uint64 sector)
{
	uint64 start = timer_ticks(), deadline = start + BLK_TIMEOUT_TICKS;
	while (*used_idx() == used_seen) {
		uint64 now = timer_ticks();
		if (now >= deadline) {
			dead = true;
			kprintf("BLK: timeout sector=%lu after %lu ms, driver disabled\n", sector,
				(now - start) * (1000 / TIMER_HZ));
			return ERR_TIMEOUT;
		}
		// With an interrupt line the IRQ wakes us; the deadline is the
		// bound. Without one, look again on the next tick.
		sleep_until(&used_seen, &blk_lock, irq >= 0 ? deadline : now + 1);
	}
	used_seen++;
	requests++;
	return 0;
}

// Fill the three descriptors of a request for nsect sectors of dma_data
// (header length hdr_len: the whole header, except for blk_submit_broken).
static void blk_fill(uint32 type, uint64 sector, uint32 nsect, uint32 hdr_len)
{
	dma_header = (struct blk_req_header){.type = type, .sector = sector};
	dma_status = 0xff;
	desc[0] = (struct virtq_desc){(uintptr)&dma_header, hdr_len, VIRTQ_DESC_F_NEXT, 1};
	desc[1] = (struct virtq_desc){(uintptr)dma_data, nsect * BLK_SECTOR,
				      (uint16)(VIRTQ_DESC_F_NEXT |
					       (type == VIRTIO_BLK_T_IN ? VIRTQ_DESC_F_WRITE : 0)),
				      2};
	desc[2] = (struct virtq_desc){(uintptr)&dma_status, 1, VIRTQ_DESC_F_WRITE, 0};
}

// Take the device for one request; returns with blk_lock held and busy
// set, or an error (lock released).
static int blk_begin(void)
{
	acquire(&blk_lock);
	while (busy)
		sleep(&busy, &blk_lock);
	if (!present || dead) {
		release(&blk_lock);
		return present ? ERR_IO : ERR_NODEV;
	}
	busy = true;
	return 0;
}

static void blk_end(void)
{
	busy = false;
	release(&blk_lock);
	wakeup(&busy);
}

// One request of at most BLK_IO_SECTORS sectors through dma_data.
static int blk_request(bool write, uint64 sector, uint8 *buf, uint32 nsect)
{
	int err = blk_begin();
	if (err < 0)
		return err;
	if (write)
		memcpy(dma_data, buf, nsect * BLK_SECTOR);
	blk_fill(write ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN, sector, nsect, sizeof(dma_header));
	blk_kick();
	err = blk_wait(sector);
	if (err == 0 && dma_status != VIRTIO_BLK_S_OK) {
		kprintf("BLK: %s sector=%lu failed status=%u\n", write ? "write" : "read", sector,
			dma_status);
		err = ERR_IO;
	}
	if (err == 0 && !write)
		memcpy(buf, dma_data, nsect * BLK_SECTOR);
	blk_end();
	return err;
}

// Read or write nsect sectors at sector from/to kernel memory buf.
// Returns 0, ERR_NODEV, ERR_INVAL (beyond the disk), ERR_IO or ERR_TIMEOUT.
int blk_rw(bool write, uint64 sector, void *buf, uint32 nsect)
{
	if (!present)
		return ERR_NODEV;
	if (sector > capacity || nsect > capacity - sector)
		return ERR_INVAL;
	for (uint32 done = 0; done < nsect;) {
		uint32 n = nsect - done < BLK_IO_SECTORS ? nsect - done : BLK_IO_SECTORS;
		int err = blk_request(write, sector + done, (uint8 *)buf + done * BLK_SECTOR, n);
		if (err < 0)
			return err;
		done += n;
	}
	return 0;
}

// Submit a request the device must refuse to complete: its header
// descriptor is 8 bytes, shorter than a virtio-blk header. QEMU then
// marks the device broken and never returns the chain, which is what the
// blk_timeout scenario needs to show that the wait is bounded. Returns
// ERR_TIMEOUT when the bound worked (the driver is then disabled).
int blk_submit_broken(void)
{
	int err = blk_begin();
	if (err < 0)
		return err;
	blk_fill(VIRTIO_BLK_T_IN, 0, 1, 8);
	blk_kick();
	err = blk_wait(0);
	blk_end();
	return err;
}
