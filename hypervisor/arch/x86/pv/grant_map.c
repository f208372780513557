/* SPDX-License-Identifier: GPL-2.0-only */
/* Grant mappings in a PV guest's page tables: installing, removing the PTE. */
#include <xenia/console.h>
#include <xenia/domain.h>
#include <xenia/grant_table.h>
#include <xenia/guest_access.h>
#include <xenia/guest_log.h>
#include <xenia/mm.h>
#include <xenia/page_type.h>
#include <asm/config.h>
#include <asm/flushtlb.h>
#include <asm/grant_pte.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/pv.h>
#include <asm/pv_mm.h>

/*
 * The grant code has already taken the references the new entry needs
 * (the frame is another domain's, or the caller's own), so the entry goes
 * in without the validator's ownership check: this is the only way a
 * foreign frame gets into an L1 the guest did not get through the
 * privileged mmu_update path. From then on it is an ordinary counted
 * entry (pv_put_l1e), so a guest that zaps it itself drops exactly its
 * references, and unmapping it later fails, as on Xen.
 */

static bool cpu_has_nx(void)
{
    static int nx = -1;

    if ( nx < 0 )
        nx = !!(rdmsr(MSR_EFER) & EFER_NXE);
    return nx;
}

/*
 * The L1 entry addr names: the machine address of the entry itself
 * (GNTMAP_contains_pte) or a virtual address in the current page tables.
 * It must lie in one of the caller's own validated L1 tables, which stays
 * one while *l1 holds a type reference (so a table torn down meanwhile
 * cannot keep an entry whose references nobody drops).
 */
static pte_t *grant_l1e(uint64_t addr, uint32_t flags, struct page_info **l1)
{
    struct vcpu *v = current_vcpu();
    struct page_info *pg;
    mfn_t mfn;
    pte_t *pl;

    if ( flags & GNTMAP_contains_pte )
    {
        mfn = maddr_to_mfn(addr);
        if ( (addr & (sizeof(pte_t) - 1)) || !mfn_valid(mfn) )
            return NULL;
        pg = mfn_to_page(mfn);
        pl = (pte_t *)((char *)mfn_to_virt(mfn) + (addr & (PAGE_SIZE - 1)));
    }
    else if ( !guest_range_ok(addr, 1) || !(pl = pv_guest_l1e(v, addr, &pg)) )
        return NULL;
    if ( !get_page(pg, v->domain->domain_id) )
        return NULL;
    if ( pv_page_table_level(pg) != 1 || get_page_type(pg, PGT_l1_page_table) )
    {
        put_page(pg);
        return NULL;
    }
    *l1 = pg;
    return pl;
}

/*
 * Both run under the caller's mm_lock, as every other change to its page
 * tables does, so an mmu_update of the same entry on another vCPU cannot
 * drop the references of a value it did not replace.
 */
int pv_grant_create_mapping(uint64_t addr, mfn_t mfn, uint32_t flags)
{
    struct domain *d = current_vcpu()->domain;
    struct page_info *l1;
    pte_t *pl, old;

    spin_lock(&d->mm_lock);
    pl = grant_l1e(addr, flags, &l1);
    if ( !pl )
    {
        spin_unlock(&d->mm_lock);
        return GNTST_general_error;
    }
    old = __atomic_exchange_n(pl, grant_pte(mfn, flags, cpu_has_nx()),
                              __ATOMIC_ACQ_REL);
    /* The entry it replaced may still be cached before its refs go. */
    if ( old & _PAGE_PRESENT )
        flush_tlb_mask(&d->dirty_cpumask);
    pv_put_l1e(old);
    put_page_and_type(l1);
    spin_unlock(&d->mm_lock);
    return GNTST_okay;
}

/*
 * GNTTABOP_unmap_and_replace's new_addr: the entry mapping that virtual
 * address (present or not) is taken out of its L1, references and all,
 * to go where the grant was (Xen's steal_linear_address). false if no L1
 * of the caller's maps it.
 */
static bool steal_entry(uint64_t new_addr, pte_t *out)
{
    struct page_info *l1;
    pte_t *pl;

    pl = grant_l1e(new_addr, 0, &l1);
    if ( !pl )
        return false;
    *out = __atomic_exchange_n(pl, 0, __ATOMIC_ACQ_REL);
    put_page_and_type(l1);
    return true;
}

int pv_grant_replace_mapping(uint64_t addr, mfn_t mfn, uint32_t flags,
                             uint64_t new_addr)
{
    struct domain *d = current_vcpu()->domain;
    struct page_info *l1;
    pte_t *pl, old, repl = 0;
    int rc = GNTST_general_error;

    /* Replacing needs a virtual address, as in Xen. */
    if ( new_addr && (flags & GNTMAP_contains_pte) )
        return rc;
    spin_lock(&d->mm_lock);
    if ( new_addr && !steal_entry(new_addr, &repl) )
    {
        spin_unlock(&d->mm_lock);
        return rc;
    }
    pl = grant_l1e(addr, flags, &l1);
    if ( !pl )
    {
        pv_put_l1e(repl); /* a stolen entry goes, as in Xen */
        spin_unlock(&d->mm_lock);
        return rc;
    }
    old = __atomic_load_n(pl, __ATOMIC_ACQUIRE);
    /*
     * Only the grant's own entry goes, and only if the guest did not
     * change it meanwhile; its references are the grant code's to drop.
     * A stolen entry keeps the references it holds where it lands.
     */
    if ( grant_pte_matches(old, mfn, flags) &&
         __atomic_compare_exchange_n(pl, &old, repl, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE) )
        rc = GNTST_okay;
    else
    {
        pv_put_l1e(repl);
        gprintk(XENLOG_G_DEBUG, current_vcpu(),
                "grant unmap: PTE %#lx at %#lx is not the grant of mfn %#lx\n",
                (unsigned long)old, (unsigned long)addr, mfn_x(mfn));
    }
    put_page_and_type(l1);
    spin_unlock(&d->mm_lock);
    return rc;
}
