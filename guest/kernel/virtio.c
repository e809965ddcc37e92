// virtio.c: the legacy virtio-pci transport (registers in I/O BAR 0) and
// split virtqueue bookkeeping, for every virtio driver (virtio.h). QEMU's
// transitional devices on pc and q35 offer this interface next to the
// modern one; legacy needs no capability walk and no MMIO mapping.
#include "types.h"
#include "x86.h"
#include "defs.h"
#include "pci.h"
#include "virtio.h"

#define VIO_DEVICE_FEATURES 0x00
#define VIO_GUEST_FEATURES 0x04
#define VIO_QUEUE_PFN 0x08
#define VIO_QUEUE_SIZE 0x0c
#define VIO_QUEUE_SELECT 0x0e
#define VIO_QUEUE_NOTIFY 0x10
#define VIO_STATUS 0x12
#define VIO_ISR 0x13

#define STATUS_ACKNOWLEDGE 1
#define STATUS_DRIVER 2
#define STATUS_DRIVER_OK 4
#define STATUS_FAILED 0x80

// Turn on I/O space and bus mastering (INTx not disabled), reset the
// device and say a driver is here. Returns 0 with *iobase set, or -1 if
// BAR 0 is not an I/O BAR (the firmware assigned none).
int virtio_open(const struct pci_dev *d, uint16 *iobase)
{
	if (!(d->bar[0] & 1) || (d->bar[0] & 0xfffc) == 0)
		return -1;
	*iobase = d->bar[0] & 0xfffc;
	pci_write16(d, 0x04, (uint16)((pci_read32(d, 0x04) & 0xffff & ~0x400) | 0x5));
	outb(*iobase + VIO_STATUS, 0);
	outb(*iobase + VIO_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
	return 0;
}

uint32 virtio_device_features(uint16 iobase)
{
	return inl(iobase + VIO_DEVICE_FEATURES);
}

void virtio_set_features(uint16 iobase, uint32 features)
{
	outl(iobase + VIO_GUEST_FEATURES, features);
}

// Lay queue `index` out in area (VIRTQ_AREA bytes, page aligned) with the
// legacy 4096 alignment and give its frame to the device. False if the
// device's queue size is 0 or larger than VIRTQ_MAX.
bool virtq_setup(struct virtq *q, uint16 iobase, uint16 index, uint8 *area)
{
	outw(iobase + VIO_QUEUE_SELECT, index);
	uint16 size = inw(iobase + VIO_QUEUE_SIZE);
	if (size == 0 || size > VIRTQ_MAX)
		return false;
	uint64 avail_off = 16ULL * size;
	uint64 used_off = PGROUNDUP(avail_off + 6 + 2ULL * size);
	if (used_off + 6 + 8ULL * size > VIRTQ_AREA)
		return false;
	memset(area, 0, VIRTQ_AREA);
	*q = (struct virtq){.iobase = iobase, .index = index, .size = size};
	q->desc = (struct virtq_desc *)area;
	q->avail = (volatile uint16 *)(area + avail_off);
	q->used_hdr = (volatile uint16 *)(area + used_off);
	outl(iobase + VIO_QUEUE_PFN, (uint32)((uintptr)area >> 12));
	return true;
}

// Offer the chain starting at descriptor head and notify the device.
// Caller serializes pushes on q.
void virtq_push(struct virtq *q, uint16 head)
{
	uint16 idx = q->avail[1];
	q->avail[2 + idx % q->size] = head;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	q->avail[1] = (uint16)(idx + 1);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	outw(q->iobase + VIO_QUEUE_NOTIFY, q->index);
}

bool virtq_has_used(const struct virtq *q)
{
	return q->used_hdr[1] != q->used_seen;
}

// Take the next chain the device returned: its head and the bytes it
// wrote. False if there is none. Caller serializes pops on q.
bool virtq_pop(struct virtq *q, uint32 *id, uint32 *len)
{
	if (!virtq_has_used(q))
		return false;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	const volatile uint32 *elem = (const volatile uint32 *)&q->used_hdr[2];
	uint16 slot = q->used_seen % q->size;
	*id = elem[2 * slot];
	*len = elem[2 * slot + 1];
	q->used_seen++;
	return true;
}

void virtio_driver_ok(uint16 iobase)
{
	outb(iobase + VIO_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_DRIVER_OK);
}

void virtio_fail(uint16 iobase)
{
	outb(iobase + VIO_STATUS, STATUS_FAILED);
}

// Reading ISR acknowledges the interrupt and lowers the line; bit 0: a
// queue has used buffers.
uint8 virtio_isr(uint16 iobase)
{
	return inb(iobase + VIO_ISR);
}

// The device's interrupt line, unmasked, or -1 to poll: when the firmware
// left no line, or the command line says `poll_key=poll`. `who` prefixes
// the line that says why it polls ("BLK", "NET").
int virtio_irq(const struct pci_dev *d, const char *who, const char *poll_key)
{
	char mode[8];
	if (d->irq_line == 0 || d->irq_line >= 16) {
		kprintf("%s: no interrupt line (0x%x), polling every tick\n", who, d->irq_line);
		return -1;
	}
	if (cmdline_get(poll_key, mode, sizeof(mode)) && strcmp(mode, "poll") == 0) {
		kprintf("%s: %s=poll, polling every tick\n", who, poll_key);
		return -1;
	}
	pic_enable(d->irq_line);
	return d->irq_line;
}
