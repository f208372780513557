/* SPDX-License-Identifier: GPL-2.0-only */
/* Frame reference counts and type counts: the rules PV memory safety rests on. */
#ifndef XENIA_PAGE_TYPE_H
#define XENIA_PAGE_TYPE_H

#include <xenia/errno.h>
#include <xenia/lib.h>
#include <xenia/page.h>
#include <xen/xen.h>

/*
 * A frame may be used by a domain only while it holds a general
 * reference (get_page) on it, and in a particular way only while it holds
 * a type reference for that use (get_page_type). A frame has one type at
 * a time; it may change type only when its type count is zero. Making a
 * frame a page table validates it first (every entry must be safe, and
 * the references the entries need are taken); dropping the last type
 * reference of a page table devalidates it (those references are put).
 * So a page table can never be writable: "writable" is another type.
 *
 * Validation itself is the caller's business (pv/mm.c knows what an L1
 * entry may point to); this file only keeps the counts exact.
 *
 * The five functions below are what page_type.c calls out to. They are
 * defined once in the hypervisor (pv/mm.c) and once by each unit test
 * that builds page_type.c, and resolved at link time.
 */
/* Check and take references for every entry of pg as type; 0 or -errno. */
int page_type_validate(struct page_info *pg, uint64_t type);
/* Drop the references page_type_validate() took. */
void page_type_devalidate(struct page_info *pg, uint64_t type);
/* The frame's last general reference is gone and it is not allocated. */
void page_type_free(struct page_info *pg);
/*
 * TLB safety on several CPUs. page_type_released: the type count is
 * about to fall to zero (it may be called again if that races), so
 * mappings (or translations through a page table) of that use may linger
 * only in TLBs; remember when. page_type_changing: the frame takes a new
 * type, so no CPU may still cache the old use: flush those that might.
 */
void page_type_released(struct page_info *pg);
void page_type_changing(struct page_info *pg);

/*
 * The counting functions below are inline: validating and devalidating a
 * page table takes and puts references for each of its entries, and the
 * call around a few instructions was a good part of their cost. The
 * uncommon cases of the type count (a change of type, a validation or
 * devalidation, the flush clock) stay out of line in page_type.c.
 */

/* A general reference for domain owner; false if not its frame (or full). */
static inline bool get_page(struct page_info *pg, uint32_t owner)
{
    uint64_t x = __atomic_load_n(&pg->count_info, __ATOMIC_ACQUIRE);

    do
    {
        /*
         * Only allocated frames of that owner, and never a counter wrap:
         * a count of 1 to PGC_count_mask - 1, in one unsigned compare.
         */
        if ( !(x & PGC_allocated) || pg->owner != owner ||
             (x & PGC_count_mask) - 1 >= PGC_count_mask - 1 )
            return false;
    } while ( !__atomic_compare_exchange_n(&pg->count_info, &x, x + 1, false,
                                           __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE) );
    return true;
}

static inline void put_page(struct page_info *pg)
{
    uint64_t x = __atomic_sub_fetch(&pg->count_info, 1, __ATOMIC_ACQ_REL);

    ASSERT((x & PGC_count_mask) != PGC_count_mask); /* no underflow */
    if ( !(x & PGC_count_mask) )
        page_type_free(pg);
}

/* get_page_type() and put_page_type() but for their common case. */
int get_page_type_slow(struct page_info *pg, uint64_t type);
void put_page_type_slow(struct page_info *pg);

/*
 * A type reference. -EBUSY: the frame has another type in use;
 * -EINVAL (or validate()'s error): it cannot be that type.
 */
static inline int get_page_type(struct page_info *pg, uint64_t type)
{
    uint64_t x = __atomic_load_n(&pg->type_info, __ATOMIC_ACQUIRE);

    /*
     * In use as that type and validated: one more user, nothing else (a
     * count of 1 to PGT_count_mask - 1, in one unsigned compare).
     */
    if ( (x & (PGT_type_mask | PGT_validated)) == (type | PGT_validated) &&
         (x & PGT_count_mask) - 1 < PGT_count_mask - 1 &&
         __atomic_compare_exchange_n(&pg->type_info, &x, x + 1, false,
                                     __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE) )
        return 0;
    return get_page_type_slow(pg, type);
}

static inline void put_page_type(struct page_info *pg)
{
    uint64_t x = __atomic_load_n(&pg->type_info, __ATOMIC_ACQUIRE);

    /* Not the last user: nothing to devalidate or stamp. */
    if ( (x & PGT_count_mask) > 1 &&
         __atomic_compare_exchange_n(&pg->type_info, &x, x - 1, false,
                                     __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE) )
        return;
    put_page_type_slow(pg);
}

static inline int get_page_and_type(struct page_info *pg, uint32_t owner,
                                    uint64_t type)
{
    int rc;

    if ( !get_page(pg, owner) )
        return -EINVAL;
    rc = get_page_type(pg, type);
    if ( rc )
        put_page(pg);
    return rc;
}

static inline void put_page_and_type(struct page_info *pg)
{
    put_page_type(pg);
    put_page(pg);
}

/*
 * Let owner map Xenia's frame pg as its own, as Xen's
 * share_xen_page_with_guest does: allocated, Xenia's (PGC_xen_heap), and
 * writable for good. Undo with unshare_xen_frame() before freeing it.
 */
static inline void share_xen_frame(struct page_info *pg, uint32_t owner)
{
    pg->owner = owner;
    pg->type_info = PGT_writable_page | PGT_validated | 1;
    pg->count_info = PGC_xen_heap | PGC_allocated | 1;
}

static inline void unshare_xen_frame(struct page_info *pg)
{
    pg->owner = DOMID_XEN;
    pg->type_info = 0;
    pg->count_info = 0;
}

static inline bool is_page_table_type(uint64_t type)
{
    return type >= PGT_l1_page_table && type <= PGT_l4_page_table;
}

#endif /* XENIA_PAGE_TYPE_H */
