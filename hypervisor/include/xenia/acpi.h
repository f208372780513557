/* SPDX-License-Identifier: GPL-2.0-only */
/* What Xenia learns from the ACPI tables: CPUs, IO-APICs, timers. */
#ifndef XENIA_ACPI_H
#define XENIA_ACPI_H

#include <xenia/types.h>

#define ACPI_MAX_IOAPICS 8
#define ACPI_MAX_ISOS    16

struct acpi_ioapic {
    uint8_t id;
    paddr_t addr;
    uint32_t gsi_base;
};

struct acpi_iso { /* interrupt source override */
    uint8_t source_irq;
    uint32_t gsi;
    uint16_t flags;
};

struct acpi_info {
    paddr_t rsdp;
    unsigned int nr_cpus;       /* enabled CPUs found */
    unsigned int nr_cpus_listed; /* including disabled ones */
    uint32_t cpu_apic_id[CONFIG_NR_CPUS];
    uint32_t cpu_acpi_id[CONFIG_NR_CPUS]; /* the MADT's processor UID */
    unsigned int nr_ioapics;
    struct acpi_ioapic ioapic[ACPI_MAX_IOAPICS];
    unsigned int nr_isos;
    struct acpi_iso iso[ACPI_MAX_ISOS];
    uint16_t pm_tmr_port;  /* 0: none */
    bool pm_tmr_32bit;
    paddr_t hpet_addr;     /* 0: none */
    uint16_t pm1a_cnt, pm1b_cnt; /* PM1 control ports, 0: none */
    paddr_t dsdt;
};

/* Enter ACPI S5 (soft off); returns only if the firmware gave no way. */
void acpi_enter_s5(void);

extern struct acpi_info acpi_info;

/* rsdp_hint: from the boot loader (Multiboot2), 0 to scan the BIOS areas. */
int acpi_init(paddr_t rsdp_hint);

/* Table bytes sum to zero; the parsers in acpi.c check it on each table. */
bool acpi_checksum_ok(const void *p, size_t len);

void io_apic_init(void);
/* Unmask an ISA IRQ on vector, delivered to one CPU; -ENOENT: no pin. */
int io_apic_route_isa_irq(unsigned int irq, unsigned int vector,
                          uint32_t dest_apic_id);

#endif /* XENIA_ACPI_H */
