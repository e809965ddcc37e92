// net.c: Rugo's IPv4 stack, just enough for UDP on QEMU's user-mode
// network: Ethernet, ARP (answering requests for our address, resolving
// the next hop), IPv4 (header checksum checked, fragments not reassembled),
// ICMP echo reply, and UDP in and out. Sockets and their queues are in
// udp.c. The address is static: QEMU's user network hands 10.0.2.15 to
// the first DHCP client and forwards host ports to it, with the gateway at
// 10.0.2.2, so Rugo takes those without asking (docs/guest.md).
//
// Every dropped packet is counted by reason; the first NET_DROP_LINES get a
// `NET: drop <reason>` line so a test can see the guest noticed.
#include "types.h"
#include "defs.h"
#include "spinlock.h"

#define ETH_HDR 14
#define ETH_ARP 0x0806
#define ETH_IP 0x0800
#define IP_HDR 20
#define UDP_HDR 8
#define IP_ICMP 1
#define IP_UDP 17
#define NET_IP 0x0a00020fu	// 10.0.2.15
#define NET_GATEWAY 0x0a000202u // 10.0.2.2
#define NET_MASK 0xffffff00u
#define ARP_SLOTS 4
#define ARP_TRIES 3
#define ARP_WAIT_TICKS (TIMER_HZ / 2)
#define NET_DROP_LINES 32

static const uint8 broadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

// arp_lock guards the table; the receive thread fills it, senders wait on it.
static struct spinlock arp_lock = SPINLOCK_INIT("arp");
static struct {
	uint32 ip;
	uint8 mac[6];
} arp_table[ARP_SLOTS];
static int arp_next;

static const char *const drop_names[NET_DROP_COUNT] = {
	[DROP_SHORT] = "short",
	[DROP_BAD_IP_HEADER] = "bad_ip_header",
	[DROP_BAD_IP_CHECKSUM] = "bad_ip_checksum",
	[DROP_NOT_OURS] = "not_ours",
	[DROP_FRAGMENT] = "fragment",
	[DROP_BAD_UDP] = "bad_udp",
	[DROP_BAD_UDP_CHECKSUM] = "bad_udp_checksum",
	[DROP_NO_PORT] = "no_port",
	[DROP_QUEUE_FULL] = "queue_full",
	[DROP_PROTOCOL] = "protocol",
};
static uint64 drops[NET_DROP_COUNT], drops_total, received;

static uint16 get16(const uint8 *p)
{
	return (uint16)(p[0] << 8 | p[1]);
}

static uint32 get32(const uint8 *p)
{
	return (uint32)p[0] << 24 | (uint32)p[1] << 16 | (uint32)p[2] << 8 | p[3];
}

static void put16(uint8 *p, uint16 v)
{
	p[0] = (uint8)(v >> 8);
	p[1] = (uint8)v;
}

static void put32(uint8 *p, uint32 v)
{
	put16(p, (uint16)(v >> 16));
	put16(p + 2, (uint16)v);
}

// The Internet checksum's running sum over len bytes (RFC 1071).
static uint32 csum_add(uint32 sum, const uint8 *p, uint32 len)
{
	for (uint32 i = 0; i + 1 < len; i += 2)
		sum += get16(p + i);
	if (len & 1)
		sum += (uint32)p[len - 1] << 8;
	return sum;
}

static uint16 csum_fold(uint32 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16)~sum;
}

// The UDP checksum over the pseudo header and the datagram (len bytes).
static uint16 udp_csum(uint32 src, uint32 dst, const uint8 *udp, uint32 len)
{
	uint8 pseudo[12];
	put32(pseudo, src);
	put32(pseudo + 4, dst);
	put16(pseudo + 8, IP_UDP);
	put16(pseudo + 10, (uint16)len);
	return csum_fold(csum_add(csum_add(0, pseudo, 12), udp, len));
}

// Count a dropped packet. Called from the receive thread only.
void net_drop(enum net_drop why)
{
	drops[why]++;
	if (++drops_total <= NET_DROP_LINES)
		kprintf("NET: drop %s (%lu so far)\n", drop_names[why], drops[why]);
}

void net_stats(uint64 *rx, uint64 *dropped)
{
	*rx = received;
	*dropped = drops_total;
}

static void arp_learn(uint32 ip, const uint8 *mac)
{
	acquire(&arp_lock);
	int slot = -1;
	for (int i = 0; i < ARP_SLOTS; i++)
		if (arp_table[i].ip == ip)
			slot = i;
	if (slot < 0) {
		slot = arp_next;
		arp_next = (arp_next + 1) % ARP_SLOTS;
	}
	arp_table[slot].ip = ip;
	memcpy(arp_table[slot].mac, mac, 6);
	release(&arp_lock);
	wakeup(arp_table);
}

// Look ip up; caller holds arp_lock.
static bool arp_lookup(uint32 ip, uint8 *mac)
{
	for (int i = 0; i < ARP_SLOTS; i++)
		if (arp_table[i].ip == ip && ip != 0) {
			memcpy(mac, arp_table[i].mac, 6);
			return true;
		}
	return false;
}

static void eth_header(uint8 *f, const uint8 *dst, uint16 type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, net_mac(), 6);
	put16(f + 12, type);
}

static int arp_send(uint16 op, const uint8 *dst_mac, uint32 dst_ip)
{
	uint8 f[ETH_HDR + 28];
	eth_header(f, op == 1 ? broadcast : dst_mac, ETH_ARP);
	uint8 *a = f + ETH_HDR;
	put16(a, 1);	      // Ethernet
	put16(a + 2, ETH_IP); // IPv4
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, op);
	memcpy(a + 8, net_mac(), 6);
	put32(a + 14, NET_IP);
	memcpy(a + 18, op == 1 ? (const uint8 *)"\0\0\0\0\0\0" : dst_mac, 6);
	put32(a + 24, dst_ip);
	return net_transmit(f, sizeof(f));
}

// The MAC of ip, asking up to ARP_TRIES times, each wait bounded.
// Returns 0 or ERR_TIMEOUT.
int net_arp_resolve(uint32 ip, uint8 *mac)
{
	acquire(&arp_lock);
	for (int tries = 0; !arp_lookup(ip, mac); tries++) {
		if (tries == ARP_TRIES) {
			release(&arp_lock);
			return ERR_TIMEOUT;
		}
		release(&arp_lock);
		arp_send(1, broadcast, ip);
		acquire(&arp_lock);
		uint64 deadline = timer_ticks() + ARP_WAIT_TICKS;
		while (!arp_lookup(ip, mac) && timer_ticks() < deadline)
			sleep_until(arp_table, &arp_lock, deadline);
	}
	release(&arp_lock);
	return 0;
}

static void arp_input(const uint8 *a, uint32 len)
{
	if (len < 28 || get16(a) != 1 || get16(a + 2) != ETH_IP || a[4] != 6 || a[5] != 4) {
		net_drop(DROP_SHORT);
		return;
	}
	uint32 sender = get32(a + 14), target = get32(a + 24);
	if (sender != 0)
		arp_learn(sender, a + 8);
	if (get16(a + 6) == 1 && target == NET_IP)
		arp_send(2, a + 8, sender);
}

// Send an IPv4 packet of len payload bytes already at pkt + ETH_HDR +
// IP_HDR (pkt has room for both headers). Returns 0 or an ABI error.
static int ip_output(uint8 *pkt, uint32 dst, uint8 proto, uint32 len)
{
	static uint16 ip_id;
	uint8 mac[6];
	uint32 hop = (dst & NET_MASK) == (NET_IP & NET_MASK) ? dst : NET_GATEWAY;
	int err = net_arp_resolve(hop, mac);
	if (err < 0)
		return err;
	eth_header(pkt, mac, ETH_IP);
	uint8 *ip = pkt + ETH_HDR;
	memset(ip, 0, IP_HDR);
	ip[0] = 0x45;
	put16(ip + 2, (uint16)(IP_HDR + len));
	put16(ip + 4, __atomic_add_fetch(&ip_id, 1, __ATOMIC_RELAXED));
	put16(ip + 6, 0x4000); // don't fragment
	ip[8] = 64;
	ip[9] = proto;
	put32(ip + 12, NET_IP);
	put32(ip + 16, dst);
	put16(ip + 10, csum_fold(csum_add(0, ip, IP_HDR)));
	return net_transmit(pkt, ETH_HDR + IP_HDR + len);
}

// Send a UDP datagram of len bytes (at most NET_UDP_MAX, no fragments).
// May sleep (ARP, the device), so the packet is built in a page of its own,
// not a buffer behind a spinlock.
int net_udp_output(uint16 src_port, uint32 dst, uint16 dst_port, const void *data, uint32 len)
{
	if (len > NET_UDP_MAX)
		return ERR_INVAL;
	if (!net_present())
		return ERR_NODEV;
	uint8 *pkt = kalloc(); // NET_FRAME_MAX fits in one page
	if (pkt == NULL)
		return ERR_NOMEM;
	uint8 *udp = pkt + ETH_HDR + IP_HDR;
	put16(udp, src_port);
	put16(udp + 2, dst_port);
	put16(udp + 4, (uint16)(UDP_HDR + len));
	put16(udp + 6, 0);
	memcpy(udp + UDP_HDR, data, len);
	uint16 sum = udp_csum(NET_IP, dst, udp, UDP_HDR + len);
	put16(udp + 6, sum ? sum : 0xffff);
	int err = ip_output(pkt, dst, IP_UDP, UDP_HDR + len);
	kfree(pkt);
	return err;
}

static void udp_input(uint32 src, const uint8 *udp, uint32 len)
{
	if (len < UDP_HDR || get16(udp + 4) < UDP_HDR || get16(udp + 4) > len) {
		net_drop(DROP_BAD_UDP);
		return;
	}
	len = get16(udp + 4);
	if (get16(udp + 6) != 0 && udp_csum(src, NET_IP, udp, len) != 0) {
		net_drop(DROP_BAD_UDP_CHECKSUM);
		return;
	}
	udp_deliver(get16(udp + 2), src, get16(udp), udp + UDP_HDR, len - UDP_HDR);
}

// Answer an echo request (type 8) with the same identifier, sequence and data.
static void icmp_input(uint32 src, const uint8 *icmp, uint32 len)
{
	static uint8 pkt[NET_FRAME_MAX]; // only the receive thread is here
	if (len < 8 || len > NET_FRAME_MAX - ETH_HDR - IP_HDR || icmp[0] != 8) {
		net_drop(DROP_PROTOCOL);
		return;
	}
	uint8 *out = pkt + ETH_HDR + IP_HDR;
	memcpy(out, icmp, len);
	out[0] = 0;
	put16(out + 2, 0);
	put16(out + 2, csum_fold(csum_add(0, out, len)));
	ip_output(pkt, src, IP_ICMP, len);
}

static void ip_input(const uint8 *frame, const uint8 *ip, uint32 len)
{
	if (len < IP_HDR || (ip[0] >> 4) != 4 || (ip[0] & 0xf) < 5 ||
	    (uint32)(ip[0] & 0xf) * 4 > len || get16(ip + 2) > len ||
	    get16(ip + 2) < (ip[0] & 0xf) * 4) {
		net_drop(DROP_BAD_IP_HEADER);
		return;
	}
	uint32 hlen = (uint32)(ip[0] & 0xf) * 4, total = get16(ip + 2);
	if (csum_fold(csum_add(0, ip, hlen)) != 0) {
		net_drop(DROP_BAD_IP_CHECKSUM);
		return;
	}
	if (get32(ip + 16) != NET_IP) {
		net_drop(DROP_NOT_OURS);
		return;
	}
	if (get16(ip + 6) & 0x3fff) { // more fragments, or an offset
		net_drop(DROP_FRAGMENT);
		return;
	}
	// A sender on our subnet is its own next hop: learning its MAC here
	// lets the receive thread answer without asking ARP (and waiting).
	if ((get32(ip + 12) & NET_MASK) == (NET_IP & NET_MASK))
		arp_learn(get32(ip + 12), frame + 6);
	if (ip[9] == IP_UDP)
		udp_input(get32(ip + 12), ip + hlen, total - hlen);
	else if (ip[9] == IP_ICMP)
		icmp_input(get32(ip + 12), ip + hlen, total - hlen);
	else
		net_drop(DROP_PROTOCOL);
}

// One received Ethernet frame (without the virtio header). Receive thread.
void net_input(const uint8 *frame, uint32 len)
{
	received++;
	if (len < ETH_HDR) {
		net_drop(DROP_SHORT);
		return;
	}
	uint16 type = get16(frame + 12);
	if (type == ETH_ARP)
		arp_input(frame + ETH_HDR, len - ETH_HDR);
	else if (type == ETH_IP)
		ip_input(frame, frame + ETH_HDR, len - ETH_HDR);
	else
		net_drop(DROP_PROTOCOL);
}

uint32 net_gateway(void)
{
	return NET_GATEWAY;
}

uint32 net_address(void)
{
	return NET_IP;
}
