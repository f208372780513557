/* SPDX-License-Identifier: GPL-2.0-only */
/* x86-64 page-table entry bits and index helpers. */
#ifndef ASM_PAGE_H
#define ASM_PAGE_H

#define _PAGE_PRESENT  0x001
#define _PAGE_RW       0x002
#define _PAGE_USER     0x004
#define _PAGE_PWT      0x008
#define _PAGE_PCD      0x010
#define _PAGE_ACCESSED 0x020
#define _PAGE_DIRTY    0x040
#define _PAGE_PSE      0x080
#define _PAGE_GLOBAL   0x100
#define _PAGE_NX       (1UL << 63)

#define PADDR_MASK_PTE 0x000ffffffffff000UL

/* The flags Xenia's own mappings use. */
#define PAGE_HYPERVISOR_RW  (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
#define PAGE_HYPERVISOR_RO  (_PAGE_PRESENT | _PAGE_ACCESSED)
#define PAGE_HYPERVISOR_UC  (PAGE_HYPERVISOR_RW | _PAGE_PCD | _PAGE_PWT)
#define PAGE_TABLE_ENTRY    (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED)

#ifndef __ASSEMBLY__
#include <xenia/types.h>

typedef uint64_t pte_t;

#define L1_SHIFT 12
#define L2_SHIFT 21
#define L3_SHIFT 30
#define L4_SHIFT 39
#define PT_ENTRIES 512

static inline unsigned int pt_index(unsigned long va, unsigned int level)
{
    return (va >> (L1_SHIFT + 9 * (level - 1))) & (PT_ENTRIES - 1);
}

static inline paddr_t pte_addr(pte_t e)
{
    return e & PADDR_MASK_PTE;
}

/* The frame an entry points to (whether or not it is present). */
static inline mfn_t pte_mfn(pte_t e)
{
    return maddr_to_mfn(pte_addr(e));
}

/*
 * Map nr 4 KiB frames at va with the given flags, allocating page tables
 * as needed (2 MiB pages where alignment allows). -ENOMEM, or -EBUSY if
 * part of the range is already mapped differently.
 */
int map_pages_to_xen(unsigned long va, mfn_t mfn, unsigned long nr,
                     uint64_t flags);

/* The idle (hypervisor-only) page tables' L4, as every CPU runs it now. */
extern pte_t idle_l4[PT_ENTRIES];
#endif

#endif /* ASM_PAGE_H */
