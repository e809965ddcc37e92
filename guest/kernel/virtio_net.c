// virtio_net.c: the virtio network device on the legacy transport of
// virtio.c: receive queue 0, transmit queue 1, the MAC address from the
// device config (VIRTIO_NET_F_MAC). Frames go up to net.c (net_input)
// from the "netrx" kernel thread, which the interrupt wakes and which also
// looks once a tick, so a lost interrupt costs 10 ms, never a hang.
//
// Every buffer is one descriptor: the 10-byte legacy header, then the
// frame. Receive buffers are posted once and posted again after their frame
// is handled; a send takes a free transmit buffer and waits until the
// device returns it. Every wait is bounded (NET_TX_TICKS).
#include "types.h"
#include "x86.h"
#include "defs.h"
#include "pci.h"
#include "proc.h"
#include "spinlock.h"
#include "virtio.h"

#define VIRTIO_NET_LEGACY 0x1000 // transitional virtio-net
#define VIRTIO_NET_F_MAC (1u << 5)
#define NET_HDR 10		    // struct virtio_net_hdr without MRG_RXBUF
#define NET_BUF 2048		    // header + the largest frame (1514)
#define NET_NRX 16		    // receive buffers posted
#define NET_NTX 16		    // transmit buffers
#define NET_TX_TICKS (1 * TIMER_HZ) // bound on waiting for a free buffer

static uint8 rx_area[VIRTQ_AREA] __attribute__((aligned(4096)));
static uint8 tx_area[VIRTQ_AREA] __attribute__((aligned(4096)));
static uint8 rx_bufs[NET_NRX][NET_BUF] __attribute__((aligned(4096)));
static uint8 tx_bufs[NET_NTX][NET_BUF] __attribute__((aligned(4096)));

// rx_lock guards rxq; tx_lock guards txq and tx_busy.
static struct spinlock rx_lock = SPINLOCK_INIT("netrx");
static struct spinlock tx_lock = SPINLOCK_INIT("nettx");
static struct virtq rxq, txq;
static bool tx_busy[NET_NTX];
static uint16 iobase;
static int irq = -1;
static bool present;
static uint8 mac[6];

int virtio_net_irq(void)
{
	return irq;
}

bool net_present(void)
{
	return present;
}

const uint8 *net_mac(void)
{
	return mac;
}

// The interrupt: acknowledge, then wake the receive thread and senders
// waiting for a transmit buffer.
void virtio_net_intr(void)
{
	if (present && (virtio_isr(iobase) & 1)) {
		wakeup(&rxq);
		wakeup(&txq);
	}
}

static void net_post_rx(uint16 i)
{
	rxq.desc[i] = (struct virtq_desc){(uintptr)rx_bufs[i], NET_BUF, VIRTQ_DESC_F_WRITE, 0};
	virtq_push(&rxq, i);
}

// The receive thread: hand each frame to net_input, then post its buffer
// again. Sleeps until the interrupt or the next tick.
static void net_rx_thread(void *arg)
{
	(void)arg;
	acquire(&rx_lock);
	for (;;) {
		uint32 id, len;
		while (virtq_pop(&rxq, &id, &len)) {
			release(&rx_lock);
			if (id < NET_NRX && len > NET_HDR && len <= NET_BUF)
				net_input(rx_bufs[id] + NET_HDR, len - NET_HDR);
			acquire(&rx_lock);
			if (id < NET_NRX)
				net_post_rx((uint16)id);
		}
		sleep_until(&rxq, &rx_lock, timer_ticks() + 1);
	}
}

// Set up both queues; false (device failed) if either cannot be.
static bool net_setup_queues(void)
{
	if (!virtq_setup(&rxq, iobase, 0, rx_area) || !virtq_setup(&txq, iobase, 1, tx_area))
		return false;
	if (rxq.size < NET_NRX || txq.size < NET_NTX)
		return false;
	return true;
}

// Find and start the device: `NET: found virtio-net mac=...` or
// `NET: no device`; without one the kernel carries on.
void virtio_net_init(void)
{
	const struct pci_dev *d = pci_find(VIRTIO_VENDOR, VIRTIO_NET_LEGACY);
	if (d == NULL) {
		kprintf("NET: no device\n");
		return;
	}
	if (virtio_open(d, &iobase) < 0) {
		kprintf("NET: no device (BAR 0 is not an I/O BAR)\n");
		return;
	}
	if (!(virtio_device_features(iobase) & VIRTIO_NET_F_MAC)) {
		virtio_fail(iobase);
		kprintf("NET: no device (it offers no MAC address)\n");
		return;
	}
	virtio_set_features(iobase, VIRTIO_NET_F_MAC);
	if (!net_setup_queues()) {
		virtio_fail(iobase);
		kprintf("NET: no device (queue size unsupported)\n");
		return;
	}
	for (int i = 0; i < 6; i++)
		mac[i] = inb(iobase + VIRTIO_CONFIG + i);
	irq = virtio_irq(d, "NET", "rugo.net");
	present = true;
	virtio_driver_ok(iobase);
	acquire(&rx_lock);
	for (uint16 i = 0; i < NET_NRX; i++)
		net_post_rx(i);
	release(&rx_lock);
	kprintf("NET: found virtio-net mac=%02x:%02x:%02x:%02x:%02x:%02x\n", mac[0], mac[1], mac[2],
		mac[3], mac[4], mac[5]);
	thread_create("netrx", net_rx_thread, NULL);
}

// Take back the buffers the device has sent. Caller holds tx_lock.
static void net_tx_reclaim(void)
{
	uint32 id, len;
	while (virtq_pop(&txq, &id, &len))
		if (id < NET_NTX)
			tx_busy[id] = false;
}

// A free transmit buffer, waiting at most NET_TX_TICKS; -1 if none came.
// Caller holds tx_lock.
static int net_tx_slot(void)
{
	uint64 deadline = timer_ticks() + NET_TX_TICKS;
	for (;;) {
		net_tx_reclaim();
		for (int i = 0; i < NET_NTX; i++)
			if (!tx_busy[i])
				return i;
		if (timer_ticks() >= deadline)
			return -1;
		sleep_until(&txq, &tx_lock, timer_ticks() + 1);
	}
}

// Wait, bounded, until the device has returned buffer i: QEMU has then
// handed the frame to its network backend, so a guest that powers off
// right after a send does not lose its last datagram. Caller holds tx_lock.
static int net_tx_wait(int i)
{
	uint64 deadline = timer_ticks() + NET_TX_TICKS;
	for (net_tx_reclaim(); tx_busy[i]; net_tx_reclaim()) {
		if (timer_ticks() >= deadline) {
			kprintf("NET: transmit timeout: the device kept a frame for %d ms\n",
				NET_TX_TICKS * (1000 / TIMER_HZ));
			return ERR_TIMEOUT;
		}
		sleep_until(&txq, &tx_lock, timer_ticks() + 1);
	}
	return 0;
}

// Send one Ethernet frame (len bytes, at most NET_FRAME_MAX) and wait until
// the device has taken it. Returns 0, ERR_NODEV, ERR_INVAL or ERR_TIMEOUT
// (no free buffer, or the device kept the frame).
int net_transmit(const void *frame, uint32 len)
{
	if (!present)
		return ERR_NODEV;
	if (len == 0 || len > NET_FRAME_MAX)
		return ERR_INVAL;
	acquire(&tx_lock);
	int i = net_tx_slot();
	if (i < 0) {
		release(&tx_lock);
		kprintf("NET: transmit timeout: the device returned no buffer in %d ms\n",
			NET_TX_TICKS * (1000 / TIMER_HZ));
		return ERR_TIMEOUT;
	}
	tx_busy[i] = true;
	memset(tx_bufs[i], 0, NET_HDR);
	memcpy(tx_bufs[i] + NET_HDR, frame, len);
	txq.desc[i] = (struct virtq_desc){(uintptr)tx_bufs[i], NET_HDR + len, 0, 0};
	virtq_push(&txq, (uint16)i);
	int err = net_tx_wait(i);
	release(&tx_lock);
	return err;
}
