/* SPDX-License-Identifier: GPL-2.0-only */
/* Finding the RSDP and reading the MADT, FADT and HPET tables. */
#include <xenia/acpi.h>
#include <xenia/console.h>
#include <xenia/errno.h>
#include <asm/config.h>
#include <asm/io.h>

struct acpi_info acpi_info;

struct __packed rsdp {
    char signature[8];
    uint8_t checksum;
    char oem_id[6];
    uint8_t revision;
    uint32_t rsdt;
    uint32_t length; /* revision >= 2 from here on */
    uint64_t xsdt;
    uint8_t ext_checksum;
    uint8_t reserved[3];
};

struct __packed sdt_header {
    char signature[4];
    uint32_t length;
    uint8_t revision;
    uint8_t checksum;
    char oem_id[6];
    char oem_table_id[8];
    uint32_t oem_revision;
    uint32_t creator_id;
    uint32_t creator_revision;
};

#define MAX_TABLE_LEN (1u << 20) /* no sane table is bigger */

bool acpi_checksum_ok(const void *p, size_t len)
{
    const uint8_t *b = p;
    uint8_t sum = 0;

    while ( len-- )
        sum += *b++;
    return sum == 0;
}

/*
 * The boot page tables map the low 4 GiB in the direct map, which is
 * where firmware puts its tables; anything above goes through ioremap.
 */
static const void *acpi_map(paddr_t pa, size_t len)
{
    if ( pa + len <= GB(4) )
        return __va(pa);
    return ioremap(pa, len);
}

static const struct rsdp *rsdp_check(paddr_t pa)
{
    const struct rsdp *r = acpi_map(pa, sizeof(*r));

    if ( memcmp(r->signature, "RSD PTR ", 8) || !acpi_checksum_ok(r, 20) )
        return NULL;
    if ( r->revision >= 2 && !acpi_checksum_ok(r, sizeof(*r)) )
        return NULL;
    return r;
}

static paddr_t rsdp_scan(paddr_t start, size_t len)
{
    paddr_t pa;

    for ( pa = start; pa + 36 <= start + len; pa += 16 )
        if ( rsdp_check(pa) )
            return pa;
    return 0;
}

static const struct sdt_header *table_map(paddr_t pa)
{
    const struct sdt_header *h = acpi_map(pa, sizeof(*h));

    if ( h->length < sizeof(*h) || h->length > MAX_TABLE_LEN )
        return NULL;
    h = acpi_map(pa, h->length);
    return acpi_checksum_ok(h, h->length) ? h : NULL;
}

static void madt_entry(const uint8_t *e)
{
    struct acpi_info *ai = &acpi_info;

    switch ( e[0] )
    {
    case 0: /* processor local APIC: uid, apic id, flags */
    case 9: /* processor local x2APIC */
    {
        uint32_t id = e[0] == 0 ? e[3] : *(const uint32_t *)(e + 4);
        uint32_t flags = e[0] == 0 ? *(const uint32_t *)(e + 4)
                                   : *(const uint32_t *)(e + 8);
        uint32_t uid = e[0] == 0 ? e[2] : *(const uint32_t *)(e + 12);

        ai->nr_cpus_listed++;
        printk(XENLOG_INFO "ACPI: LAPIC (apic_id[%#04x] %s)\n", id,
               flags & 1 ? "enabled" : "disabled");
        if ( (flags & 1) && ai->nr_cpus < CONFIG_NR_CPUS )
        {
            ai->cpu_acpi_id[ai->nr_cpus] = uid;
            ai->cpu_apic_id[ai->nr_cpus++] = id;
        }
        break;
    }
    case 1: /* IO-APIC: id, reserved, address, GSI base */
        if ( ai->nr_ioapics < ACPI_MAX_IOAPICS )
        {
            struct acpi_ioapic *io = &ai->ioapic[ai->nr_ioapics++];

            io->id = e[2];
            io->addr = *(const uint32_t *)(e + 4);
            io->gsi_base = *(const uint32_t *)(e + 8);
            printk(XENLOG_INFO "ACPI: IOAPIC (id[%#04x] address[%#lx] "
                               "gsi_base[%u])\n",
                   io->id, (unsigned long)io->addr, io->gsi_base);
        }
        break;
    case 2: /* interrupt source override: bus, source, GSI, flags */
        if ( ai->nr_isos < ACPI_MAX_ISOS )
        {
            struct acpi_iso *iso = &ai->iso[ai->nr_isos++];

            iso->source_irq = e[3];
            iso->gsi = *(const uint32_t *)(e + 4);
            iso->flags = *(const uint16_t *)(e + 8);
            printk(XENLOG_INFO "ACPI: INT_SRC_OVR (bus 0 bus_irq %u "
                               "global_irq %u)\n",
                   iso->source_irq, iso->gsi);
        }
        break;
    default:
        break;
    }
}

static void parse_madt(const struct sdt_header *h)
{
    const uint8_t *p = (const uint8_t *)h + sizeof(*h) + 8; /* + LAPIC addr, flags */
    const uint8_t *end = (const uint8_t *)h + h->length;

    while ( p + 2 <= end && p[1] >= 2 && p + p[1] <= end )
    {
        madt_entry(p);
        p += p[1];
    }
}

static void parse_fadt(const struct sdt_header *h)
{
    const uint8_t *f = (const uint8_t *)h;

    /* X_PM_TMR_BLK (a generic address, offset 208) wins when present. */
    if ( h->length >= 220 && f[208] == 1 /* system I/O space */ &&
         *(const uint64_t *)(f + 212) )
        acpi_info.pm_tmr_port = *(const uint64_t *)(f + 212);
    else if ( h->length >= 80 )
        acpi_info.pm_tmr_port = *(const uint32_t *)(f + 76);
    if ( h->length >= 116 )
        acpi_info.pm_tmr_32bit = *(const uint32_t *)(f + 112) & (1u << 8);
    if ( h->length >= 72 )
    {
        acpi_info.pm1a_cnt = *(const uint32_t *)(f + 64);
        acpi_info.pm1b_cnt = *(const uint32_t *)(f + 68);
        acpi_info.dsdt = *(const uint32_t *)(f + 40);
    }
    if ( h->length >= 148 && *(const uint64_t *)(f + 140) )
        acpi_info.dsdt = *(const uint64_t *)(f + 140);
    if ( acpi_info.pm_tmr_port )
        printk(XENLOG_INFO "ACPI: PM timer at port %#x (%u-bit)\n",
               acpi_info.pm_tmr_port, acpi_info.pm_tmr_32bit ? 32 : 24);
}

static void parse_table(paddr_t pa)
{
    const struct sdt_header *h = table_map(pa);

    if ( !h )
    {
        printk(XENLOG_WARNING "ACPI: bad table at %#lx ignored\n",
               (unsigned long)pa);
        return;
    }
    printk(XENLOG_INFO "ACPI: %.4s %016lx %06x (v%02u %.6s)\n", h->signature,
           (unsigned long)pa, h->length, h->revision, h->oem_id);
    if ( !memcmp(h->signature, "APIC", 4) )
        parse_madt(h);
    else if ( !memcmp(h->signature, "FACP", 4) )
        parse_fadt(h);
    else if ( !memcmp(h->signature, "HPET", 4) && h->length >= 56 )
        acpi_info.hpet_addr = *(const uint64_t *)((const uint8_t *)h + 44);
}

/*
 * The sleep type for S5 is in the DSDT's \_S5_ package, in AML:
 * NameOp '_S5_' PackageOp PkgLength NumElements then SLP_TYPa as a
 * BytePrefix constant or a Zero/One opcode. A full AML interpreter is not
 * needed to read one constant.
 */
static int s5_sleep_type(void)
{
    const struct sdt_header *h = acpi_info.dsdt ? table_map(acpi_info.dsdt) : NULL;
    const uint8_t *p, *end;

    if ( !h )
        return -1;
    p = (const uint8_t *)(h + 1);
    end = (const uint8_t *)h + h->length;
    for ( ; p + 8 < end; p++ )
    {
        if ( memcmp(p, "_S5_", 4) || p[4] != 0x12 /* PackageOp */ )
            continue;
        p += 5;
        p += (*p >> 6) + 1; /* PkgLength: lead byte plus 0-3 more */
        p++;                /* NumElements */
        if ( p >= end )
            return -1;
        if ( *p == 0x0a && p + 1 < end ) /* BytePrefix */
            return p[1] & 7;
        return *p <= 1 ? *p : -1; /* ZeroOp, OneOp */
    }
    return -1;
}

void acpi_enter_s5(void)
{
    int typ = s5_sleep_type();

    if ( typ < 0 || !acpi_info.pm1a_cnt )
        return;
    /* SLP_TYP in bits 10-12 with SLP_EN (bit 13). */
    outw((typ << 10) | (1 << 13), acpi_info.pm1a_cnt);
    if ( acpi_info.pm1b_cnt )
        outw((typ << 10) | (1 << 13), acpi_info.pm1b_cnt);
}

int acpi_init(paddr_t rsdp_hint)
{
    const struct rsdp *r;
    const struct sdt_header *root;
    paddr_t ebda = (paddr_t)*(const uint16_t *)__va(0x40e) << 4;
    unsigned int i, n, width;

    acpi_info.rsdp = rsdp_hint && rsdp_check(rsdp_hint) ? rsdp_hint : 0;
    if ( !acpi_info.rsdp && ebda >= 0x80000 && ebda < 0xa0000 )
        acpi_info.rsdp = rsdp_scan(ebda, 1024);
    if ( !acpi_info.rsdp )
        acpi_info.rsdp = rsdp_scan(0xe0000, 0x20000);
    if ( !acpi_info.rsdp )
        return -ENOENT;

    r = rsdp_check(acpi_info.rsdp);
    printk(XENLOG_INFO "ACPI: RSDP %016lx (v%02u %.6s)\n",
           (unsigned long)acpi_info.rsdp, r->revision, r->oem_id);
    width = r->revision >= 2 && r->xsdt ? 8 : 4;
    root = table_map(width == 8 ? r->xsdt : r->rsdt);
    if ( !root )
        return -EINVAL;
    n = (root->length - sizeof(*root)) / width;
    for ( i = 0; i < n; i++ )
    {
        const uint8_t *ent = (const uint8_t *)(root + 1) + i * width;

        parse_table(width == 8 ? *(const uint64_t *)ent
                               : *(const uint32_t *)ent);
    }
    return 0;
}
