/* SPDX-License-Identifier: GPL-2.0-only */
/* The hypervisor's own mappings, the frame table and the heap's pages. */
#include <xenia/console.h>
#include <xenia/cpumask.h>
#include <xenia/errno.h>
#include <xenia/mm.h>
#include <xenia/page_alloc.h>
#include <xenia/spinlock.h>
#include <xenia/xmalloc.h>
#include <xen/xen.h>
#include <asm/flushtlb.h>
#include <asm/config.h>
#include <asm/io.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/pv.h>

struct page_info *frame_table;
unsigned long max_page;

static DEFINE_SPINLOCK(heap_lock);
static struct memmap ram_map; /* the firmware's map, for mfn_is_ram() */
const uint8_t *ram_bits; /* mm.h */
static unsigned long m2p_frames;
static paddr_t m2p_chunks[4096]; /* machine address of each 2 MiB chunk */

/*
 * Before the buddy allocator exists, page tables and the frame table come
 * from this bump allocator, which takes frames from the top of the
 * highest usable RAM region below 4 GiB (the boot page tables map all of
 * it). mm_init() hands whatever it did not use to the buddy allocator.
 */
static paddr_t boot_alloc_lo, boot_alloc_hi, boot_alloc_top;
static bool buddy_ready;

static paddr_t boot_alloc(unsigned long nr_frames)
{
    paddr_t pa = boot_alloc_hi - nr_frames * PAGE_SIZE;

    if ( pa < boot_alloc_lo || pa > boot_alloc_hi )
        panic("out of boot memory allocating %lu frames\n", nr_frames);
    boot_alloc_hi = pa;
    return pa;
}

static void boot_alloc_setup(const struct memmap *usable)
{
    unsigned int i;

    for ( i = 0; i < usable->nr; i++ )
    {
        const struct memmap_entry *e = &usable->map[i];
        paddr_t lo = ROUNDUP(e->addr, PAGE_SIZE);
        paddr_t hi = ROUNDDOWN(MIN(e->addr + e->size, GB(4)), PAGE_SIZE);

        if ( e->type != MEMMAP_RAM || hi <= lo )
            continue;
        if ( hi - lo > boot_alloc_hi - boot_alloc_lo )
        {
            boot_alloc_lo = lo;
            boot_alloc_hi = hi;
        }
    }
    if ( boot_alloc_hi - boot_alloc_lo < MB(4) )
        panic("less than 4 MiB of usable RAM below 4 GiB\n");
    boot_alloc_top = boot_alloc_hi;
}

static pte_t *alloc_pt_page(void)
{
    void *va;

    if ( buddy_ready )
        va = alloc_xenheap_pages(0);
    else
        va = __va(boot_alloc(1));
    if ( va )
        memset(va, 0, PAGE_SIZE);
    return va;
}

/* The table the entry at this level points to, created if absent. */
static pte_t *next_table(pte_t *e, bool user)
{
    pte_t *t;

    if ( *e & _PAGE_PSE )
        return NULL; /* a superpage is in the way; Xenia never splits */
    if ( *e & _PAGE_PRESENT )
    {
        if ( user )
            *e |= _PAGE_USER;
        return __va(pte_addr(*e));
    }
    t = alloc_pt_page();
    if ( !t )
        return NULL;
    /* Intermediate entries stay permissive; the leaf decides access. */
    *e = __pa(t) | PAGE_TABLE_ENTRY | (user ? _PAGE_USER : 0);
    return t;
}

int map_pages_to_xen(unsigned long va, mfn_t mfn, unsigned long nr,
                     uint64_t flags)
{
    bool user = flags & _PAGE_USER;
    unsigned long m = mfn_x(mfn);

    while ( nr )
    {
        pte_t *l3 = next_table(&idle_l4[pt_index(va, 4)], user);
        pte_t *l2 = l3 ? next_table(&l3[pt_index(va, 3)], user) : NULL;
        pte_t *l1, new;
        bool big = !((va >> PAGE_SHIFT) & 511) && !(m & 511) && nr >= 512;

        if ( !l2 )
            return -ENOMEM;
        if ( big )
        {
            new = ((paddr_t)m << PAGE_SHIFT) | flags | _PAGE_PSE;
            if ( (l2[pt_index(va, 2)] & _PAGE_PRESENT) &&
                 l2[pt_index(va, 2)] != new )
                return -EBUSY;
            l2[pt_index(va, 2)] = new;
            va += 512 * PAGE_SIZE, m += 512, nr -= 512;
            continue;
        }
        l1 = next_table(&l2[pt_index(va, 2)], user);
        if ( !l1 )
            return -ENOMEM;
        new = ((paddr_t)m << PAGE_SHIFT) | flags;
        if ( (l1[pt_index(va, 1)] & _PAGE_PRESENT) && l1[pt_index(va, 1)] != new )
            return -EBUSY;
        l1[pt_index(va, 1)] = new;
        invlpg(va);
        va += PAGE_SIZE, m++, nr--;
    }
    return 0;
}

pte_t *pv_xen_l1e(unsigned long va)
{
    pte_t *t = idle_l4;
    unsigned int level;

    for ( level = 4; level > 1; level-- )
    {
        pte_t e = t[pt_index(va, level)];

        ASSERT((e & _PAGE_PRESENT) && !(e & _PAGE_PSE));
        t = __va(pte_addr(e));
    }
    return &t[pt_index(va, 1)];
}

void *ioremap(paddr_t pa, size_t len)
{
    static unsigned long next = IOREMAP_VIRT_START;
    static DEFINE_SPINLOCK(lock);
    paddr_t base = ROUNDDOWN(pa, PAGE_SIZE);
    unsigned long nr = (ROUNDUP(pa + len, PAGE_SIZE) - base) >> PAGE_SHIFT;
    unsigned long va, flags = spin_lock_irqsave(&lock);

    va = next;
    if ( va + nr * PAGE_SIZE > IOREMAP_VIRT_END ||
         map_pages_to_xen(va, maddr_to_mfn(base), nr, PAGE_HYPERVISOR_UC) )
        va = 0;
    else
        next += nr * PAGE_SIZE;
    spin_unlock_irqrestore(&lock, flags);
    return va ? (void *)(va + (pa - base)) : NULL;
}

/*
 * A freed frame may still sit in some CPU's TLB, mapped by its last user.
 * Frees stamp it; an allocation flushes the CPUs that have not flushed
 * since the newest stamp in the block, before anyone else can use it.
 */
static void stamp_freed(mfn_t mfn, unsigned int order)
{
    uint64_t now = tlbflush_current_time();

    for ( unsigned long i = 0; i < (1UL << order); i++ )
        frame_table[mfn_x(mfn) + i].tlbflush_timestamp = now;
}

static void flush_stale(mfn_t mfn, unsigned int order)
{
    uint64_t newest = 0;
    cpumask_t mask;

    for ( unsigned long i = 0; i < (1UL << order); i++ )
        newest = MAX(newest, frame_table[mfn_x(mfn) + i].tlbflush_timestamp);
    cpumask_copy(&mask, &cpu_online_map);
    tlbflush_filter(&mask, newest);
    if ( !cpumask_empty(&mask) )
        flush_tlb_mask(&mask);
}

static mfn_t alloc_locked(unsigned int order, unsigned int max_addr_bits)
{
    unsigned long flags = spin_lock_irqsave(&heap_lock);
    mfn_t mfn = alloc_heap_pages(order, max_addr_bits);

    spin_unlock_irqrestore(&heap_lock, flags);
    if ( !mfn_eq(mfn, INVALID_MFN) && buddy_ready )
        flush_stale(mfn, order);
    return mfn;
}

static void free_locked(mfn_t mfn, unsigned int order)
{
    unsigned long flags;

    stamp_freed(mfn, order);
    flags = spin_lock_irqsave(&heap_lock);
    free_heap_pages(mfn, order);
    spin_unlock_irqrestore(&heap_lock, flags);
}

void *alloc_xenheap_pages(unsigned int order)
{
    mfn_t mfn = alloc_locked(order, 0);

    if ( mfn_eq(mfn, INVALID_MFN) )
        return NULL;
    for ( unsigned long i = 0; i < (1UL << order); i++ )
        frame_table[mfn_x(mfn) + i].owner = DOMID_XEN;
    return __va(mfn_to_maddr(mfn));
}

void free_xenheap_pages(void *va, unsigned int order)
{
    if ( va )
        free_locked(maddr_to_mfn(__pa(va)), order);
}

unsigned long heap_free_frames(void)
{
    unsigned long flags = spin_lock_irqsave(&heap_lock);
    unsigned long n = page_alloc_free_frames();

    spin_unlock_irqrestore(&heap_lock, flags);
    return n;
}

mfn_t alloc_domheap_pages(unsigned int order, unsigned int max_addr_bits)
{
    return alloc_locked(order, max_addr_bits);
}

void free_domheap_pages(mfn_t mfn, unsigned int order)
{
    free_locked(mfn, order);
}

/* xmalloc's page source: the Xen heap, under one lock. */
void *xmalloc_alloc_pages(unsigned int order)
{
    return alloc_xenheap_pages(order);
}

void xmalloc_free_pages(void *va, unsigned int order)
{
    free_xenheap_pages(va, order);
}

static DEFINE_SPINLOCK(small_heap_lock);

unsigned long xmalloc_lock(void)
{
    return spin_lock_irqsave(&small_heap_lock);
}

void xmalloc_unlock(unsigned long flags)
{
    spin_unlock_irqrestore(&small_heap_lock, flags);
}

/* Low 4 GiB are mapped at boot; map the rest of RAM in the direct map. */
static void extend_direct_map(const struct memmap *map)
{
    unsigned int i;

    for ( i = 0; i < map->nr; i++ )
    {
        const struct memmap_entry *e = &map->map[i];
        paddr_t lo = MAX(ROUNDUP(e->addr, PAGE_SIZE), GB(4));
        paddr_t hi = ROUNDDOWN(e->addr + e->size, PAGE_SIZE);

        if ( e->type != MEMMAP_RAM || hi <= lo )
            continue;
        if ( hi > DIRECTMAP_VIRT_END - DIRECTMAP_VIRT_START )
            panic("RAM above %lu GiB cannot be direct-mapped\n",
                  (unsigned long)((DIRECTMAP_VIRT_END - DIRECTMAP_VIRT_START) >> 30));
        if ( map_pages_to_xen((unsigned long)__va(lo), maddr_to_mfn(lo),
                              (hi - lo) >> PAGE_SHIFT, PAGE_HYPERVISOR_RW) )
            panic("cannot direct-map RAM at %#lx\n", (unsigned long)lo);
    }
}

/*
 * The machine-to-phys table: one entry per machine frame giving the
 * guest frame it backs. PV guests read it at RO_MPT_VIRT_START (slot 256,
 * user-readable, read-only); Xenia writes it through a second alias in
 * slot 257 that guests cannot reach. Unused entries hold INVALID_M2P_ENTRY.
 */
static void m2p_init(void)
{
    unsigned long bytes = ROUNDUP(max_page * sizeof(unsigned long), MB(2));
    unsigned long done, i;

    m2p_frames = bytes >> PAGE_SHIFT;
    for ( done = 0; done < bytes; done += MB(2) )
    {
        void *chunk = alloc_xenheap_pages(9);
        mfn_t mfn;

        if ( !chunk )
            panic("no memory for the M2P table\n");
        memset(chunk, 0xff, MB(2)); /* INVALID_M2P_ENTRY */
        mfn = maddr_to_mfn(__pa(chunk));
        /* Guests may map the M2P read-only by frame, as on Xen. */
        for ( i = 0; i < 512; i++ )
            frame_table[mfn_x(mfn) + i].count_info |= PGC_shared_ro;
        if ( done / MB(2) < ARRAY_SIZE(m2p_chunks) )
            m2p_chunks[done / MB(2)] = __pa(chunk);
        if ( map_pages_to_xen(RDWR_MPT_VIRT_START + done, mfn, 512,
                              PAGE_HYPERVISOR_RW | _PAGE_NX) ||
             map_pages_to_xen(RO_MPT_VIRT_START + done, mfn, 512,
                              PAGE_HYPERVISOR_RO | _PAGE_USER | _PAGE_NX) )
            panic("cannot map the M2P table\n");
    }
}

static void reserve(struct memmap *m, paddr_t start, paddr_t end)
{
    if ( end > start && memmap_set_type(m, start, end - start, MEMMAP_RESERVED) )
        panic("memory map too fragmented to reserve %#lx-%#lx\n",
              (unsigned long)start, (unsigned long)end);
}

/* mfn_is_ram_in_map()'s answers, for every frame below max_page. */
static void fill_ram_bits(void)
{
    unsigned long n = ROUNDUP((max_page + 7) / 8, PAGE_SIZE) >> PAGE_SHIFT, m;
    uint8_t *bits = __va(boot_alloc(n));
    unsigned int i;

    memset(bits, 0, n * PAGE_SIZE);
    for ( i = 0; i < ram_map.nr; i++ )
    {
        const struct memmap_entry *e = &ram_map.map[i];

        if ( e->type != MEMMAP_RAM || !e->size )
            continue;
        /* Frames whose first byte lies in [addr, addr + size). */
        for ( m = (e->addr + PAGE_SIZE - 1) >> PAGE_SHIFT;
              m < max_page && (m << PAGE_SHIFT) - e->addr < e->size; m++ )
            bits[m / 8] |= 1u << (m % 8);
    }
    ram_bits = bits;
}

void mm_init(const struct boot_info *bi, paddr_t image_start, paddr_t image_end)
{
    static struct memmap usable;
    unsigned long ft_frames, i;
    paddr_t ft;

    usable = bi->memmap;
    ram_map = bi->memmap;
    max_page = memmap_ram_end(&usable) >> PAGE_SHIFT;
    /* The BIOS area and real-mode memory: keep for firmware and AP start. */
    reserve(&usable, 0, MB(1));
    reserve(&usable, image_start, ROUNDUP(image_end, PAGE_SIZE));
    for ( i = 0; i < bi->nr_modules; i++ )
        reserve(&usable, ROUNDDOWN(bi->mods[i].start, PAGE_SIZE),
                ROUNDUP(bi->mods[i].start + bi->mods[i].size, PAGE_SIZE));

    boot_alloc_setup(&usable);
    extend_direct_map(&usable);
    ft_frames = ROUNDUP(max_page * sizeof(struct page_info), PAGE_SIZE) >>
                PAGE_SHIFT;
    ft = boot_alloc(ft_frames);
    frame_table = __va(ft);
    memset(frame_table, 0, ft_frames * PAGE_SIZE);
    fill_ram_bits();
    /* Everything the bump allocator handed out stays reserved. */
    reserve(&usable, boot_alloc_hi, boot_alloc_top);

    page_alloc_init(frame_table, max_page);
    for ( i = 0; i < usable.nr; i++ )
    {
        const struct memmap_entry *e = &usable.map[i];
        paddr_t lo = ROUNDUP(e->addr, PAGE_SIZE);
        paddr_t hi = ROUNDDOWN(e->addr + e->size, PAGE_SIZE);

        if ( e->type == MEMMAP_RAM && hi > lo )
            page_alloc_add_range(maddr_to_mfn(lo), (hi - lo) >> PAGE_SHIFT);
    }
    buddy_ready = true;
    xmalloc_init();
    /*
     * Every hypervisor slot gets its L3 now: guest L4s copy the slots
     * when they are validated, so a slot filled in later would be
     * missing from them.
     */
    for ( i = HYPERVISOR_L4_FIRST; i <= HYPERVISOR_L4_LAST; i++ )
        if ( !(idle_l4[i] & _PAGE_PRESENT) )
            next_table(&idle_l4[i], i == HYPERVISOR_L4_FIRST);
    m2p_init();
}

paddr_t __pa_of_m2p_chunk(unsigned int i)
{
    return i < ARRAY_SIZE(m2p_chunks) ? m2p_chunks[i] : 0;
}

const struct memmap *machine_memmap(void)
{
    return &ram_map;
}

bool mfn_is_ram_in_map(mfn_t mfn)
{
    paddr_t pa = mfn_to_maddr(mfn);
    unsigned int i;

    for ( i = 0; i < ram_map.nr; i++ )
        if ( ram_map.map[i].type == MEMMAP_RAM && pa >= ram_map.map[i].addr &&
             pa - ram_map.map[i].addr < ram_map.map[i].size )
            return true;
    return false;
}

void set_gpfn_from_mfn(mfn_t mfn, gfn_t gfn)
{
    if ( mfn_valid(mfn) )
        ((unsigned long *)RDWR_MPT_VIRT_START)[mfn_x(mfn)] = gfn_x(gfn);
}

void mm_drop_identity_map(void)
{
    idle_l4[0] = 0;
    flush_tlb_local();
}

void mm_print_summary(void)
{
    printk(XENLOG_INFO "Memory: %luk total, %luk free; frame table %luk, "
                       "M2P %luk at %#lx\n",
           page_alloc_total_frames() * 4, page_alloc_free_frames() * 4,
           (unsigned long)(ROUNDUP(max_page * sizeof(struct page_info),
                                   PAGE_SIZE) >> 10),
           m2p_frames * 4, (unsigned long)RO_MPT_VIRT_START);
}
