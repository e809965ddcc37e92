// virtio_blk.c: the virtio block device, on the legacy virtio-pci
// transport and split virtqueue of virtio.c: one queue, whose requests are
// chains of three descriptors (header, data, status byte).
//
// One request at a time. Completion comes by the PCI INTx line through the
// PIC; if the firmware left no interrupt line, the driver says so and polls
// once a tick. Every wait is bounded (BLK_TIMEOUT_TICKS): a device that
// never completes gives a `BLK: timeout` line and disables the driver,
// never a hang.
#include "types.h"
#include "x86.h"
#include "defs.h"
#include "pci.h"
#include "proc.h"
#include "spinlock.h"
#include "virtio.h"

#define VIRTIO_BLK_LEGACY 0x1001       // transitional virtio-blk
#define VIRTIO_BLK_MODERN 0x1042       // modern-only: no legacy registers
#define VIO_BLK_CAPACITY VIRTIO_CONFIG // u64, in 512-byte sectors

#define VIRTIO_BLK_T_IN 0  // read
#define VIRTIO_BLK_T_OUT 1 // write
#define VIRTIO_BLK_S_OK 0

#define BLK_TIMEOUT_TICKS (5 * TIMER_HZ) // bound on one request
#define BLK_IO_SECTORS 8		 // per request: one page of data

struct blk_req_header {
	uint32 type;
	uint32 reserved;
	uint64 sector;
};

// The queue's memory and the one request's buffers. Static, so physical =
// virtual and the pages are contiguous.
static uint8 queue_area[VIRTQ_AREA] __attribute__((aligned(4096)));
static uint8 dma_data[BLK_IO_SECTORS * BLK_SECTOR] __attribute__((aligned(4096)));
static struct blk_req_header dma_header;
static volatile uint8 dma_status;

// blk_lock guards everything below and the queue; `busy` makes requests
// take turns (a thread sleeps with blk_lock released while one is out).
static struct spinlock blk_lock = SPINLOCK_INIT("blk");
static uint16 iobase;
static int irq = -1; // -1: no device or no line (polling)
static struct virtq vq;
static uint64 capacity;
static bool present, busy, dead;
static uint64 requests, interrupts;

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
	if (virtio_isr(iobase) & 1) {
		__atomic_fetch_add(&interrupts, 1, __ATOMIC_RELAXED);
		wakeup(&vq);
	}
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
	if (virtio_open(d, &iobase) < 0) {
		kprintf("BLK: no device (BAR 0 is not an I/O BAR)\n");
		return;
	}
	(void)virtio_device_features(iobase);
	virtio_set_features(iobase, 0); // none needed: plain read/write
	if (!virtq_setup(&vq, iobase, 0, queue_area)) {
		virtio_fail(iobase);
		kprintf("BLK: no device (queue size unsupported)\n");
		return;
	}
	capacity = inl(iobase + VIO_BLK_CAPACITY) | (uint64)inl(iobase + VIO_BLK_CAPACITY + 4)
							    << 32;
	irq = virtio_irq(d, "BLK", "rugo.blk");
	present = true;
	virtio_driver_ok(iobase);
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

// Wait, bounded, for the device to return the request. Caller holds
// blk_lock. Returns 0 or ERR_TIMEOUT (the driver is then disabled: the
// device still owns the buffers).
static int blk_wait(uint64 sector)
{
	uint64 start = timer_ticks(), deadline = start + BLK_TIMEOUT_TICKS;
	uint32 id, len;
	while (!virtq_pop(&vq, &id, &len)) {
		uint64 now = timer_ticks();
		if (now >= deadline) {
			dead = true;
			kprintf("BLK: timeout sector=%lu after %lu ms, driver disabled\n", sector,
				(now - start) * (1000 / TIMER_HZ));
			return ERR_TIMEOUT;
		}
		// With an interrupt line the IRQ wakes us; the deadline is the
		// bound. Without one, look again on the next tick.
		sleep_until(&vq, &blk_lock, irq >= 0 ? deadline : now + 1);
	}
	requests++;
	return 0;
}

// Fill the three descriptors of a request for nsect sectors of dma_data
// (header length hdr_len: the whole header, except for blk_submit_broken).
static void blk_fill(uint32 type, uint64 sector, uint32 nsect, uint32 hdr_len)
{
	dma_header = (struct blk_req_header){.type = type, .sector = sector};
	dma_status = 0xff;
	vq.desc[0] = (struct virtq_desc){(uintptr)&dma_header, hdr_len, VIRTQ_DESC_F_NEXT, 1};
	vq.desc[1] = (struct virtq_desc){
		(uintptr)dma_data, nsect * BLK_SECTOR,
		(uint16)(VIRTQ_DESC_F_NEXT | (type == VIRTIO_BLK_T_IN ? VIRTQ_DESC_F_WRITE : 0)),
		2};
	vq.desc[2] = (struct virtq_desc){(uintptr)&dma_status, 1, VIRTQ_DESC_F_WRITE, 0};
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
	virtq_push(&vq, 0);
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
	virtq_push(&vq, 0);
	err = blk_wait(0);
	blk_end();
	return err;
}
