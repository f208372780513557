/* SPDX-License-Identifier: GPL-2.0-only */
/* The per-frame info array: owner, reference count, type and type count. */
#ifndef XENIA_PAGE_H
#define XENIA_PAGE_H

#include <xenia/list.h>
#include <xenia/types.h>

/*
 * One entry per machine frame, indexed by MFN. count_info holds a general
 * reference count (mappings, grants, the owner's allocation reference) and
 * PGC_ flags. type_info holds the frame's current use (PGT_ type), with a
 * count of the references that rely on that use; a frame may change type
 * only when its type count is zero. This is the data PV memory safety
 * rests on: a page-table frame can never be mapped writable because
 * "writable" and "L1 page table" are different types.
 */
struct page_info {
    struct list_head list; /* free list while free, owner's list in use */
    uint64_t count_info;
    uint64_t type_info;
    uint32_t owner; /* domid; DOMID_XEN for the hypervisor's own frames */
    uint32_t order; /* order of the free block a free head page starts */
    /*
     * The TLB-flush clock when the frame last lost its type's last user
     * or was freed: CPUs that have flushed since cannot still cache it.
     */
    uint64_t tlbflush_timestamp;
};

/* count_info */
#define PGC_allocated  (1UL << 63) /* the owner holds its allocation ref */
#define PGC_free       (1UL << 62) /* in the buddy allocator */
#define PGC_reserved   (1UL << 61) /* not RAM the allocator may hand out */
#define PGC_shared_ro  (1UL << 60) /* Xenia's, mappable read-only (the M2P) */
/*
 * Xenia's own frame that a guest maps as its own (shared_info, grant
 * table frames): it is never the guest's to give back or exchange, and
 * keeps one writable type reference for life, so it can never become a
 * page table or descriptor page that Xenia's writes would corrupt.
 */
#define PGC_xen_heap   (1UL << 59)
#define PGC_dying      (1UL << 58) /* counted by its dying owner until freed */
#define PGC_count_mask ((1UL << 32) - 1)

/* type_info */
#define PGT_type_shift   60
#define PGT_type_mask    (15UL << PGT_type_shift)
#define PGT_none         (0UL << PGT_type_shift)
#define PGT_l1_page_table (1UL << PGT_type_shift)
#define PGT_l2_page_table (2UL << PGT_type_shift)
#define PGT_l3_page_table (3UL << PGT_type_shift)
#define PGT_l4_page_table (4UL << PGT_type_shift)
#define PGT_seg_desc_page (5UL << PGT_type_shift)
#define PGT_writable_page (6UL << PGT_type_shift)
#define PGT_pinned       (1UL << 59)
#define PGT_validated    (1UL << 58)
#define PGT_count_mask   ((1UL << 32) - 1)

#endif /* XENIA_PAGE_H */
