// pci.c: PCI configuration space through the legacy mechanism #1 (ports
// 0xcf8/0xcfc), which both QEMU machines (pc and q35) provide. pci_init
// scans bus 0 once at boot, remembers every function it finds (vendor,
// device, class, BARs, interrupt line) and prints one line per function.
// Nothing here depends on the firmware beyond the interrupt line register,
// which the firmware may leave unset (0 or 0xff); drivers check that.
#include "types.h"
#include "x86.h"
#include "defs.h"
#include "pci.h"

#define PCI_ADDR 0xcf8
#define PCI_DATA 0xcfc

static struct pci_dev devs[PCI_MAX_DEVS];
static int ndevs;

static uint32 pci_cfg_addr(uint8 bus, uint8 dev, uint8 fn, uint8 off)
{
	return 0x80000000u | (uint32)bus << 16 | (uint32)dev << 11 | (uint32)fn << 8 | (off & 0xfc);
}

static uint32 pci_cfg_read(uint8 bus, uint8 dev, uint8 fn, uint8 off)
{
	outl(PCI_ADDR, pci_cfg_addr(bus, dev, fn, off));
	return inl(PCI_DATA);
}

uint32 pci_read32(const struct pci_dev *d, uint8 off)
{
	return pci_cfg_read(d->bus, d->dev, d->fn, off);
}

// Write a 16-bit register (off even), e.g. the command register.
void pci_write16(const struct pci_dev *d, uint8 off, uint16 v)
{
	outl(PCI_ADDR, pci_cfg_addr(d->bus, d->dev, d->fn, off));
	outw(PCI_DATA + (off & 2), v);
}

// Record function bus:dev.fn if it exists; returns whether it does.
static bool pci_probe(uint8 bus, uint8 dev, uint8 fn)
{
	uint32 id = pci_cfg_read(bus, dev, fn, 0x00);
	if ((id & 0xffff) == 0xffff || ndevs == PCI_MAX_DEVS)
		return false;
	struct pci_dev *d = &devs[ndevs++];
	uint32 class = pci_cfg_read(bus, dev, fn, 0x08);
	uint32 intr = pci_cfg_read(bus, dev, fn, 0x3c);
	*d = (struct pci_dev){.bus = bus, .dev = dev, .fn = fn};
	d->vendor = id & 0xffff;
	d->device = id >> 16;
	d->class_code = class >> 24;
	d->subclass = (class >> 16) & 0xff;
	d->irq_line = intr & 0xff;
	d->irq_pin = (intr >> 8) & 0xff;
	for (int i = 0; i < 6; i++)
		d->bar[i] = pci_cfg_read(bus, dev, fn, 0x10 + 4 * i);
	kprintf("PCI: %02x:%02x.%x %04x:%04x class=%02x%02x irq=%u\n", bus, dev, fn, d->vendor,
		d->device, d->class_code, d->subclass, d->irq_line);
	return true;
}

// Scan bus 0: every device, and functions 1-7 of multi-function devices.
void pci_init(void)
{
	for (uint8 dev = 0; dev < 32; dev++) {
		if (!pci_probe(0, dev, 0))
			continue;
		bool multi = (pci_cfg_read(0, dev, 0, 0x0c) >> 16) & 0x80;
		for (uint8 fn = 1; multi && fn < 8; fn++)
			pci_probe(0, dev, fn);
	}
}

// The first function with this vendor and device id, or NULL.
const struct pci_dev *pci_find(uint16 vendor, uint16 device)
{
	for (int i = 0; i < ndevs; i++)
		if (devs[i].vendor == vendor && devs[i].device == device)
			return &devs[i];
	return NULL;
}
