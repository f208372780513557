/* SPDX-License-Identifier: GPL-2.0-only */
/* HYPERVISOR_memory_op: reservations, memory maps, the M2P's location. */
#include <xenia/console.h>
#include <xenia/domain.h>
#include <xenia/errno.h>
#include <xenia/grant_domain.h>
#include <xenia/guest_access.h>
#include <xenia/hypercall.h>
#include <xenia/mm.h>
#include <xenia/page_type.h>
#include <xenia/preempt.h>
#include <xenia/sched.h>
#include <xenia/xmalloc.h>
#include <xen/memory.h>
#include <asm/config.h>

/* The extent to resume at travels in the command's upper bits, as in Xen. */
#define MEMOP_EXTENT_SHIFT 6
#define MEMOP_CMD_MASK     ((1u << MEMOP_EXTENT_SHIFT) - 1)

/*
 * Take a frame away from its domain: drop the allocation reference. It
 * returns to the heap once nothing maps or uses it any more.
 */
static int release_page(struct domain *d, mfn_t mfn)
{
    struct page_info *pg;
    unsigned long flags;

    if ( !mfn_valid(mfn) )
        return -EINVAL;
    pg = mfn_to_page(mfn);
    if ( !get_page(pg, d->domain_id) )
        return -EINVAL;
    /*
     * A frame Xenia shares (shared_info, grant frames) stays where it is.
     * Xen counts the extent as done and the frame stays mapped and usable
     * (for PV its guest_remove_page drops an allocation reference that
     * frees nothing); the guest sees the same here.
     */
    if ( pg->count_info & PGC_xen_heap )
    {
        put_page(pg);
        return 0;
    }
    if ( !(__atomic_fetch_and(&pg->count_info, ~PGC_allocated,
                              __ATOMIC_ACQ_REL) & PGC_allocated) )
    {
        put_page(pg);
        return -EINVAL;
    }
    flags = spin_lock_irqsave(&d->page_alloc_lock);
    list_del(&pg->list);
    d->tot_pages--;
    spin_unlock_irqrestore(&d->page_alloc_lock, flags);
    set_gpfn_from_mfn(mfn, INVALID_GFN);
    put_page(pg); /* ours */
    put_page(pg); /* the allocation's: frees unless still in use */
    return 0;
}

/*
 * One extent of increase/decrease/populate. For a PV guest (whose guest
 * frames are machine frames), the list holds MFNs for decrease and is
 * filled with MFNs by increase; populate reads GPFNs and returns MFNs.
 */
static int one_extent(unsigned int op, struct domain *d,
                      const struct xen_memory_reservation *r, unsigned long i)
{
    unsigned long slot = (unsigned long)r->extent_start.p + i * sizeof(xen_pfn_t);
    unsigned int order = r->extent_order;
    xen_pfn_t val = 0;
    mfn_t mfn;
    unsigned long j;
    int rc;

    if ( op != XENMEM_increase_reservation &&
         copy_from_guest(&val, slot, sizeof(val)) )
        return -EFAULT;
    if ( op == XENMEM_decrease_reservation )
    {
        for ( j = 0; j < (1UL << order); j++ )
            if ( (rc = release_page(d, mfn_add(_mfn(val), j))) )
                return rc;
        return 0;
    }
    rc = domain_alloc_pages(d, order, XENMEMF_get_address_bits(r->mem_flags),
                            &mfn);
    if ( rc )
        return rc;
    for ( j = 0; j < (1UL << order); j++ )
    {
        gfn_t gfn = op == XENMEM_populate_physmap ? gfn_add(_gfn(val), j)
                                                  : INVALID_GFN;

        set_gpfn_from_mfn(mfn_add(mfn, j), gfn);
        if ( !gfn_eq(gfn, INVALID_GFN) && gfn_x(gfn) > d->max_gpfn )
            d->max_gpfn = gfn_x(gfn);
    }
    val = mfn_x(mfn);
    return copy_to_guest(slot, &val, sizeof(val)) ? -EFAULT : 0;
}

/* Order-0 extents populated a run at a time: at most 2^RUN_ORDER of them. */
#define RUN_ORDER 6
#define RUN_MAX   (1UL << RUN_ORDER)

/*
 * A run of order-0 populate_physmap extents from i: the gpfns read in one
 * copy, their frames taken as one block (as large a power of two as fits,
 * smaller ones when memory or the domain's allowance is short), the MFNs
 * written back in one copy. That is what a builder asks for, thousands of
 * pages at once, and it spares each frame the allocator's locks, the TLB
 * filter and two guest copies. The result is the extents done from i;
 * *stop says the call ends there, with the same frames and count as
 * extent-by-extent handling would leave.
 */
static unsigned long populate_run(struct domain *d,
                                  const struct xen_memory_reservation *r,
                                  unsigned long i, bool *stop)
{
    unsigned long slot = (unsigned long)r->extent_start.p + i * sizeof(xen_pfn_t);
    unsigned long n = MIN(r->nr_extents - i, RUN_MAX), j;
    unsigned int order = 0;
    xen_pfn_t list[RUN_MAX];
    mfn_t mfn;

    /* A list that cannot be read whole: the run ends before its fault. */
    if ( copy_from_guest(list, slot, n * sizeof(xen_pfn_t)) )
    {
        for ( j = 0; j < n; j++ )
            if ( copy_from_guest(&list[j], slot + j * sizeof(xen_pfn_t),
                                 sizeof(xen_pfn_t)) )
                break;
        if ( !j )
        {
            *stop = true;
            return 0;
        }
        n = j;
    }
    while ( (2UL << order) <= n )
        order++;
    while ( domain_alloc_pages(d, order, XENMEMF_get_address_bits(r->mem_flags),
                               &mfn) )
        if ( !order-- )
        {
            *stop = true;
            return 0;
        }
    n = 1UL << order;
    for ( j = 0; j < n; j++ )
    {
        set_gpfn_from_mfn(mfn_add(mfn, j), _gfn(list[j]));
        if ( list[j] != ~0UL && list[j] > d->max_gpfn )
            d->max_gpfn = list[j];
        list[j] = mfn_x(mfn) + j;
    }
    if ( !copy_to_guest(slot, list, n * sizeof(xen_pfn_t)) )
        return n;
    /*
     * The list faulted part way: as extent by extent, the frame whose MFN
     * could not be written stays the domain's and is not counted; the ones
     * after it were never asked for, so they go back.
     */
    for ( j = 0; j < n; j++ )
        if ( copy_to_guest(slot + j * sizeof(xen_pfn_t), &list[j],
                           sizeof(xen_pfn_t)) )
            break;
    if ( j == n )
        return n; /* the guest mapped it meanwhile */
    for ( i = j + 1; i < n; i++ )
        release_page(d, _mfn(list[i]));
    *stop = true;
    return j;
}

static long reservation_extents(unsigned int op, unsigned long start,
                                struct domain *d, struct domain *t,
                                struct xen_memory_reservation r)
{
    unsigned long i;

    if ( r.extent_order > 9 && !d->is_privileged )
        return -EPERM; /* larger than a superpage: privileged only */
    if ( r.extent_order > 18 || r.nr_extents > (1UL << 32) )
        return -EINVAL;
    /* A list the guest may not name: no extents done, as Xen answers. */
    if ( !guest_range_ok((unsigned long)r.extent_start.p,
                         r.nr_extents * sizeof(xen_pfn_t)) )
        return start;
    for ( i = start; i < r.nr_extents; )
    {
        bool stop = false;

        if ( i > start && hypercall_preempt_check() )
        {
            hypercall_set_arg(0, op | (i << MEMOP_EXTENT_SHIFT));
            return -ERESTART;
        }
        if ( op == XENMEM_populate_physmap && !r.extent_order )
            i += populate_run(t, &r, i, &stop);
        else if ( !(stop = one_extent(op, t, &r, i) != 0) )
            i++;
        if ( stop )
            break;
    }
    return i; /* the number of extents done */
}

static long reservation_op(unsigned int op, unsigned long start,
                           unsigned long arg)
{
    struct domain *d = current_vcpu()->domain, *t;
    struct xen_memory_reservation r;
    long rc;

    if ( copy_from_guest(&r, arg, sizeof(r)) )
        return -EFAULT;
    /*
     * Xen answers a domain that does not exist, or that the caller may
     * not touch, as an extent that failed: with the count done so far.
     */
    if ( domain_target(d, r.domid, &t) )
        return start;
    rc = reservation_extents(op, start, d, t, r);
    domain_put(t);
    return rc;
}

/*
 * Steal the chunk's input frames; 0, or -EINVAL with none of them taken.
 * in_mfns receives every frame, in order.
 */
static int steal_chunk(struct domain *d, const struct xen_memory_exchange *x,
                       unsigned long first, unsigned long n,
                       mfn_t *in_mfns)
{
    unsigned long per = 1UL << x->in.extent_order, i, k, got = 0;

    for ( i = 0; i < n; i++ )
    {
        xen_pfn_t base;

        if ( copy_from_guest(&base, (unsigned long)x->in.extent_start.p +
                                        (first + i) * sizeof(base),
                             sizeof(base)) )
            goto undo;
        for ( k = 0; k < per; k++, got++ )
        {
            in_mfns[got] = mfn_add(_mfn(base), k);
            if ( !domain_steal_page(d, in_mfns[got]) )
                goto undo;
        }
    }
    return 0;
undo:
    while ( got-- )
        domain_unsteal_page(d, in_mfns[got]);
    return -EINVAL;
}

/*
 * XENMEM_exchange, which Linux's swiotlb uses to make its bounce buffer
 * machine-contiguous below 4 GiB: frames the guest gives up are swapped,
 * chunk by chunk, for new extents with the address width it asks for.
 * A chunk is all or nothing; nr_exchanged counts the input extents done
 * (and carries the progress across continuations, as in Xen).
 */
static long exchange_chunks(struct domain *t, struct xen_memory_exchange *x,
                            unsigned int in_chunk_order,
                            unsigned int out_chunk_order, mfn_t *in_mfns,
                            xen_pfn_t *gpfns, mfn_t *out_mfns)
{
    unsigned long nin = 1UL << in_chunk_order, nout = 1UL << out_chunk_order;
    unsigned long chunk_pages = nin << x->in.extent_order;
    unsigned long out_pages = 1UL << x->out.extent_order, i, k;
    unsigned int chunks = 0;
    int rc;

    while ( x->nr_exchanged < x->in.nr_extents )
    {
        unsigned long out_first =
            (x->nr_exchanged >> in_chunk_order) << out_chunk_order;
        unsigned long out_list = (unsigned long)x->out.extent_start.p +
                                 out_first * sizeof(xen_pfn_t);

        if ( chunks++ && hypercall_preempt_check() )
            return -ERESTART;
        if ( copy_from_guest(gpfns, out_list, nout * sizeof(xen_pfn_t)) )
            return -EFAULT;
        rc = steal_chunk(t, x, x->nr_exchanged, nin, in_mfns);
        if ( rc )
            return rc;
        for ( i = 0; i < nout; i++ )
        {
            rc = domain_alloc_pages(t, x->out.extent_order,
                                    XENMEMF_get_address_bits(x->out.mem_flags),
                                    &out_mfns[i]);
            if ( rc )
            {
                /* The old frames go back: the chunk never happened. */
                while ( i-- )
                    domain_free_extent(t, out_mfns[i], x->out.extent_order);
                for ( k = 0; k < chunk_pages; k++ )
                    domain_unsteal_page(t, in_mfns[k]);
                return rc;
            }
        }
        for ( i = 0; i < nout; i++ )
        {
            xen_pfn_t m = mfn_x(out_mfns[i]);

            for ( k = 0; k < out_pages; k++ )
                set_gpfn_from_mfn(mfn_add(out_mfns[i], k),
                                  gfn_add(_gfn(gpfns[i]), k));
            if ( gpfns[i] + out_pages - 1 > t->max_gpfn )
                t->max_gpfn = gpfns[i] + out_pages - 1;
            /* Xen ignores a fault writing the result back: so do we. */
            (void)copy_to_guest(out_list + i * sizeof(xen_pfn_t), &m,
                                sizeof(m));
        }
        /* The old frames are ours alone now: back to the heap. */
        for ( k = 0; k < chunk_pages; k++ )
        {
            set_gpfn_from_mfn(in_mfns[k], INVALID_GFN);
            put_page(mfn_to_page(in_mfns[k]));
        }
        x->nr_exchanged += nin;
    }
    return 0;
}

static long memory_exchange(unsigned long arg)
{
    struct domain *d = current_vcpu()->domain, *t;
    struct xen_memory_exchange x;
    unsigned int in_chunk_order = 0, out_chunk_order = 0;
    mfn_t *in_mfns;
    xen_pfn_t *gpfns;
    mfn_t *out_mfns;
    long rc;

    if ( copy_from_guest(&x, arg, sizeof(x)) )
        return -EFAULT;
    if ( x.in.extent_order > 18 || x.out.extent_order > 18 ||
         x.in.nr_extents > (1UL << 32) || x.out.nr_extents > (1UL << 32) ||
         x.nr_exchanged > x.in.nr_extents )
        return -EINVAL;
    if ( !guest_range_ok((unsigned long)x.in.extent_start.p,
                         x.in.nr_extents * sizeof(xen_pfn_t)) ||
         !guest_range_ok((unsigned long)x.out.extent_start.p,
                         x.out.nr_extents * sizeof(xen_pfn_t)) )
        return -EFAULT;
    /* Larger than a superpage: privileged only, as for reservations. */
    if ( (x.in.extent_order > 9 || x.out.extent_order > 9) &&
         !d->is_privileged )
        return -EPERM;
    if ( x.in.extent_order <= x.out.extent_order )
        in_chunk_order = x.out.extent_order - x.in.extent_order;
    else
        out_chunk_order = x.in.extent_order - x.out.extent_order;
    if ( (x.in.nr_extents & ((1UL << in_chunk_order) - 1)) ||
         (x.out.nr_extents & ((1UL << out_chunk_order) - 1)) ||
         (x.in.nr_extents >> in_chunk_order) !=
             (x.out.nr_extents >> out_chunk_order) ||
         (x.nr_exchanged & ((1UL << in_chunk_order) - 1)) ||
         x.in.domid != x.out.domid )
        return -EINVAL;
    rc = domain_target(d, x.in.domid, &t);
    if ( rc )
        return rc;
    in_mfns = xzalloc_array(mfn_t,
                            1UL << (x.in.extent_order + in_chunk_order));
    gpfns = xzalloc_array(xen_pfn_t, 1UL << out_chunk_order);
    out_mfns = xzalloc_array(mfn_t, 1UL << out_chunk_order);
    rc = in_mfns && gpfns && out_mfns
             ? exchange_chunks(t, &x, in_chunk_order, out_chunk_order, in_mfns,
                               gpfns, out_mfns)
             : -ENOMEM;
    xfree(in_mfns);
    xfree(gpfns);
    xfree(out_mfns);
    domain_put(t);
    if ( copy_to_guest(arg + offsetof(struct xen_memory_exchange, nr_exchanged),
                       &x.nr_exchanged, sizeof(x.nr_exchanged)) )
        return -EFAULT;
    return rc;
}

static long copy_memmap(const struct memmap *m, unsigned long arg)
{
    struct xen_memory_map map;
    unsigned int i, n;

    if ( copy_from_guest(&map, arg, sizeof(map)) )
        return -EFAULT;
    n = MIN(map.nr_entries, m->nr);
    for ( i = 0; i < n; i++ )
    {
        struct __packed {
            uint64_t addr, size;
            uint32_t type;
        } e = {m->map[i].addr, m->map[i].size, m->map[i].type};

        if ( copy_to_guest((unsigned long)map.buffer.p + i * sizeof(e), &e,
                           sizeof(e)) )
            return -EFAULT;
    }
    map.nr_entries = n;
    return copy_to_guest(arg, &map, sizeof(map)) ? -EFAULT : 0;
}

static long machphys_mfn_list(unsigned long arg)
{
    struct xen_machphys_mfn_list l;
    unsigned int i, n;

    if ( copy_from_guest(&l, arg, sizeof(l)) )
        return -EFAULT;
    n = MIN(l.max_extents,
            (unsigned int)(ROUNDUP(max_page * 8, MB(2)) / MB(2)));
    for ( i = 0; i < n; i++ )
    {
        /* The M2P is mapped with 2 MiB pages of physically whole chunks. */
        xen_pfn_t mfn = __pa_of_m2p_chunk(i) >> PAGE_SHIFT;

        if ( copy_to_guest((unsigned long)l.extent_start.p + i * sizeof(mfn),
                           &mfn, sizeof(mfn)) )
            return -EFAULT;
    }
    l.nr_extents = n;
    return copy_to_guest(arg, &l, sizeof(l)) ? -EFAULT : 0;
}

static long domain_query(unsigned int op, unsigned long arg)
{
    struct domain *d = current_vcpu()->domain, *t;
    domid_t id;
    long rc;

    if ( copy_from_guest(&id, arg, sizeof(id)) )
        return -EFAULT;
    rc = domain_target(d, id, &t);
    if ( rc )
        return rc;
    switch ( op )
    {
    case XENMEM_current_reservation:
        rc = t->tot_pages;
        break;
    case XENMEM_maximum_reservation:
        rc = t->max_pages;
        break;
    default:
        /*
         * XENMEM_maximum_gpfn: for PV, Xen answers from the guest's own
         * record, shared_info's arch.max_pfn (Linux keeps it), less one.
         */
        rc = (t->shared_info->arch.max_pfn ? t->shared_info->arch.max_pfn
                                           : 1) - 1;
    }
    domain_put(t);
    return rc;
}

/* Xen's E820MAX: more entries than that are refused outright. */
#define GUEST_E820_MAX 1024

/* An entry of a guest's E820 as the memory map sub-ops carry it. */
struct guest_e820 {
    uint64_t addr, size;
    uint32_t type;
} __packed;

/*
 * XENMEM_set_memory_map: the E820 a domain will read with
 * XENMEM_memory_map (libxl gives a PV guest one RAM entry up to its
 * maximum). Xenia keeps up to MEMMAP_MAX entries. The map is swapped and
 * read under the domain's mm_lock, which may be held across guest copies.
 */
static long set_memory_map(unsigned long arg)
{
    struct domain *cur = current_vcpu()->domain, *d;
    struct xen_foreign_memory_map fm;
    struct memmap *m, *old;
    unsigned int i;
    long rc;

    if ( copy_from_guest(&fm, arg, sizeof(fm)) )
        return -EFAULT;
    if ( fm.map.nr_entries > GUEST_E820_MAX )
        return -EINVAL;
    rc = domain_target(cur, fm.domid, &d);
    if ( rc )
        return rc;
    m = fm.map.nr_entries <= MEMMAP_MAX ? xzalloc(struct memmap) : NULL;
    if ( !m )
    {
        domain_put(d);
        return -ENOMEM;
    }
    for ( i = 0; i < fm.map.nr_entries; i++ )
    {
        struct guest_e820 e;

        if ( copy_from_guest(&e, (unsigned long)fm.map.buffer.p + i * sizeof(e),
                             sizeof(e)) )
        {
            xfree(m);
            domain_put(d);
            return -EFAULT;
        }
        m->map[i].addr = e.addr;
        m->map[i].size = e.size;
        m->map[i].type = e.type;
    }
    m->nr = fm.map.nr_entries;
    spin_lock(&d->mm_lock);
    old = d->guest_memmap;
    d->guest_memmap = m;
    spin_unlock(&d->mm_lock);
    xfree(old);
    domain_put(d);
    return 0;
}

static long memory_map(struct domain *d, unsigned long arg)
{
    long rc = -ENOSYS; /* none set: Linux then assumes its own */

    spin_lock(&d->mm_lock);
    if ( d->guest_memmap )
        rc = copy_memmap(d->guest_memmap, arg);
    spin_unlock(&d->mm_lock);
    return rc;
}

#define ACQUIRE_BATCH 32 /* frames between continuation checks */

/*
 * XENMEM_acquire_resource: the machine frames of another domain's
 * resource, for the control domain to map (privcmd's MMAP_RESOURCE);
 * a null frame_list asks for the resource's size. Xenia has grant-table
 * frames; any other type is -EOPNOTSUPP, which makes the toolstack fall
 * back to other means.
 */
static long acquire_resource(unsigned long arg, unsigned long start)
{
    struct domain *cur = current_vcpu()->domain, *d;
    xen_mem_acquire_resource_t x;
    xen_pfn_t mfns[ACQUIRE_BATCH];
    unsigned int max, n;
    unsigned long list;
    long rc;

    if ( copy_from_guest(&x, arg, sizeof(x)) )
        return -EFAULT;
    if ( x.pad || (x.frame >> 32) || ((x.frame + x.nr_frames) >> 32) )
        return -EINVAL;
    /* Xen names only other domains here: its own id is refused. */
    if ( x.domid == cur->domain_id )
        return -EPERM;
    if ( x.domid == DOMID_SELF )
        return -ESRCH;
    rc = domain_target(cur, x.domid, &d);
    if ( rc )
        return rc;
    switch ( x.type )
    {
    case XENMEM_resource_grant_table:
        max = gnttab_resource_max_frames(d, x.id);
        break;
    default:
        rc = -EOPNOTSUPP;
        goto out;
    }
    rc = -EINVAL;
    if ( !max )
        goto out;
    if ( !x.frame_list.p )
    {
        if ( x.nr_frames || start )
            goto out;
        x.nr_frames = max;
        rc =
            copy_to_guest(arg + offsetof(xen_mem_acquire_resource_t, nr_frames),
                          &x.nr_frames, sizeof(x.nr_frames))
                ? -EFAULT
                : 0;
        goto out;
    }
    if ( start >= x.nr_frames ||
         x.nr_frames > (UINT32_MAX >> MEMOP_EXTENT_SHIFT) )
        goto out;
    n = MIN(x.nr_frames - (unsigned int)start, ACQUIRE_BATCH);
    rc = gnttab_acquire_resource(d, x.id, x.frame + start, n, mfns);
    if ( rc )
        goto out;
    list = (unsigned long)x.frame_list.p + start * sizeof(xen_pfn_t);
    if ( copy_to_guest(list, mfns, n * sizeof(xen_pfn_t)) )
        rc = -EFAULT;
    else if ( start + n < x.nr_frames )
    {
        hypercall_set_arg(0, XENMEM_acquire_resource |
                                 ((start + n) << MEMOP_EXTENT_SHIFT));
        rc = -ERESTART;
    }
out:
    domain_put(d);
    return rc;
}

long do_memory_op(unsigned long cmd, unsigned long arg)
{
    struct domain *d = current_vcpu()->domain;
    unsigned int op = cmd & MEMOP_CMD_MASK;
    unsigned long start = cmd >> MEMOP_EXTENT_SHIFT;

    switch ( op )
    {
    case XENMEM_increase_reservation:
    case XENMEM_decrease_reservation:
    case XENMEM_populate_physmap:
        return reservation_op(op, start, arg);
    case XENMEM_exchange:
        return memory_exchange(arg);
    case XENMEM_maximum_ram_page:
        return max_page - 1;
    case XENMEM_current_reservation:
    case XENMEM_maximum_reservation:
    case XENMEM_maximum_gpfn:
        return domain_query(op, arg);
    case XENMEM_machphys_mapping:
    {
        struct xen_machphys_mapping m = {
            .v_start = RO_MPT_VIRT_START,
            .v_end = RO_MPT_VIRT_START + ROUNDUP(max_page * 8, MB(2)),
            .max_mfn = max_page - 1,
        };

        return copy_to_guest(arg, &m, sizeof(m)) ? -EFAULT : 0;
    }
    case XENMEM_machphys_mfn_list:
        return machphys_mfn_list(arg);
    case XENMEM_memory_map:
        return memory_map(d, arg);
    case XENMEM_set_memory_map:
        return set_memory_map(arg);
    case XENMEM_acquire_resource:
        return acquire_resource(arg, start);
    case XENMEM_machine_memory_map:
        if ( !d->is_privileged )
            return -EPERM;
        return copy_memmap(machine_memmap(), arg);
    default:
        return -ENOSYS;
    }
}
