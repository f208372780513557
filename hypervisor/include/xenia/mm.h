/* SPDX-License-Identifier: GPL-2.0-only */
/* The hypervisor's memory: frame table, page allocation, heap, the M2P. */
#ifndef XENIA_MM_H
#define XENIA_MM_H

#include <xenia/bootinfo.h>
#include <xenia/page.h>

extern struct page_info *frame_table;
extern unsigned long max_page; /* one past the highest RAM frame */

static inline struct page_info *mfn_to_page(mfn_t mfn)
{
    return &frame_table[mfn_x(mfn)];
}

static inline mfn_t page_to_mfn(const struct page_info *pg)
{
    return _mfn((unsigned long)(pg - frame_table));
}

/* Does the frame table have an entry for this frame? */
static inline bool mfn_valid(mfn_t mfn)
{
    return mfn_x(mfn) < max_page;
}

/*
 * Build the frame table, seed the buddy allocator with every RAM frame
 * that the image, the boot modules, firmware and the table itself do not
 * use, extend the direct map over all RAM and set up the heap and M2P.
 * The memory map in bi must be sanitized.
 */
void mm_init(const struct boot_info *bi, paddr_t image_start,
             paddr_t image_end);

/* Locked wrappers around the buddy allocator, for hypervisor use. */
void *alloc_xenheap_pages(unsigned int order);
void free_xenheap_pages(void *va, unsigned int order);

/* Frames for guests: the caller sets ownership. INVALID_MFN when out. */
mfn_t alloc_domheap_pages(unsigned int order, unsigned int max_addr_bits);
void free_domheap_pages(mfn_t mfn, unsigned int order);
/* Frames the allocator holds free right now (sysctl physinfo). */
unsigned long heap_free_frames(void);

/*
 * mfn_is_ram()'s answer for every frame below max_page, one bit each
 * (NULL until mm_init() fills it): validating a page table asks it for
 * every entry, and scanning the memory map cost tens of instructions a
 * time. mfn_is_ram_in_map() scans it, for the other frames.
 */
extern const uint8_t *ram_bits;
bool mfn_is_ram_in_map(mfn_t mfn);

/* Is this frame RAM according to the firmware's memory map? */
static inline bool mfn_is_ram(mfn_t mfn)
{
    unsigned long m = mfn_x(mfn);

    if ( ram_bits && m < max_page )
        return (ram_bits[m / 8] >> (m % 8)) & 1;
    return mfn_is_ram_in_map(mfn);
}

/* The firmware's memory map, and where the M2P's 2 MiB chunks live. */
const struct memmap *machine_memmap(void);
paddr_t __pa_of_m2p_chunk(unsigned int i);

/*
 * M2P entry for a machine frame (writes go through the hypervisor alias);
 * INVALID_GFN for a frame that backs no guest frame.
 */
void set_gpfn_from_mfn(mfn_t mfn, gfn_t gfn);

/* Drop the boot identity map of low memory (L4 slot 0). */
void mm_drop_identity_map(void);

void mm_print_summary(void);

#endif /* XENIA_MM_H */
