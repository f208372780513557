/* SPDX-License-Identifier: GPL-2.0-only */
/* The buddy allocator of machine frames, kept in the frame table. */
#include <xenia/lib.h>
#include <xenia/list.h>
#include <xenia/page_alloc.h>

/*
 * Layout of the state, all of it in the frame table:
 *  - every frame of a free block has PGC_free in count_info; the block's
 *    first frame (its head) is on free_lists[zone][order] with ->order set;
 *  - frames never handed over, or outside every added range, keep
 *    PGC_reserved and are never free, so no block grows across them;
 *  - allocated frames have neither flag.
 *
 * Zones: zone z holds the MFNs whose highest set bit is z, i.e.
 * [2^z, 2^(z+1)), and zone 0 also holds MFN 0. A naturally aligned block
 * that does not start at 0 lies in a single zone; the one block that
 * does ([0, 2^k)) is kept to zone 0 by refusing merges across zones. So
 * every frame of a block in zone z is below 2^(z+1), which is what makes
 * an address-width limit a simple bound on the zone.
 */

/* DOMID_INVALID of the public ABI; tests check the value against xen.h. */
#define PAGE_ALLOC_NO_OWNER 0x7ff4u

#define NR_ZONES (sizeof(unsigned long) * 8)

static struct page_info *frames;
static unsigned long nr_frames_;
static unsigned long nr_free, nr_total;
static struct list_head free_lists[NR_ZONES][MAX_ORDER + 1];
/*
 * Which lists hold blocks: bit o of avail_orders[z] for free_lists[z][o],
 * bit z of avail_zones for a zone with any. An allocation then finds its
 * block with a few bit scans instead of walking every (mostly empty) list
 * of 64 zones, which cost thousands of instructions per frame.
 */
static unsigned long avail_orders[NR_ZONES];
static unsigned long avail_zones;

static unsigned int zone_of(unsigned long mfn)
{
    return mfn ? (unsigned int)(NR_ZONES - 1 - __builtin_clzl(mfn)) : 0;
}

/*
 * The highest zone whose every frame ends below 2^bits; -1 if none. The
 * lowest zone ends at 8 KiB, so limits under 13 bits cannot be met.
 */
static int highest_zone(unsigned int max_addr_bits)
{
    if ( !max_addr_bits || max_addr_bits >= PAGE_SHIFT + NR_ZONES )
        return NR_ZONES - 1;
    return (int)max_addr_bits - PAGE_SHIFT - 1;
}

void page_alloc_init(struct page_info *frame_table, unsigned long nr_frames)
{
    unsigned int z, o;
    unsigned long i;

    frames = frame_table;
    nr_frames_ = nr_frames;
    nr_free = nr_total = 0;
    for ( z = 0; z < NR_ZONES; z++ )
    {
        for ( o = 0; o <= MAX_ORDER; o++ )
            INIT_LIST_HEAD(&free_lists[z][o]);
        avail_orders[z] = 0;
    }
    avail_zones = 0;
    for ( i = 0; i < nr_frames; i++ )
    {
        frames[i].list.next = frames[i].list.prev = NULL;
        frames[i].count_info = PGC_reserved;
        frames[i].type_info = 0;
        frames[i].owner = PAGE_ALLOC_NO_OWNER;
        frames[i].order = 0;
    }
}

static void free_list_add(unsigned long mfn, unsigned int order)
{
    unsigned int z = zone_of(mfn);

    frames[mfn].order = order;
    list_add(&frames[mfn].list, &free_lists[z][order]);
    avail_orders[z] |= 1UL << order;
    avail_zones |= 1UL << z;
}

static void free_list_del(unsigned long mfn, unsigned int order)
{
    unsigned int z = zone_of(mfn);

    list_del(&frames[mfn].list);
    if ( list_empty(&free_lists[z][order]) )
    {
        avail_orders[z] &= ~(1UL << order);
        if ( !avail_orders[z] )
            avail_zones &= ~(1UL << z);
    }
}

/* Put a block whose frames are all marked free on the lists, merged. */
static void insert_free_block(unsigned long mfn, unsigned int order)
{
    while ( order < MAX_ORDER )
    {
        unsigned long buddy = mfn ^ (1UL << order);

        /*
         * A free buddy is always the head of its block: a free block that
         * merely contained it would also contain the block being freed.
         */
        if ( buddy >= nr_frames_ || !(frames[buddy].count_info & PGC_free) ||
             frames[buddy].order != order || zone_of(buddy) != zone_of(mfn) )
            break;
        free_list_del(buddy, order);
        mfn &= ~(1UL << order);
        order++;
    }
    free_list_add(mfn, order);
}

static void mark_free(unsigned long mfn, unsigned int order)
{
    unsigned long i;

    for ( i = 0; i < (1UL << order); i++ )
    {
        struct page_info *pg = &frames[mfn + i];

        pg->count_info = PGC_free;
        pg->type_info = 0;
        pg->owner = PAGE_ALLOC_NO_OWNER;
    }
    nr_free += 1UL << order;
}

/* The largest aligned block at mfn that ends by end and fits one zone. */
static unsigned int add_block_order(unsigned long mfn, unsigned long end)
{
    unsigned int order = MAX_ORDER;

    if ( mfn )
        order = MIN(order, (unsigned int)__builtin_ctzl(mfn));
    else
        order = 1; /* [0, 2) is all of zone 0 */
    while ( (1UL << order) > end - mfn )
        order--;
    return order;
}

void page_alloc_add_range(mfn_t start, unsigned long nr)
{
    unsigned long mfn = mfn_x(start), end, i;

    ASSERT(mfn <= nr_frames_ && nr <= nr_frames_ - mfn);
    if ( mfn > nr_frames_ )
        return;
    end = mfn + MIN(nr, nr_frames_ - mfn);
    for ( i = mfn; i < end; i++ )
        ASSERT(frames[i].count_info == PGC_reserved); /* added only once */
    nr_total += end - mfn;
    while ( mfn < end )
    {
        unsigned int order = add_block_order(mfn, end);

        mark_free(mfn, order);
        insert_free_block(mfn, order);
        mfn += 1UL << order;
    }
}

/* Take a free block of order have from zone z, keep 2^order frames of it. */
static unsigned long take_block(unsigned int z, unsigned int have,
                                unsigned int order)
{
    struct page_info *head =
        list_first_entry(&free_lists[z][have], struct page_info, list);
    unsigned long mfn = head - frames, i;

    free_list_del(mfn, have);
    /* Return lower halves, keep the top: low memory is the scarcer kind. */
    while ( have > order )
    {
        have--;
        free_list_add(mfn, have);
        mfn += 1UL << have;
    }
    for ( i = 0; i < (1UL << order); i++ )
    {
        struct page_info *pg = &frames[mfn + i];

        ASSERT(pg->count_info == PGC_free);
        pg->count_info = 0;
        pg->type_info = 0;
        pg->owner = PAGE_ALLOC_NO_OWNER;
        pg->order = 0;
    }
    nr_free -= 1UL << order;
    return mfn;
}

mfn_t alloc_heap_pages(unsigned int order, unsigned int max_addr_bits)
{
    int top = highest_zone(max_addr_bits);
    unsigned long zones;

    if ( order > MAX_ORDER || top < 0 )
        return INVALID_MFN;
    zones = avail_zones;
    if ( top < (int)NR_ZONES - 1 )
        zones &= (2UL << top) - 1;
    /* Highest zone first, so that limited requests find low memory left. */
    while ( zones )
    {
        unsigned int z = NR_ZONES - 1 - __builtin_clzl(zones);
        unsigned long big_enough = avail_orders[z] & ~((1UL << order) - 1);

        if ( big_enough )
            return _mfn(take_block(z, __builtin_ctzl(big_enough), order));
        zones &= ~(1UL << z);
    }
    return INVALID_MFN;
}

void free_heap_pages(mfn_t mfn, unsigned int order)
{
    unsigned long m = mfn_x(mfn), i;

    ASSERT(order <= MAX_ORDER);
    ASSERT(IS_ALIGNED(m, 1UL << order));
    ASSERT(m < nr_frames_ && (1UL << order) <= nr_frames_ - m);
    for ( i = 0; i < (1UL << order); i++ )
    {
        /* A double free, or a frame the allocator never owned. */
        ASSERT(!(frames[m + i].count_info & (PGC_free | PGC_reserved)));
    }
    mark_free(m, order);
    insert_free_block(m, order);
}

unsigned long page_alloc_free_frames(void)
{
    return nr_free;
}

unsigned long page_alloc_total_frames(void)
{
    return nr_total;
}
