/* SPDX-License-Identifier: GPL-2.0-only */
/* IO-APICs: found through the MADT, every pin masked until a user claims it. */
#include <xenia/acpi.h>
#include <xenia/console.h>
#include <xenia/errno.h>
#include <asm/io.h>

#define IOAPIC_REGSEL 0x00
#define IOAPIC_WIN    0x10
#define IOAPIC_VER    0x01
#define IOAPIC_RTE(n) (0x10 + 2 * (n))
#define RTE_MASKED    0x10000
#define RTE_LEVEL     0x08000
#define RTE_ACTIVE_LOW 0x02000

static volatile uint8_t *ioapic_base[ACPI_MAX_IOAPICS];
static unsigned int ioapic_pins[ACPI_MAX_IOAPICS];

static uint32_t ioapic_read(volatile uint8_t *base, unsigned int reg)
{
    mmio_write32(base + IOAPIC_REGSEL, reg);
    return mmio_read32(base + IOAPIC_WIN);
}

static void ioapic_write(volatile uint8_t *base, unsigned int reg, uint32_t v)
{
    mmio_write32(base + IOAPIC_REGSEL, reg);
    mmio_write32(base + IOAPIC_WIN, v);
}

void io_apic_init(void)
{
    unsigned int i, pin;

    for ( i = 0; i < acpi_info.nr_ioapics; i++ )
    {
        const struct acpi_ioapic *io = &acpi_info.ioapic[i];
        volatile uint8_t *base = ioremap(io->addr, 4096);
        uint32_t ver;
        unsigned int pins;

        if ( !base )
        {
            printk(XENLOG_ERR "IOAPIC[%u]: cannot map %#lx\n", i,
                   (unsigned long)io->addr);
            continue;
        }
        ver = ioapic_read(base, IOAPIC_VER);
        pins = ((ver >> 16) & 0xff) + 1;
        ioapic_base[i] = base;
        ioapic_pins[i] = pins;
        /* Nothing is routed yet: mask every pin, edge, vector 0. */
        for ( pin = 0; pin < pins; pin++ )
        {
            ioapic_write(base, IOAPIC_RTE(pin) + 1, 0);
            ioapic_write(base, IOAPIC_RTE(pin), RTE_MASKED);
        }
        printk(XENLOG_INFO "IOAPIC[%u]: apic_id %u, version %u, address "
                           "%#lx, GSI %u-%u (all masked)\n",
               i, io->id, ver & 0xff, (unsigned long)io->addr, io->gsi_base,
               io->gsi_base + pins - 1);
    }
}

/*
 * ISA IRQs reach the IO-APIC on the pin of the same number unless the
 * MADT overrides it; an override may also say the line is level or
 * active-low (ACPI's MPS INTI flags: polarity bits 0-1, trigger 2-3).
 */
int io_apic_route_isa_irq(unsigned int irq, unsigned int vector,
                          uint32_t dest_apic_id)
{
    unsigned int gsi = irq, i;
    uint32_t rte = vector;

    for ( i = 0; i < acpi_info.nr_isos; i++ )
        if ( acpi_info.iso[i].source_irq == irq )
        {
            gsi = acpi_info.iso[i].gsi;
            if ( (acpi_info.iso[i].flags & 3) == 3 )
                rte |= RTE_ACTIVE_LOW;
            if ( ((acpi_info.iso[i].flags >> 2) & 3) == 3 )
                rte |= RTE_LEVEL;
        }
    for ( i = 0; i < acpi_info.nr_ioapics; i++ )
    {
        unsigned int base = acpi_info.ioapic[i].gsi_base;

        if ( !ioapic_base[i] || gsi < base || gsi >= base + ioapic_pins[i] )
            continue;
        ioapic_write(ioapic_base[i], IOAPIC_RTE(gsi - base) + 1,
                     dest_apic_id << 24);
        ioapic_write(ioapic_base[i], IOAPIC_RTE(gsi - base), rte);
        printk(XENLOG_INFO "IOAPIC[%u]: IRQ %u (GSI %u) -> vector %#x, "
                           "APIC %u\n",
               i, irq, gsi, vector, dest_apic_id);
        return 0;
    }
    return -ENOENT;
}
