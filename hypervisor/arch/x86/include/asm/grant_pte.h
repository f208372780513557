/* SPDX-License-Identifier: GPL-2.0-only */
/* The L1 entry of a PV grant mapping: its flags, and whether one is it. */
#ifndef ASM_GRANT_PTE_H
#define ASM_GRANT_PTE_H

#include <xenia/types.h>
#include <xen/grant_table.h>
#include <asm/page.h>

#define GRANT_PTE_AVAIL_SHIFT 9 /* PTE bits 9-11, free for the OS */
#define GRANT_PTE_AVAIL_MASK  (7UL << GRANT_PTE_AVAIL_SHIFT)

/*
 * What Xen installs: present, accessed, dirty and never executable
 * (where the CPU has NX), writable unless GNTMAP_readonly, and the
 * guest's chosen avail bits from GNTMAP_guest_avail0 up (Linux marks
 * gntdev's user PTEs special that way: XENFEAT_gnttab_map_avail_bits).
 * _PAGE_USER always, because a PV kernel runs in ring 3 too.
 */
static inline pte_t grant_pte(mfn_t mfn, uint32_t gnttab_flags, bool nx)
{
    pte_t e = mfn_to_maddr(mfn) | _PAGE_PRESENT | _PAGE_ACCESSED |
              _PAGE_DIRTY | _PAGE_USER;

    if ( nx )
        e |= _PAGE_NX;
    if ( !(gnttab_flags & GNTMAP_readonly) )
        e |= _PAGE_RW;
    e |= ((pte_t)(gnttab_flags >> _GNTMAP_guest_avail0)
          << GRANT_PTE_AVAIL_SHIFT) &
         GRANT_PTE_AVAIL_MASK;
    return e;
}

/*
 * Is e the PTE a grant mapping of mfn made with gnttab_flags left? The
 * writable bit must agree: unmapping drops the references of that kind
 * of mapping, so an entry the guest changed to the other kind (which
 * holds the other kind's references) is not taken for the grant's.
 */
static inline bool grant_pte_matches(pte_t e, mfn_t mfn, uint32_t gnttab_flags)
{
    return (e & _PAGE_PRESENT) && mfn_eq(pte_mfn(e), mfn) &&
           !(e & _PAGE_RW) == !!(gnttab_flags & GNTMAP_readonly);
}

#endif /* ASM_GRANT_PTE_H */
