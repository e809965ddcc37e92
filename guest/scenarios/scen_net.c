// scen_net.c: the virtio-net scenarios. The driver prints
// `NET: found virtio-net mac=...` or `NET: no device` at boot; these
// resolve the gateway by ARP and run the user-space echo service or the
// hostile-argument checks of the network calls.
#include "types.h"
#include "defs.h"
#include "scenario.h"

// net_identify: the boot's NET line is the whole test.
void scen_net_identify(void)
{
}

// `NET: gateway 10.0.2.2 at <mac>`, or false with a line saying why.
static bool net_gateway_line(void)
{
	uint8 mac[6];
	uint32 gw = net_gateway();
	if (!net_present()) {
		kprintf("NET: skipped: no device\n");
		return false;
	}
	if (net_arp_resolve(gw, mac) < 0) {
		kprintf("NET: gateway %u.%u.%u.%u did not answer ARP\n", gw >> 24,
			(gw >> 16) & 0xff, (gw >> 8) & 0xff, gw & 0xff);
		return false;
	}
	kprintf("NET: gateway %u.%u.%u.%u at %02x:%02x:%02x:%02x:%02x:%02x\n", gw >> 24,
		(gw >> 16) & 0xff, (gw >> 8) & 0xff, gw & 0xff, mac[0], mac[1], mac[2], mac[3],
		mac[4], mac[5]);
	return true;
}

static void net_run(const char *program)
{
	uint64 rx, dropped;
	if (!net_gateway_line())
		return;
	int pid = proc_spawn(program, 0);
	if (pid < 0)
		panic(PANIC_SCENARIO, "spawn %s: error %d", program, pid);
	proc_wait(pid, 0);
	net_stats(&rx, &dropped);
	kprintf("NET: stats frames=%lu dropped=%lu\n", rx, dropped);
}

// udp_echo: the echo service until the host sends "quit".
void scen_udp_echo(void)
{
	net_run("udpecho");
}

// net_hostile: bad arguments to the network calls.
void scen_net_hostile(void)
{
	net_run("hostile_net");
}
