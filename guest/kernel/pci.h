// pci.h: what the PCI scan found about one function, for the drivers.
#ifndef RUGO_PCI_H
#define RUGO_PCI_H

#include "types.h"

struct pci_dev {
	uint32 bar[6]; // raw BAR values (bit 0 set: I/O space)
	uint16 vendor, device;
	uint8 bus, dev, fn;
	uint8 class_code, subclass;
	uint8 irq_line; // config 0x3c, as the firmware programmed it; 0 or 0xff: none
	uint8 irq_pin;	// config 0x3d, 1-4 = INTA-INTD, 0 = none
};

#define PCI_MAX_DEVS 32

// pci.c
void pci_init(void);
const struct pci_dev *pci_find(uint16 vendor, uint16 device);
uint32 pci_read32(const struct pci_dev *d, uint8 off);
void pci_write16(const struct pci_dev *d, uint8 off, uint16 v);

#endif
