/* SPDX-License-Identifier: GPL-2.0-only */
/* The general and type reference counts of machine frames. */
#include <xenia/errno.h>
#include <xenia/lib.h>
#include <xenia/page_type.h>

/*
 * Counts change with compare-and-swap so that concurrent users of one
 * frame agree. A type change happens only from a type count of zero, and
 * whoever makes the change validates the frame while holding the new type
 * with PGT_validated clear. A reference asked for meanwhile is refused:
 * with guests on one CPU that can only be a table reaching itself through
 * its own entries (A -> B -> A), which must fail anyway.
 */
int get_page_type_slow(struct page_info *pg, uint64_t type)
{
    uint64_t x = __atomic_load_n(&pg->type_info, __ATOMIC_ACQUIRE), nx;
    bool changed;
    int rc;

    do
    {
        if ( (x & PGT_count_mask) == PGT_count_mask )
            return -EBUSY; /* would overflow */
        changed = false;
        if ( !(x & PGT_count_mask) && (x & PGT_type_mask) != type )
        {
            /* Unused: it may become the new type, not yet validated. */
            nx = type | 1;
            changed = true;
        }
        else if ( (x & PGT_type_mask) != type )
            return -EBUSY;
        else if ( !(x & PGT_count_mask) && !(x & PGT_validated) )
        {
            nx = type | 1; /* same type, but validation is needed again */
            changed = true;
        }
        else
            nx = x + 1;
    } while ( !__atomic_compare_exchange_n(&pg->type_info, &x, nx, false,
                                           __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE) );

    if ( !changed )
    {
        if ( nx & PGT_validated )
            return 0;
        put_page_type(pg); /* still being validated: see above */
        return -EINVAL;
    }
    if ( (x & PGT_type_mask) != type )
        page_type_changing(pg);

    if ( type != PGT_writable_page && type != PGT_none )
    {
        rc = page_type_validate(pg, type);
        if ( rc )
        {
            /* Back to an unused frame of no type. */
            __atomic_store_n(&pg->type_info, PGT_none, __ATOMIC_RELEASE);
            return rc;
        }
    }
    __atomic_fetch_or(&pg->type_info, PGT_validated, __ATOMIC_RELEASE);
    return 0;
}

void put_page_type_slow(struct page_info *pg)
{
    uint64_t x = __atomic_load_n(&pg->type_info, __ATOMIC_ACQUIRE), nx;

    do
    {
        ASSERT(x & PGT_count_mask);
        nx = x - 1;
        /*
         * The last reference to a page table: devalidate it now, so the
         * frame can become writable without stale references behind it.
         */
        if ( !(nx & PGT_count_mask) && (nx & PGT_validated) &&
             is_page_table_type(nx & PGT_type_mask) )
            nx &= ~(PGT_validated | PGT_pinned);
        /*
         * Stamp before the count reaches zero, not after: a CPU that
         * retypes the frame in between must not see an older stamp.
         */
        if ( !(nx & PGT_count_mask) )
            page_type_released(pg);
    } while ( !__atomic_compare_exchange_n(&pg->type_info, &x, nx, false,
                                           __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE) );

    if ( (x & PGT_validated) && !(nx & PGT_validated) )
        page_type_devalidate(pg, x & PGT_type_mask);
}
