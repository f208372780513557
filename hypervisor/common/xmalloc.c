/* SPDX-License-Identifier: GPL-2.0-only */
/* The hypervisor heap: size-class pools in single pages, large blocks whole. */
#include <xenia/lib.h>
#include <xenia/list.h>
#include <xenia/xmalloc.h>

/*
 * Every chunk the heap takes from its page source starts with a struct
 * xmem_hdr. A pool page is one page cut into objects of one size class
 * (16..2048 bytes, a power of two, each aligned to its size); a large
 * block is 2^order pages holding one object. No pool object starts at
 * offset 0 of its page (the header is there), and a large object starts
 * in (0, PAGE_SIZE] of its block, so the header of any object p is at
 * (p - 1) rounded down to a page: xfree() needs nothing but the address.
 *
 * The cost is the header: a 2048-byte object takes a page to itself.
 *
 * Locking: the source's lock covers partial[], the pool pages' headers
 * and free lists, and used_bytes. Pages are got and given back with the
 * lock dropped, as the source asks; a page is private to the caller
 * between being got and being listed, and after being unlisted.
 */
#define POOL_MIN_SHIFT  4  /* 16 bytes, the natural alignment */
#define POOL_MAX_SHIFT  11 /* 2048 bytes */
#define NR_POOLS        (POOL_MAX_SHIFT - POOL_MIN_SHIFT + 1)
#define LARGE_MAX_ORDER 20 /* the frame allocator's MAX_ORDER */

#define MAGIC_POOL  0x4c4f4f50u /* "POOL" */
#define MAGIC_LARGE 0x4547524cu /* "LRGE" */
#define POISON      0xa5

#if defined(CONFIG_DEBUG) || defined(XENIA_HOST)
static const bool heap_debug = true;
#else
static const bool heap_debug = false;
#endif

struct xmem_free {
    struct xmem_free *next;
};

struct xmem_hdr {
    uint32_t magic;
    uint16_t shift; /* pool: log2 of the object size; large: page order */
    union {
        uint16_t nr_free;    /* pool: objects on ->free */
        uint16_t obj_offset; /* large: where the object starts */
    };
    struct xmem_free *free; /* pool: free objects, singly linked */
    struct list_head list;  /* pool: on partial[] while it has free objects */
};

static struct list_head partial[NR_POOLS]; /* pool pages with room */
static size_t used_bytes;

void xmalloc_init(void)
{
    unsigned int i;

    used_bytes = 0;
    for ( i = 0; i < NR_POOLS; i++ )
        INIT_LIST_HEAD(&partial[i]);
}

static size_t first_offset(unsigned int shift)
{
    return ROUNDUP(sizeof(struct xmem_hdr), 1UL << shift);
}

static unsigned int objs_per_page(unsigned int shift)
{
    return (PAGE_SIZE - first_offset(shift)) >> shift;
}

/* Freed objects are filled with POISON past their free-list link. */
static void poison(void *obj, size_t size)
{
    if ( heap_debug )
        memset((char *)obj + sizeof(struct xmem_free), POISON,
               size - sizeof(struct xmem_free));
}

static bool poison_intact(const void *obj, size_t size)
{
    const unsigned char *b = obj;
    size_t i;

    for ( i = sizeof(struct xmem_free); i < size; i++ )
        if ( b[i] != POISON )
            return false;
    return true;
}

/* Cut a fresh page into objects; the page is not yet visible to others. */
static void init_pool_page(struct xmem_hdr *h, unsigned int shift)
{
    size_t size = 1UL << shift, off;

    h->magic = MAGIC_POOL;
    h->shift = shift;
    h->nr_free = 0;
    h->free = NULL;
    /* Highest first, so that the list hands out the lowest address first. */
    for ( off = PAGE_SIZE - size; off >= first_offset(shift); off -= size )
    {
        struct xmem_free *o = (struct xmem_free *)((char *)h + off);

        poison(o, size);
        o->next = h->free;
        h->free = o;
        h->nr_free++;
    }
}

static void *pool_alloc(unsigned int shift)
{
    struct list_head *l = &partial[shift - POOL_MIN_SHIFT];
    unsigned long flags = xmalloc_lock();
    struct xmem_hdr *h;
    struct xmem_free *o;

    if ( list_empty(l) )
    {
        xmalloc_unlock(flags);
        h = xmalloc_alloc_pages(0);
        if ( !h )
            return NULL;
        init_pool_page(h, shift);
        flags = xmalloc_lock();
        list_add(&h->list, l);
    }
    h = list_first_entry(l, struct xmem_hdr, list);
    o = h->free;
    h->free = o->next;
    if ( --h->nr_free == 0 )
        list_del(&h->list);
    /* A write after free shows as damaged poison. */
    ASSERT(!heap_debug || poison_intact(o, 1UL << shift));
    used_bytes += 1UL << shift;
    xmalloc_unlock(flags);
    return o;
}

static void pool_free(struct xmem_hdr *h, void *p)
{
    unsigned long flags = xmalloc_lock();
    size_t size = 1UL << h->shift, off = (char *)p - (char *)h;
    struct xmem_free *o = p, *f;
    bool release = false;

    ASSERT(h->shift >= POOL_MIN_SHIFT && h->shift <= POOL_MAX_SHIFT);
    ASSERT(off >= first_offset(h->shift) && !(off & (size - 1)));
    if ( heap_debug )
        for ( f = h->free; f; f = f->next )
            ASSERT(f != o); /* double free */
    poison(o, size);
    o->next = h->free;
    h->free = o;
    if ( h->nr_free++ == 0 )
        list_add(&h->list, &partial[h->shift - POOL_MIN_SHIFT]);
    used_bytes -= size;
    if ( h->nr_free == objs_per_page(h->shift) )
    {
        list_del(&h->list);
        h->magic = 0;
        release = true;
    }
    xmalloc_unlock(flags);
    if ( release )
        xmalloc_free_pages(h, 0);
}

static void *large_alloc(size_t size, size_t align)
{
    size_t off = ROUNDUP(sizeof(struct xmem_hdr), align);
    unsigned int order = 0;
    unsigned long flags;
    struct xmem_hdr *h;

    /* Checked before any sum, so that a huge size cannot wrap around. */
    if ( size > (PAGE_SIZE << LARGE_MAX_ORDER) - off )
        return NULL;
    while ( (PAGE_SIZE << order) < off + size )
        order++;
    h = xmalloc_alloc_pages(order);
    if ( !h )
        return NULL;
    h->magic = MAGIC_LARGE;
    h->shift = order;
    h->obj_offset = off;
    h->free = NULL;
    flags = xmalloc_lock();
    used_bytes += PAGE_SIZE << order;
    xmalloc_unlock(flags);
    return (char *)h + off;
}

static void large_free(struct xmem_hdr *h, void *p)
{
    unsigned int order = h->shift;
    unsigned long flags;

    ASSERT(order <= LARGE_MAX_ORDER);
    ASSERT((char *)p == (char *)h + h->obj_offset);
    flags = xmalloc_lock();
    used_bytes -= PAGE_SIZE << order;
    xmalloc_unlock(flags);
    /* The magic goes too, so that a second xfree() trips the ASSERT. */
    if ( heap_debug )
        memset(h, POISON, PAGE_SIZE << order);
    h->magic = 0;
    xmalloc_free_pages(h, order);
}

/* Sizes of 0 get a minimal object of their own; alignment below 16 is 16. */
void *xmalloc_bytes(size_t size, size_t align)
{
    unsigned int shift = POOL_MIN_SHIFT;
    size_t need;

    if ( !align )
        align = 1UL << POOL_MIN_SHIFT;
    if ( (align & (align - 1)) || align > PAGE_SIZE )
        return NULL;
    need = MAX(MAX(size, align), (size_t)1);
    if ( need > (1UL << POOL_MAX_SHIFT) )
        return large_alloc(size, MAX(align, 1UL << POOL_MIN_SHIFT));
    while ( (1UL << shift) < need )
        shift++;
    return pool_alloc(shift);
}

void *xzalloc_bytes(size_t size, size_t align)
{
    void *p = xmalloc_bytes(size, align);

    if ( p )
        memset(p, 0, size);
    return p;
}

void xfree(void *p)
{
    struct xmem_hdr *h;

    if ( !p )
        return;
    h = (struct xmem_hdr *)(((uintptr_t)p - 1) & PAGE_MASK);
    if ( h->magic == MAGIC_LARGE )
        large_free(h, p);
    else
    {
        ASSERT(h->magic == MAGIC_POOL);
        pool_free(h, p);
    }
}

/* Pool objects count their size class, large objects their whole block. */
size_t xmalloc_used_bytes(void)
{
    unsigned long flags = xmalloc_lock();
    size_t n = used_bytes;

    xmalloc_unlock(flags);
    return n;
}
