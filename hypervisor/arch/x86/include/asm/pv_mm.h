/* SPDX-License-Identifier: GPL-2.0-only */
/* Validated guest page-table updates (pv/mm.c). */
#ifndef ASM_PV_MM_H
#define ASM_PV_MM_H

#include <xenia/domain.h>
#include <xenia/page_type.h>
#include <asm/page.h>

/*
 * Replace the entry at pl (in a validated page table of the given level,
 * owned by d, whose frames may also be mapped from pg_owner) with val:
 * the new entry is checked and its references taken before the old one's
 * are dropped. preserve_ad keeps the Accessed/Dirty bits the hardware set.
 */
int pv_mod_entry(struct domain *d, struct domain *pg_owner, pte_t *pl,
                 unsigned int level, pte_t val, bool preserve_ad);

/* Drop the references an L1 entry holds (none if it is not counted). */
void pv_put_l1e(pte_t e);

/*
 * The level (1-4) a frame is validated as, or 0 if it is no page table.
 * Inline: every mmu_update request and emulated PTE write asks it.
 */
static inline unsigned int pv_page_table_level(const struct page_info *pg)
{
    uint64_t t = pg->type_info;

    if ( !(t & PGT_validated) || !(t & PGT_count_mask) ||
         !is_page_table_type(t & PGT_type_mask) )
        return 0;
    return (t & PGT_type_mask) >> PGT_type_shift;
}

/*
 * The L1 entry that maps va in the vCPU's current page tables, and the
 * frame of that L1 (pg may be NULL); NULL if no L1 maps va.
 */
pte_t *pv_guest_l1e(const struct vcpu *v, unsigned long va,
                    struct page_info **pg);

/*
 * The PTE of a grant mapping at addr (grant_map.c), for the current
 * vCPU's domain; GNTST_* codes. create drops the references of the entry
 * it replaces; replace removes only the grant's own entry and drops none,
 * putting there the entry it takes from new_addr if that is not 0.
 */
int pv_grant_create_mapping(uint64_t addr, mfn_t mfn, uint32_t flags);
int pv_grant_replace_mapping(uint64_t addr, mfn_t mfn, uint32_t flags,
                             uint64_t new_addr);

/* Copy Xenia's L4 slots into a guest L4 page. */
void pv_init_xen_l4_slots(pte_t *l4);

/* A dying domain's table still validated: put its entries' references. */
void pv_force_devalidate(struct page_info *pg);

#endif /* ASM_PV_MM_H */
