/* SPDX-License-Identifier: GPL-2.0-only */
/* The buddy allocator of machine frames. Pure: no hardware, no locks. */
#ifndef XENIA_PAGE_ALLOC_H
#define XENIA_PAGE_ALLOC_H

#include <xenia/page.h>

#define MAX_ORDER 20 /* largest block: 2^20 frames = 4 GiB */

/*
 * The allocator keeps its free lists in the frame table itself and never
 * touches the memory it manages, so host tests can run it on a plain
 * array. It is not thread-safe: the hypervisor serialises calls with its
 * heap lock.
 *
 * Frames are grouped in zones by address width (zone z holds MFNs with
 * their highest set bit at z), so that a request limited to, say, 32
 * address bits is served from low memory, and unlimited requests take the
 * highest memory first to keep low memory for those that need it.
 */

/* Start over with nr_frames frames, all reserved (not free). */
void page_alloc_init(struct page_info *frame_table, unsigned long nr_frames);

/* Hand [start, start + nr) to the allocator; merges with free buddies. */
void page_alloc_add_range(mfn_t start, unsigned long nr);

/*
 * 2^order contiguous, naturally aligned frames whose last address fits in
 * max_addr_bits bits (0: no limit), or INVALID_MFN. The frames come back
 * with count_info and type_info zero and owner DOMID_INVALID.
 */
mfn_t alloc_heap_pages(unsigned int order, unsigned int max_addr_bits);

/* Give back a block from alloc_heap_pages(); coalesces with buddies. */
void free_heap_pages(mfn_t mfn, unsigned int order);

unsigned long page_alloc_free_frames(void);
unsigned long page_alloc_total_frames(void); /* ever added */

#endif /* XENIA_PAGE_ALLOC_H */
