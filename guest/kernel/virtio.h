// virtio.h: the legacy virtio-pci transport and the split virtqueue, shared
// by virtio_blk.c and virtio_net.c (virtio 1.x spec, 4.1.4.8 "Legacy
// Interfaces" and 2.7 "Split Virtqueues"). virtio.c owns the register
// protocol and the ring indexes; each driver owns its buffers and what the
// descriptors say.
#ifndef RUGO_VIRTIO_H
#define RUGO_VIRTIO_H

#include "types.h"

struct pci_dev;

#define VIRTIO_VENDOR 0x1af4
#define VIRTQ_DESC_F_NEXT 1
#define VIRTQ_DESC_F_WRITE 2 // the device writes this buffer
#define VIRTQ_MAX 256	     // the largest queue a VIRTQ_AREA holds
// A queue's memory: descriptors, available ring and (page aligned) used
// ring for VIRTQ_MAX entries. Static in the drivers, so physical = virtual.
#define VIRTQ_AREA (4 * 4096)

// Legacy device config starts here when MSI-X is off, as in Rugo.
#define VIRTIO_CONFIG 0x14

struct virtq_desc {
	uint64 addr;
	uint32 len;
	uint16 flags;
	uint16 next;
};

struct virtq {
	uint16 iobase, index, size;
	struct virtq_desc *desc;
	volatile uint16 *avail;	   // flags, idx, ring[size]
	volatile uint16 *used_hdr; // flags, idx, then {id, len} elements
	uint16 used_seen;	   // the next used element to take
};

// virtio.c
int virtio_open(const struct pci_dev *d, uint16 *iobase);
uint32 virtio_device_features(uint16 iobase);
void virtio_set_features(uint16 iobase, uint32 features);
bool virtq_setup(struct virtq *q, uint16 iobase, uint16 index, uint8 *area);
void virtq_push(struct virtq *q, uint16 head);
bool virtq_pop(struct virtq *q, uint32 *id, uint32 *len);
bool virtq_has_used(const struct virtq *q);
void virtio_driver_ok(uint16 iobase);
void virtio_fail(uint16 iobase);
uint8 virtio_isr(uint16 iobase);
int virtio_irq(const struct pci_dev *d, const char *who, const char *poll_key);

#endif
