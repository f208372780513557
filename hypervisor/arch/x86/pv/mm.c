/* SPDX-License-Identifier: GPL-2.0-only */
/* What a PV guest's page-table entries may point to, and safe updates. */

/*
 * How a PV guest's memory stays safe
 * ==================================
 *
 * A PV guest writes its own page tables' contents but never the tables
 * themselves: it asks (mmu_update, mmuext_op, update_va_mapping), or it
 * writes an L1 it has mapped read-only and the fault is emulated
 * (ptwr.c). Either way the new entry is checked here first, so the
 * guest can never map a frame it does not own, nor map one of its own
 * page tables writable.
 *
 * Type counts. Every frame has a type (page_type.h): writable data, L1,
 * L2, L3, L4 or descriptor page, and a count of the uses of that type.
 * A writable mapping holds a writable-type reference on its frame; a
 * page-table entry pointing to a lower table holds a type reference of
 * that level. A frame changes type only when its count is zero, so the
 * two uses cannot overlap: while any L1 maps a frame writable, it cannot
 * become a page table, and while it is a page table no L1 can map it
 * writable. Taking the first reference of a table type validates the
 * whole frame (page_type_validate below: every entry is checked and its
 * own references taken, recursively); dropping the last one devalidates
 * it (page_type_devalidate: those references are put). Typing is thus
 * lazy and cascades: a guest that installs an L4 as CR3 types its whole
 * tree at once, and one that drops it untypes every table only it held.
 *
 * Pinning. Re-validating a tree each time its last user goes and a new
 * one comes would be slow, and a guest kernel switches CR3 constantly.
 * MMUEXT_PIN_Ln_TABLE takes one extra type reference that only
 * MMUEXT_UNPIN_TABLE (or the domain's destruction, relinquish.c) puts,
 * so a pinned table stays validated however often it is loaded and
 * unloaded. It is also how a guest asks for a table to be validated
 * before it uses it, and learns of a bad entry at that point.
 *
 * The TLB flush clock. A reference count says what page tables point to
 * now; a TLB may still hold what they pointed to a moment ago, on any
 * CPU. So a frame whose last typed use goes is stamped with the flush
 * clock (page_type_released), and before it takes another type the CPUs
 * that have not flushed their TLB since that stamp are flushed
 * (page_type_changing); freed frames are stamped and filtered the same
 * way when allocated again (arch/x86/mm.c). The clock ticks on every
 * flush, a CR3 load included (flushtlb.c), so a CPU that has flushed
 * since the stamp is left alone, and the common case, a frame whose old
 * use was flushed long ago by a context switch, costs nothing. This is
 * Xen's design.
 */
#include <xenia/console.h>
#include <xenia/errno.h>
#include <xenia/guest_log.h>
#include <xenia/mm.h>
#include <xenia/page_type.h>
#include <asm/config.h>
#include <asm/flushtlb.h>
#include <asm/processor.h>
#include <asm/page.h>
#include <asm/pt_scan.h>
#include <asm/pv_mm.h>
#include <asm/pv.h>

/*
 * The rules, level by level (see page_type.h for the counting):
 *  L1: RAM must belong to the domain (or, for a privileged caller, to the
 *      domain it maps for); a writable mapping takes a writable type
 *      reference, so it fails on page tables and descriptor pages.
 *      Frames that are not RAM (MMIO, firmware) only for a privileged
 *      domain. _PAGE_USER is forced: the guest kernel runs in ring 3.
 *  L2, L3: point to an L1 (L2) that validates; no superpages.
 *  L4: point to an L3 that validates; read-only linear mappings of L4s
 *      are allowed; slots 256-271 are always Xenia's own.
 */
#define L2_L3_DISALLOW _PAGE_PSE

static bool is_guest_l4_slot(unsigned int slot)
{
    return slot < HYPERVISOR_L4_FIRST || slot > HYPERVISOR_L4_LAST;
}

static const uint64_t level_type[5] = {
    0, PGT_l1_page_table, PGT_l2_page_table, PGT_l3_page_table,
    PGT_l4_page_table,
};

pte_t *pv_guest_l1e(const struct vcpu *v, unsigned long va,
                    struct page_info **pg)
{
    pte_t *t = __va(pv_guest_cr3(v));
    unsigned int level;

    for ( level = 4; level > 1; level-- )
    {
        pte_t e = t[pt_index(va, level)];

        if ( !(e & _PAGE_PRESENT) || (e & _PAGE_PSE) )
            return NULL;
        t = mfn_to_virt(pte_mfn(e));
    }
    if ( pg )
        *pg = mfn_to_page(virt_to_mfn(t));
    return &t[pt_index(va, 1)];
}

void pv_init_xen_l4_slots(pte_t *l4)
{
    unsigned int i;

    for ( i = HYPERVISOR_L4_FIRST; i <= HYPERVISOR_L4_LAST; i++ )
        l4[i] = idle_l4[i];
}

/*
 * The first MiB (BIOS data, EBDA, VGA, option ROMs) is never handed out by
 * the allocator; like Xen's dom_io frames there, Dom0 maps it as I/O memory
 * even where the firmware calls it RAM, and Linux does (research, 5.2).
 */
static bool is_low_io(mfn_t mfn)
{
    return mfn_x(mfn) < (MB(1) >> PAGE_SHIFT);
}

/* RAM the frame table describes (what a guest may own). */
static bool is_ram_frame(mfn_t mfn)
{
    return mfn_valid(mfn) && mfn_is_ram(mfn);
}

/*
 * Does this entry hold a counted reference on a RAM frame? The cheap
 * tests first: devalidating an L1 asks this of every present entry.
 */
static bool counted(pte_t e)
{
    mfn_t mfn = pte_mfn(e);

    return (e & _PAGE_PRESENT) && mfn_valid(mfn) && !is_low_io(mfn) &&
           !(mfn_to_page(mfn)->count_info & PGC_shared_ro) && mfn_is_ram(mfn);
}

/* Frames beyond what the CPU can address exist nowhere: no one maps them. */
static bool mfn_addressable(mfn_t mfn)
{
    static unsigned int bits;

    if ( !bits )
    {
        uint32_t a, b, c, d;

        cpuid_count(0x80000008, 0, &a, &b, &c, &d);
        bits = (a & 0xff) ? (a & 0xff) : 36;
    }
    return mfn_x(mfn) < (1UL << (bits - PAGE_SHIFT));
}

/*
 * Xen's answers: RAM that is not pg_owner's (another domain's, Xenia's,
 * or free), or pg_owner's in use as something else (a page table), is
 * -EBUSY; what is not RAM is I/O memory, -EPERM but for the privileged.
 * pg_owner is the table's owner, or for the control domain the domain it
 * maps for (mmu_update's foreigndom): then only that domain's frames.
 */
static inline __attribute__((always_inline)) int get_l1e(pte_t e,
                                                        struct domain *pg_owner)
{
    mfn_t mfn = pte_mfn(e);
    struct page_info *pg;

    if ( !(e & _PAGE_PRESENT) )
        return 0;
    /* Each question once, in counted()'s terms: one frame-table lookup. */
    if ( !mfn_valid(mfn) )
        goto io;
    pg = mfn_to_page(mfn);
    if ( pg->count_info & PGC_shared_ro )
        return (e & _PAGE_RW) ? -EBUSY : 0;
    if ( is_low_io(mfn) || !mfn_is_ram(mfn) )
        goto io;
    if ( !get_page(pg, pg_owner->domain_id) )
        return -EBUSY;
    if ( (e & _PAGE_RW) && get_page_type(pg, PGT_writable_page) )
    {
        put_page(pg);
        return -EBUSY;
    }
    return 0;

io:
    return pg_owner->is_privileged && mfn_addressable(mfn) ? 0 : -EPERM;
}

/*
 * Every counted L1 entry holds one general reference on its frame and,
 * if writable, one writable type reference, however it was installed:
 * grant mappings (grant_map.c) take theirs in the grant code, and they
 * go here like any other entry's when the guest overwrites or zaps the
 * entry, or the table is devalidated (Xen does the same for PV).
 */
static inline void put_l1e(pte_t e)
{
    struct page_info *pg;

    if ( !counted(e) )
        return;
    pg = mfn_to_page(pte_mfn(e));
    if ( e & _PAGE_RW )
        put_page_type(pg);
    put_page(pg);
}

void pv_put_l1e(pte_t e)
{
    put_l1e(e);
}

/* An entry of a level-`level` table (2-4) living in frame self. */
static int get_upper_e(pte_t e, unsigned int level, mfn_t self,
                       struct domain *d)
{
    mfn_t mfn = pte_mfn(e);
    struct page_info *pg;

    if ( !(e & _PAGE_PRESENT) )
        return 0;
    if ( (e & L2_L3_DISALLOW) || !is_ram_frame(mfn) )
        return -EINVAL;
    pg = mfn_to_page(mfn);
    if ( level == 4 && !(e & _PAGE_RW) &&
         (mfn_eq(mfn, self) || pv_page_table_level(pg) == 4) )
    {
        /* A read-only linear map of an L4: itself without a type ref. */
        if ( !get_page(pg, d->domain_id) )
            return -EINVAL;
        if ( !mfn_eq(mfn, self) && get_page_type(pg, PGT_l4_page_table) )
        {
            put_page(pg);
            return -EINVAL;
        }
        return 0;
    }
    return get_page_and_type(pg, d->domain_id, level_type[level - 1]) ? -EINVAL
                                                                      : 0;
}

static void put_upper_e(pte_t e, unsigned int level, mfn_t self)
{
    mfn_t mfn = pte_mfn(e);
    struct page_info *pg;

    if ( !(e & _PAGE_PRESENT) )
        return;
    pg = mfn_to_page(mfn);
    if ( level == 4 && mfn_eq(mfn, self) )
        put_page(pg);
    else
        put_page_and_type(pg);
}

/*
 * get_entry() and put_entry() are inline so that validate() and
 * devalidate() run an L1's entries through a loop of their own, with the
 * level known and no call per entry (see the loops below).
 */
static inline __attribute__((always_inline)) int
get_entry(pte_t *pl, unsigned int level, mfn_t self, struct domain *d,
          struct domain *pg_owner)
{
    if ( level == 1 )
    {
        if ( *pl & _PAGE_PRESENT )
            *pl |= _PAGE_USER;
        return get_l1e(*pl, pg_owner);
    }
    if ( *pl & _PAGE_PRESENT )
        *pl |= _PAGE_USER;
    return get_upper_e(*pl, level, self, d);
}

static inline __attribute__((always_inline)) void
put_entry(pte_t e, unsigned int level, mfn_t self)
{
    if ( level == 1 )
        put_l1e(e);
    else
        put_upper_e(e, level, self);
}

/*
 * The next present entry at or after i that is the guest's (an L4's
 * Xenia slots are not), or PT_ENTRIES. Entries not present take and
 * hold no reference (get_entry would say 0), so only these count.
 */
static unsigned int next_guest_entry(const pte_t *t, unsigned int i,
                                     unsigned int level)
{
    if ( level == 4 )
        return pt_next_present_outside(t, i, HYPERVISOR_L4_FIRST,
                                       HYPERVISOR_L4_LAST);
    return pt_next_present(t, i, PT_ENTRIES);
}

/* next_guest_entry(), but present entries come in runs: i itself first. */
static inline unsigned int next_entry(const pte_t *t, unsigned int i,
                                      unsigned int level)
{
    if ( i < PT_ENTRIES && (t[i] & _PAGE_PRESENT) &&
         (level != 4 || is_guest_l4_slot(i)) )
        return i;
    return next_guest_entry(t, i, level);
}

/*
 * validate()'s and devalidate()'s walks, inline in them twice: once for
 * an L1 (level a constant 1, most tables a fork pins and unpins), once
 * for the other levels.
 */
static inline __attribute__((always_inline)) unsigned int
get_entries(pte_t *t, unsigned int level, mfn_t self, struct domain *d,
            int *rc)
{
    unsigned int i;

    for ( i = next_guest_entry(t, 0, level); i < PT_ENTRIES;
          i = next_entry(t, i + 1, level) )
    {
        *rc = get_entry(&t[i], level, self, d, d);
        if ( *rc )
            break;
    }
    return i;
}

static inline __attribute__((always_inline)) void
put_entries(pte_t *t, unsigned int level, mfn_t self)
{
    unsigned int i;

    for ( i = next_guest_entry(t, 0, level); i < PT_ENTRIES;
          i = next_entry(t, i + 1, level) )
        put_entry(t[i], level, self);
}

int page_type_validate(struct page_info *pg, uint64_t type)
{
    unsigned int level = type >> PGT_type_shift, i;

    if ( type == PGT_seg_desc_page )
        return pv_validate_seg_desc_page(pg);
    mfn_t self = page_to_mfn(pg);
    pte_t *t = mfn_to_virt(self);
    struct domain *d = domain_get_any(pg->owner);
    int rc = 0;

    if ( !d )
        return -EINVAL;
    if ( level == 4 )
        pv_init_xen_l4_slots(t);
    if ( level == 1 )
        i = get_entries(t, 1, self, d, &rc);
    else
        i = get_entries(t, level, self, d, &rc);
    if ( rc )
    {
        gdprintk(XENLOG_G_WARNING, d,
                 "bad L%u entry %u in mfn %#lx: %016lx\n", level, i, mfn_x(self),
                 (unsigned long)t[i]);
        while ( i-- )
            if ( level != 4 || is_guest_l4_slot(i) )
                put_entry(t[i], level, self);
    }
    domain_put(d);
    return rc;
}

void page_type_devalidate(struct page_info *pg, uint64_t type)
{
    unsigned int level = type >> PGT_type_shift;

    if ( !is_page_table_type(type) )
        return; /* descriptor pages hold no references */
    mfn_t self = page_to_mfn(pg);
    pte_t *t = mfn_to_virt(self);

    /* As in validate(): what it took, from the entries it took it for. */
    if ( level == 1 )
        put_entries(t, 1, self);
    else
        put_entries(t, level, self);
}

void pv_force_devalidate(struct page_info *pg)
{
    uint64_t x = __atomic_load_n(&pg->type_info, __ATOMIC_ACQUIRE);

    do
    {
        if ( !(x & PGT_validated) || !is_page_table_type(x & PGT_type_mask) )
            return;
    } while ( !__atomic_compare_exchange_n(&pg->type_info, &x,
                                           x & ~(PGT_validated | PGT_pinned),
                                           false, __ATOMIC_ACQ_REL,
                                           __ATOMIC_ACQUIRE) );
    page_type_devalidate(pg, x & PGT_type_mask);
}

void page_type_free(struct page_info *pg)
{
    /* Only frames the domain gave up (no PGC_allocated) reach zero. */
    if ( pg->count_info & PGC_dying )
        domain_dying_page_freed(pg);
    pg->owner = DOMID_INVALID;
    pg->type_info = 0;
    free_domheap_pages(page_to_mfn(pg), 0);
}

void page_type_released(struct page_info *pg)
{
    pg->tlbflush_timestamp = tlbflush_current_time();
}

/*
 * A frame that was writable becomes a page table (or the reverse): a CPU
 * still caching the old use could write the new page table, or walk a
 * retired one. Every CPU counts, not just the owner's: other domains map
 * frames by grant or, for Dom0, by mmu_update.
 */
void page_type_changing(struct page_info *pg)
{
    cpumask_t mask;

    cpumask_copy(&mask, &cpu_online_map);
    tlbflush_filter(&mask, pg->tlbflush_timestamp);
    if ( !cpumask_empty(&mask) )
        flush_tlb_mask(&mask);
}

int pv_mod_entry(struct domain *d, struct domain *pg_owner, pte_t *pl,
                 unsigned int level, pte_t val, bool preserve_ad)
{
    ASSERT(spin_is_locked(&d->mm_lock));
    mfn_t self = virt_to_mfn(pl);
    unsigned int slot = ((unsigned long)pl & (PAGE_SIZE - 1)) / sizeof(pte_t);
    pte_t old;
    int rc;

    if ( level == 4 && !is_guest_l4_slot(slot) )
        return -EINVAL;
    if ( level > 1 && pg_owner != d )
        return -EINVAL; /* foreign frames only at the leaves */
    rc = get_entry(&val, level, self, d, pg_owner);
    if ( rc )
        return rc;
    if ( preserve_ad )
    {
        old = __atomic_load_n(pl, __ATOMIC_ACQUIRE);
        while ( !__atomic_compare_exchange_n(
            pl, &old, val | (old & (_PAGE_ACCESSED | _PAGE_DIRTY)), false,
            __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE) )
            ;
    }
    else
        old = __atomic_exchange_n(pl, val, __ATOMIC_ACQ_REL);
    put_entry(old, level, self);
    return 0;
}
