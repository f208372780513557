/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Writing a PV kernel's start-of-day memory as pv_layout_compute() laid it
 * out, through the memory seam of pv_image.h (pv_build_map_pfn(),
 * pv_build_pfn_to_mfn()) that each builder defines: kept apart from the
 * parser so that a program that only parses need not define the seam.
 */
#include <xenia/lib.h>
#include <xenia/pv_image.h>
#include <xen/xen.h>

/* Bits of a page-table entry the bootstrap tables use. */
#define PTE_P    0x001UL
#define PTE_RW   0x002UL
#define PTE_US   0x004UL
#define PTE_A    0x020UL
#define PTE_D    0x040UL
#define PTE_ADDR 0x000ffffffffff000UL

static void *page_of(const struct pv_build_mem *m, const struct pv_layout *l,
                     uint64_t va)
{
    return pv_build_map_pfn(m, pv_va_to_pfn(l, va));
}

static uint64_t mfn_of(const struct pv_build_mem *m, const struct pv_layout *l,
                       uint64_t va)
{
    return pv_build_pfn_to_mfn(m, pv_va_to_pfn(l, va));
}

/* Copy len bytes to offset off of the pages from pfn on, a page at a time. */
static void copy_to_pfn(const struct pv_build_mem *m, unsigned long pfn,
                        uint64_t off, const uint8_t *src, uint64_t len)
{
    pfn += (unsigned long)(off >> PAGE_SHIFT);
    off &= PAGE_SIZE - 1;
    while ( len )
    {
        uint64_t n = MIN(len, PAGE_SIZE - off);

        memcpy((uint8_t *)pv_build_map_pfn(m, pfn) + off, src, n);
        pfn++, off = 0, src += n, len -= n;
    }
}

/* Copy len bytes to guest va in the mapped region. */
static void copy_in(const struct pv_build_mem *m, const struct pv_layout *l,
                    uint64_t va, const uint8_t *src, uint64_t len)
{
    copy_to_pfn(m, pv_va_to_pfn(l, va), va & (PAGE_SIZE - 1), src, len);
}

/* Zero [from, to) of the region, a page at a time through map_pfn. */
static void zero_range(const struct pv_build_mem *m, const struct pv_layout *l,
                       uint64_t from, uint64_t to)
{
    while ( from < to )
    {
        uint64_t off = from & (PAGE_SIZE - 1), n = MIN(to - from, PAGE_SIZE - off);

        memset((uint8_t *)page_of(m, l, from) + off, 0, n);
        from += n;
    }
}

/* The segments in address order (they are few and disjoint). */
static void sort_segments(const struct pv_kernel *k,
                          const struct pv_segment *order[PV_MAX_SEGMENTS])
{
    unsigned int i, j;

    for ( i = 0; i < k->nr_segments; i++ )
    {
        for ( j = i; j && order[j - 1]->vaddr > k->seg[i].vaddr; j-- )
            order[j] = order[j - 1];
        order[j] = &k->seg[i];
    }
}

/* The p2m's own mapping at INIT_P2M, hung off the region's L4. */
static void build_p2m_tables(const struct pv_build_mem *m,
                             const struct pv_layout *l)
{
    const uint64_t table = PTE_P | PTE_RW | PTE_US | PTE_A;
    unsigned long l3_pfn = l->p2m_pfn + l->nr_p2m_pages;
    unsigned long l2_pfn = l3_pfn + 1, l1_pfn = l2_pfn + l->nr_p2m_l2, i;
    uint64_t *l4 = page_of(m, l, l->pt_start);
    uint64_t *l3 = pv_build_map_pfn(m, l3_pfn);

    /* INIT_P2M is 1 GiB aligned: the tables start at index 0 of each. */
    l4[(l->p2m_start >> 39) & 511] = (pv_build_pfn_to_mfn(m, l3_pfn) << PAGE_SHIFT) | table;
    for ( i = 0; i < l->nr_p2m_l2; i++ )
        l3[((l->p2m_start >> 30) & 511) + i] =
            (pv_build_pfn_to_mfn(m, l2_pfn + i) << PAGE_SHIFT) | table;
    for ( i = 0; i < l->nr_p2m_l1; i++ )
    {
        uint64_t *l2 = pv_build_map_pfn(m, l2_pfn + i / 512);

        l2[i % 512] = (pv_build_pfn_to_mfn(m, l1_pfn + i) << PAGE_SHIFT) | table;
    }
    for ( i = 0; i < l->nr_p2m_pages; i++ )
    {
        uint64_t *l1 = pv_build_map_pfn(m, l1_pfn + i / 512);

        l1[i % 512] = (pv_build_pfn_to_mfn(m, l->p2m_pfn + i) << PAGE_SHIFT) |
                      PTE_P | PTE_RW | PTE_US | PTE_A | PTE_D;
    }
}

static void build_page_tables(const struct pv_build_mem *m,
                              const struct pv_layout *l)
{
    uint64_t *l4 = page_of(m, l, l->pt_start);
    uint64_t *l3 = page_of(m, l, l->pt_start + PAGE_SIZE);
    uint64_t *l2 = page_of(m, l, l->pt_start + 2 * PAGE_SIZE);
    uint64_t pt_end = l->pt_start + l->nr_pt_frames * PAGE_SIZE, va;
    const uint64_t table = PTE_P | PTE_RW | PTE_US | PTE_A;
    unsigned long i;

    l4[(l->v_start >> 39) & 511] = (mfn_of(m, l, l->pt_start + PAGE_SIZE) << PAGE_SHIFT) | table;
    l3[(l->v_start >> 30) & 511] = (mfn_of(m, l, l->pt_start + 2 * PAGE_SIZE) << PAGE_SHIFT) | table;
    for ( i = 0; i < l->nr_pt_frames - 3; i++ )
        l2[((l->v_start >> 21) & 511) + i] =
            (mfn_of(m, l, l->pt_start + (3 + i) * PAGE_SIZE) << PAGE_SHIFT) | table;
    /* Every page of the region, read-only if it is one of the tables. */
    for ( va = l->v_start; va < l->v_end; va += PAGE_SIZE )
    {
        unsigned long idx = (va - ROUNDDOWN(l->v_start, 2UL << 20)) >> PAGE_SHIFT;
        uint64_t *l1 = page_of(m, l, l->pt_start + (3 + idx / 512) * PAGE_SIZE);
        bool is_pt = va >= l->pt_start && va < pt_end;

        l1[idx % 512] = (mfn_of(m, l, va) << PAGE_SHIFT) | PTE_P | PTE_US |
                        PTE_A | PTE_D | (is_pt ? 0 : PTE_RW);
    }
}

static void fill_start_info(const struct pv_build_params *p,
                            const struct pv_layout *l, start_info_t *si)
{
    memset(si, 0, sizeof(*si));
    strlcpy(si->magic, "xen-3.0-x86_64", sizeof(si->magic));
    si->nr_pages = p->nr_pages;
    si->shared_info = p->shared_info_maddr;
    si->flags = p->si_flags;
    si->pt_base = l->pt_start;
    si->nr_pt_frames = l->nr_pt_frames;
    si->mfn_list = l->p2m_start;
    si->mod_start = l->initrd_start;
    si->mod_len = p->initrd_len;
    if ( l->initrd_by_pfn )
    {
        /* Xen's tools hand it over in whole pages. */
        si->flags |= SIF_MOD_START_PFN;
        si->mod_start = l->initrd_pfn;
        si->mod_len = ROUNDUP((uint64_t)p->initrd_len, PAGE_SIZE);
    }
    if ( l->p2m_outside )
    {
        si->first_p2m_pfn = l->p2m_pfn;
        si->nr_p2m_frames = l->nr_p2m_pages + 1 + l->nr_p2m_l2 + l->nr_p2m_l1;
    }
    if ( p->domu )
    {
        si->store_mfn = p->xs_mfn;
        si->store_evtchn = p->xs_evtchn;
        si->console.domU.mfn = p->cons_mfn;
        si->console.domU.evtchn = p->cons_evtchn;
    }
    if ( p->cmdline )
        strlcpy((char *)si->cmd_line, p->cmdline, sizeof(si->cmd_line));
}

int pv_build(const struct pv_kernel *k, const struct pv_build_params *p,
             const struct pv_layout *l, const struct pv_build_mem *mem,
             const void *initrd, const char **why)
{
    const struct pv_segment *order[PV_MAX_SEGMENTS];
    uint64_t va;
    unsigned long pfn;
    unsigned int i;

    *why = "";
    /*
     * Every byte of the region is written once: segment contents where the
     * file has them, zeroes everywhere else (the pages may hold anything,
     * unless they are known to be zero already).
     */
    sort_segments(k, order);
    va = l->v_start;
    for ( i = 0; i < k->nr_segments; i++ )
    {
        const struct pv_segment *sg = order[i];

        if ( !p->zeroed )
            zero_range(mem, l, va, sg->vaddr);
        copy_in(mem, l, sg->vaddr, k->image + sg->file_off, sg->filesz);
        va = sg->vaddr + sg->filesz;
    }
    if ( !p->zeroed )
        zero_range(mem, l, va, l->v_end);
    if ( l->initrd_by_pfn )
    {
        /* The tail of the last page is the guest's to see: clear it. */
        copy_to_pfn(mem, l->initrd_pfn, 0, initrd, p->initrd_len);
        if ( !p->zeroed && (p->initrd_len & (PAGE_SIZE - 1)) )
        {
            pfn = l->initrd_pfn + (unsigned long)(p->initrd_len >> PAGE_SHIFT);
            memset((uint8_t *)pv_build_map_pfn(mem, pfn) +
                       (p->initrd_len & (PAGE_SIZE - 1)),
                   0, PAGE_SIZE - (p->initrd_len & (PAGE_SIZE - 1)));
        }
    }
    else if ( p->initrd_len )
        copy_in(mem, l, l->initrd_start, initrd, p->initrd_len);
    if ( l->p2m_outside && !p->zeroed )
    {
        unsigned long n = l->nr_p2m_pages + 1 + l->nr_p2m_l2 + l->nr_p2m_l1;

        for ( pfn = l->p2m_pfn; pfn < l->p2m_pfn + n; pfn++ )
            memset(pv_build_map_pfn(mem, pfn), 0, PAGE_SIZE);
    }
    for ( pfn = 0; pfn < p->nr_pages; pfn++ )
    {
        uint64_t mfn = pv_build_pfn_to_mfn(mem, pfn);

        if ( l->p2m_outside )
            copy_to_pfn(mem, l->p2m_pfn, (uint64_t)pfn * 8, (const uint8_t *)&mfn, 8);
        else
            copy_in(mem, l, l->p2m_start + pfn * 8, (const uint8_t *)&mfn, 8);
    }
    fill_start_info(p, l, page_of(mem, l, l->start_info));
    build_page_tables(mem, l);
    if ( l->p2m_outside )
        build_p2m_tables(mem, l);
    return 0;
}

/* add() for the pages under [va, va + len) of the region. */
static void add_va_range(const struct pv_layout *l, uint64_t va, uint64_t len,
                         void (*add)(void *, unsigned long, unsigned long),
                         void *ctx)
{
    unsigned long first = pv_va_to_pfn(l, va);

    if ( len )
        add(ctx, first, pv_va_to_pfn(l, va + len - 1) - first + 1);
}

void pv_build_pages(const struct pv_kernel *k, const struct pv_build_params *p,
                    const struct pv_layout *l,
                    void (*add)(void *ctx, unsigned long first, unsigned long n),
                    void *ctx)
{
    unsigned int i;

    if ( !p->zeroed )
    {
        add(ctx, 0, l->nr_used);
        return;
    }
    for ( i = 0; i < k->nr_segments; i++ )
        add_va_range(l, k->seg[i].vaddr, k->seg[i].filesz, add, ctx);
    if ( l->initrd_by_pfn && p->initrd_len )
        add(ctx, l->initrd_pfn,
            (unsigned long)((p->initrd_len + PAGE_SIZE - 1) >> PAGE_SHIFT));
    else if ( !l->initrd_by_pfn )
        add_va_range(l, l->initrd_start, p->initrd_len, add, ctx);
    if ( l->p2m_outside )
        add(ctx, l->p2m_pfn, l->nr_p2m_pages + 1 + l->nr_p2m_l2 + l->nr_p2m_l1);
    else
        add_va_range(l, l->p2m_start, (uint64_t)p->nr_pages * 8, add, ctx);
    add(ctx, pv_va_to_pfn(l, l->start_info), 1);
    add(ctx, pv_va_to_pfn(l, l->pt_start), l->nr_pt_frames);
}
