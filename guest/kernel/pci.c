// pci.c: PCI configuration space through the legacy mechanism #1 (ports
// 0xcf8/0xcfc), which both QEMU machines (pc and q35) provide. pci_init
// scans bus 0 once at boot, remembers every function it finds (vendor,
// device, class, BARs, interrupt line) and prints one line per function.
// Rugo does not trust qboot's PCI setup, so the suite can boot on it (some
// 40 ms faster than SeaBIOS):
// - An I/O BAR the firmware left without an address (qboot assigns none,
//   SeaBIOS all) gets one here, so the legacy virtio drivers work on both.
//   Memory BARs are left alone: no driver uses them.
// - On the pc machine (i440FX with a PIIX3 at 00:01.0) the interrupt line
//   of a device in a slot is worked out from the PIIX3's PIRQ routing,
//   which both firmwares program alike: qboot writes a line register one
//   PIRQ off (11 for slot 2, where QEMU raises 10). Elsewhere the
//   firmware's line is used, and it may be unset (0 or 0xff); drivers
//   check that.
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

static void pci_cfg_write(uint8 bus, uint8 dev, uint8 fn, uint8 off, uint32 v)
{
	outl(PCI_ADDR, pci_cfg_addr(bus, dev, fn, off));
	outl(PCI_DATA, v);
}

// Where unassigned I/O BARs go: the top 16 KiB of the port space, above
// every ISA device and the PCI configuration ports, as SeaBIOS does.
#define PCI_IO_START 0xc000
#define PCI_IO_END 0x10000
static uint32 pci_io_next = PCI_IO_START;

// Give I/O BAR i of d an address if it has none: size it the standard way
// (write all ones, read back the bits that stick), align the next free
// port to that size, write it.
static void pci_assign_io_bar(struct pci_dev *d, int i)
{
	uint8 off = (uint8)(0x10 + 4 * i);
	if (!(d->bar[i] & 1) || (d->bar[i] & 0xfffc) != 0)
		return;
	pci_cfg_write(d->bus, d->dev, d->fn, off, 0xffffffffu);
	uint32 mask = pci_cfg_read(d->bus, d->dev, d->fn, off) & 0xfffc;
	pci_cfg_write(d->bus, d->dev, d->fn, off, d->bar[i]);
	if (mask == 0)
		return; // not implemented after all
	uint32 size = (~mask + 1) & 0xffff;
	uint32 base = (pci_io_next + size - 1) & ~(size - 1);
	if (base + size > PCI_IO_END) {
		kprintf("pci: %02x:%02x.%x bar%d: no I/O space left for %u ports\n", d->bus, d->dev,
			d->fn, i, size);
		return;
	}
	pci_cfg_write(d->bus, d->dev, d->fn, off, base);
	d->bar[i] = pci_cfg_read(d->bus, d->dev, d->fn, off);
	pci_io_next = base + size;
	kprintf("pci: %02x:%02x.%x bar%d io 0x%x-0x%x assigned\n", d->bus, d->dev, d->fn, i, base,
		base + size - 1);
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

#define PIIX3_PIRQ_ROUTE 0x60 // PIRQA-D routing, one byte each; bit 7: off

// Is this the pc machine's chipset: an i440FX host bridge at 00:00.0 and
// a PIIX3 ISA bridge at 00:01.0?
static bool pci_is_piix3(void)
{
	return pci_cfg_read(0, 0, 0, 0x00) == 0x12378086 &&
	       pci_cfg_read(0, 1, 0, 0x00) == 0x70008086;
}

// The ISA interrupt that pin (1-4) of device dev on bus 0 reaches through
// the PIIX3: QEMU's i440FX swizzles INTA of slot s to PIRQ (s - 1) mod 4,
// and the routing register says which IRQ that PIRQ drives. 0 if the
// PIRQ is not routed.
static uint8 pci_piix3_line(uint8 dev, uint8 pin)
{
	uint32 route = pci_cfg_read(0, 1, 0, PIIX3_PIRQ_ROUTE);
	uint8 irq = (route >> (8 * ((pin - 1 + dev - 1) & 3))) & 0xff;
	return irq & 0x80 || irq >= 16 ? 0 : irq;
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
	// The PIIX3's own functions (00:01.x) are wired to fixed ISA lines (the
	// ACPI SCI is 9), not through the PIRQs: their line stays the firmware's.
	if (bus == 0 && dev != 1 && d->irq_pin >= 1 && d->irq_pin <= 4 && pci_is_piix3())
		d->irq_line = pci_piix3_line(dev, d->irq_pin);
	// A bridge (header type 1 or 2) has two BARs, an ordinary function six.
	int nbars = (pci_cfg_read(bus, dev, fn, 0x0c) >> 16 & 0x7f) == 0 ? 6 : 2;
	for (int i = 0; i < nbars; i++)
		d->bar[i] = pci_cfg_read(bus, dev, fn, 0x10 + 4 * i);
	kprintf("PCI: %02x:%02x.%x %04x:%04x class=%02x%02x irq=%u\n", bus, dev, fn, d->vendor,
		d->device, d->class_code, d->subclass, d->irq_line);
	for (int i = 0; i < nbars; i++) {
		pci_assign_io_bar(d, i);
		if ((d->bar[i] & 7) == 4) // a 64-bit memory BAR: the next is its upper half
			i++;
	}
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
