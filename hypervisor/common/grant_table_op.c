/* SPDX-License-Identifier: GPL-2.0-only */
/* HYPERVISOR_grant_table_op: guest arguments, batches, the environment. */
#include <xenia/boot_param.h>
#include <xenia/console.h>
#include <xenia/domain.h>
#include <xenia/errno.h>
#include <xenia/grant_domain.h>
#include <xenia/grant_table.h>
#include <xenia/guest_access.h>
#include <xenia/guest_log.h>
#include <xenia/hypercall.h>
#include <xenia/keyhandler.h>
#include <xenia/lib.h>
#include <xenia/mm.h>
#include <xenia/page_type.h>
#include <xenia/preempt.h>
#include <xenia/xmalloc.h>
#include <xen/memory.h>
#include <asm/config.h>
#include <asm/flushtlb.h>
#include <asm/processor.h>
#include <asm/pv_mm.h>


/* Xen's options and defaults: v2 offered unless gnttab=max-ver:1. */
static unsigned int opt_max_frames = GNTTAB_MAX_FRAMES_DEFAULT;
integer_param("gnttab_max_frames", opt_max_frames);
static unsigned int opt_max_maptrack_frames = GNTTAB_MAX_MAPTRACK_DEFAULT;
integer_param("gnttab_max_maptrack_frames", opt_max_maptrack_frames);
static unsigned int opt_max_version = 2;

/* Xen's default: GNTTABOP_transfer on unless gnttab=transfer=0. */
static bool opt_transfer = true;

/*
 * gnttab=max-ver:<n>,transitive=<bool>,transfer=<bool>. Transitive
 * grants are always followed, so that one changes nothing.
 */
static int parse_gnttab(const char *s)
{
    const char *end;

    for ( ; *s; s = *end ? end + 1 : end )
    {
        end = strchr(s, ',');
        if ( !end )
            end = s + strlen(s);
        if ( !strncmp(s, "max-ver:", 8) && end - s == 9 && s[8] >= '1' &&
             s[8] <= '2' )
        {
            opt_max_version = s[8] - '0';
            continue;
        }
        if ( !strncmp(s, "transitive=", 11) && parse_bool(s + 11, end) >= 0 )
            continue;
        if ( !strncmp(s, "transfer=", 9) && parse_bool(s + 9, end) >= 0 )
        {
            opt_transfer = parse_bool(s + 9, end);
            continue;
        }
        return -EINVAL;
    }
    return 0;
}
custom_param("gnttab", parse_gnttab);

/* ---- the environment of common/grant_table.c ---- */

/*
 * The granter of a mapping the caller holds: its frames (still mapped)
 * keep it alive, dying or not, and the table lives as long as it does.
 */
struct grant_table *gnttab_env_lookup(domid_t id)
{
    struct domain *d = domain_get_any(id);
    struct grant_table *gt = d ? d->grant_table : NULL;

    if ( d )
        domain_put(d);
    return gt;
}

bool gnttab_env_get_page(mfn_t mfn, domid_t owner)
{
    return mfn_x(mfn) < max_page && get_page(mfn_to_page(mfn), owner);
}

void gnttab_env_put_page(mfn_t mfn)
{
    put_page(mfn_to_page(mfn));
}

bool gnttab_env_get_writable(mfn_t mfn)
{
    return !get_page_type(mfn_to_page(mfn), PGT_writable_page);
}

void gnttab_env_put_writable(mfn_t mfn)
{
    put_page_type(mfn_to_page(mfn));
}

int gnttab_env_create_host_mapping(uint64_t addr, mfn_t mfn, uint32_t flags)
{
    return pv_grant_create_mapping(addr, mfn, flags);
}

int gnttab_env_replace_host_mapping(uint64_t addr, mfn_t mfn, uint32_t flags,
                                    uint64_t new_addr)
{
    return pv_grant_replace_mapping(addr, mfn, flags, new_addr);
}

/*
 * After an unmap, before the frame's references go: every CPU the mapping
 * domain (the caller) may have run on could still cache the mapping.
 */
void gnttab_env_flush_tlb(void)
{
    flush_tlb_mask(&current_vcpu()->domain->dirty_cpumask);
}

int gnttab_env_get_page_any(mfn_t mfn, domid_t *owner)
{
    if ( mfn_x(mfn) >= max_page )
        return -EINVAL;
    *owner =
        (domid_t)__atomic_load_n(&mfn_to_page(mfn)->owner, __ATOMIC_ACQUIRE);
    /* A free frame, or an owner that changed meanwhile, refuses it. */
    return get_page(mfn_to_page(mfn), *owner) ? 0 : -EPERM;
}

void gnttab_env_cache_clean(mfn_t mfn, unsigned int off, unsigned int len)
{
    const char *p = (const char *)__va(mfn_to_maddr(mfn)) + off;
    const char *end = p + len;

    for ( p = (const char *)((unsigned long)p & ~63UL); p < end; p += 64 )
        asm volatile("clflush %0" ::"m"(*p));
    asm volatile("mfence" ::: "memory");
}

void gnttab_env_copy(mfn_t dmfn, unsigned int doff, mfn_t smfn,
                     unsigned int soff, unsigned int len)
{
    memmove((char *)__va(mfn_to_maddr(dmfn)) + doff,
            (char *)__va(mfn_to_maddr(smfn)) + soff, len);
}

/* Like shared_info: a heap frame the guest maps as its own. */
void *gnttab_env_alloc_shared_frame(domid_t owner, mfn_t *mfn_out)
{
    void *va = alloc_xenheap_pages(0);

    if ( !va )
        return NULL;
    memset(va, 0, PAGE_SIZE);
    *mfn_out = maddr_to_mfn(__pa(va));
    share_xen_frame(mfn_to_page(*mfn_out), owner);
    return va;
}

/* A frame another domain still maps is freed when it lets go. */
void gnttab_env_free_shared_frame(void *va)
{
    domain_release_shared_frame(va);
}

void *gnttab_env_zalloc(size_t bytes)
{
    return xzalloc_bytes(bytes, 0);
}

void gnttab_env_free(void *p)
{
    xfree(p);
}

/*
 * Besides the allocation reference and the writable type share_xen_frame
 * gives it, any reference is a mapping (or a grant map of it).
 */
bool gnttab_env_frame_mapped(void *va)
{
    const struct page_info *pg = mfn_to_page(maddr_to_mfn(__pa(va)));

    return (__atomic_load_n(&pg->count_info, __ATOMIC_ACQUIRE) &
            PGC_count_mask) != 1;
}

void gnttab_env_set_m2p(mfn_t mfn, gfn_t gfn)
{
    set_gpfn_from_mfn(mfn, gfn);
}

void gnttab_env_lock(struct grant_table *gt)
{
    spin_lock(&((struct domain *)gt->env_data)->grant_lock);
}

void gnttab_env_unlock(struct grant_table *gt)
{
    spin_unlock(&((struct domain *)gt->env_data)->grant_lock);
}

int gnttab_domain_create(struct domain *d, int max_frames, int max_maptrack)
{
    int rc;

    /* A toolstack's limits: within the host's, as Xen checks them. */
    if ( max_frames >= 0 || max_maptrack >= 0 )
    {
        if ( max_frames < 0 )
            max_frames = opt_max_frames;
        if ( max_maptrack < 0 )
            max_maptrack = opt_max_maptrack_frames;
        if ( max_frames < 1 || (unsigned int)max_frames > opt_max_frames ||
             (unsigned int)max_maptrack > opt_max_maptrack_frames )
            return -EINVAL;
    }
    d->grant_lock = (spinlock_t)SPIN_LOCK_UNLOCKED;
    d->grant_table = xzalloc(struct grant_table);
    if ( !d->grant_table )
        return -ENOMEM;
    if ( max_frames >= 0 )
    {
        rc = gnttab_init(d->grant_table, d->domain_id, max_frames, max_maptrack,
                         opt_max_version, d);
        goto out;
    }
    rc = gnttab_init(d->grant_table, d->domain_id, opt_max_frames,
                     opt_max_maptrack_frames, opt_max_version, d);
    if ( rc == -EINVAL )
    {
        /* A bad option should not cost the machine its Dom0. */
        printk(XENLOG_WARNING "gnttab_max_frames=%u or "
                              "gnttab_max_maptrack_frames=%u unusable: "
                              "using %u and %u\n",
               opt_max_frames, opt_max_maptrack_frames,
               GNTTAB_MAX_FRAMES_DEFAULT, GNTTAB_MAX_MAPTRACK_DEFAULT);
        opt_max_frames = GNTTAB_MAX_FRAMES_DEFAULT;
        opt_max_maptrack_frames = GNTTAB_MAX_MAPTRACK_DEFAULT;
        rc = gnttab_init(d->grant_table, d->domain_id, opt_max_frames,
                         opt_max_maptrack_frames, opt_max_version, d);
    }
out:
    if ( rc )
    {
        xfree(d->grant_table);
        d->grant_table = NULL;
    }
    return rc;
}

unsigned int gnttab_max_version(void)
{
    return opt_max_version;
}

/* Before the domain first runs, on its toolstack's grant_opts. */
void gnttab_limit_version(struct domain *d, unsigned int max_version)
{
    d->grant_table->max_version = max_version;
}

/* ---- XENMEM_acquire_resource ---- */

unsigned int gnttab_resource_max_frames(const struct domain *d, unsigned int id)
{
    if ( !d->grant_table )
        return 0;
    if ( id == XENMEM_resource_grant_table_id_shared )
        return d->grant_table->max_frames;
    /* Xen counts status frames whenever it is built with v2. */
    if ( id == XENMEM_resource_grant_table_id_status )
        return gnttab_status_frames_for(d->grant_table->max_frames);
    return 0;
}

/*
 * Shared frames are handed out grown to cover the request, as Xen's
 * gnttab_get_shared_frame_mfn does: the toolstack seeds entries 0 and 1
 * before the guest ever sets its table up.
 */
int gnttab_acquire_resource(struct domain *d, unsigned int id,
                            unsigned long frame, unsigned int nr,
                            xen_pfn_t *mfns)
{
    struct grant_table *gt = d->grant_table;
    mfn_t status[32]; /* memory.c's batch */
    unsigned int i;
    int rc;

    if ( id == XENMEM_resource_grant_table_id_status && gt &&
         nr <= ARRAY_SIZE(status) )
    {
        /* Only a v2 table has them (-EINVAL otherwise, as Xen). */
        rc = gnttab_status_resource(gt, frame, nr, status);
        for ( i = 0; !rc && i < nr; i++ )
            mfns[i] = mfn_x(status[i]);
        return rc;
    }
    if ( id != XENMEM_resource_grant_table_id_shared || !gt || !nr ||
         frame + nr > gt->max_frames ||
         gnttab_setup(gt, frame + nr) != GNTST_okay )
        return -EINVAL;
    /* Frames are only ever added, so these stay what they are. */
    for ( i = 0; i < nr; i++ )
        mfns[i] = mfn_x(gt->shared_mfn[frame + i]);
    return 0;
}

/* ---- the sub-ops ---- */

/* The table a query names: GNTST_okay with *d referenced, or why not. */
static int16_t queried_table(struct domain *cur, domid_t dom, struct domain **d)
{
    switch ( domain_target(cur, dom, d) )
    {
    case 0:
        break;
    case -EPERM:
        return GNTST_permission_denied;
    default:
        return GNTST_bad_domain;
    }
    if ( !(*d)->grant_table )
    {
        domain_put(*d);
        return GNTST_bad_domain;
    }
    return GNTST_okay;
}

#define COPY_FIELD_TO_GUEST(uop, op, field)                                    \
    copy_to_guest((uop) + offsetof(__typeof__(op), field), &(op).field,        \
                  sizeof((op).field))

/*
 * The table's first nr shared (or status) frames, machine frames for PV,
 * into the guest's list of 64-bit entries; stops at the first fault.
 */
static int16_t copy_frames_out(struct grant_table *gt, bool status,
                               unsigned long list, uint32_t nr)
{
    uint32_t i;

    for ( i = 0; i < nr; i++ )
    {
        /* A version change racing get_status_frames leaves an invalid frame. */
        uint64_t frame =
            mfn_x(status ? gnttab_status_mfn(gt, i) : gt->shared_mfn[i]);

        if ( copy_to_guest(list + i * sizeof(frame), &frame, sizeof(frame)) )
            return GNTST_bad_virt_addr;
    }
    return GNTST_okay;
}

static long op_setup_table(struct domain *cur, unsigned long uop,
                           unsigned int count)
{
    struct gnttab_setup_table op;
    struct domain *d;

    if ( count != 1 )
        return -EINVAL;
    if ( copy_from_guest(&op, uop, sizeof(op)) )
        return -EFAULT;
    op.status = queried_table(cur, op.dom, &d);
    if ( op.status == GNTST_okay )
        op.status = gnttab_setup(d->grant_table, op.nr_frames);
    else
        d = NULL;
    if ( op.status )
        gdprintk(XENLOG_G_DEBUG, cur, "setup_table of %u frames for d%u: %d\n",
                 op.nr_frames, op.dom, op.status);
    if ( !op.status )
        op.status = copy_frames_out(d->grant_table, false,
                                    (unsigned long)op.frame_list.p,
                                    op.nr_frames);
    if ( d )
        domain_put(d);
    return COPY_FIELD_TO_GUEST(uop, op, status) ? -EFAULT : 0;
}

static long op_query_size(struct domain *cur, unsigned long uop,
                          unsigned int count)
{
    struct gnttab_query_size op;
    struct domain *d;

    if ( count != 1 )
        return -EINVAL;
    if ( copy_from_guest(&op, uop, sizeof(op)) )
        return -EFAULT;
    op.status = queried_table(cur, op.dom, &d);
    if ( op.status == GNTST_okay )
    {
        op.nr_frames =
            __atomic_load_n(&d->grant_table->nr_frames, __ATOMIC_ACQUIRE);
        op.max_nr_frames = d->grant_table->max_frames;
        domain_put(d);
    }
    return copy_to_guest(uop, &op, sizeof(op)) ? -EFAULT : 0;
}

static long op_set_version(struct domain *cur, unsigned long uop)
{
    struct gnttab_set_version op;
    long rc;

    if ( copy_from_guest(&op, uop, sizeof(op)) )
        return -EFAULT;
    rc = gnttab_set_version(cur->grant_table, &op.version);
    return copy_to_guest(uop, &op, sizeof(op)) ? -EFAULT : rc;
}

static long op_get_version(struct domain *cur, unsigned long uop)
{
    struct gnttab_get_version op;
    struct domain *d;

    if ( copy_from_guest(&op, uop, sizeof(op)) )
        return -EFAULT;
    switch ( queried_table(cur, op.dom, &d) )
    {
    case GNTST_okay:
        break;
    case GNTST_bad_domain:
        return -ESRCH;
    default:
        return -EPERM;
    }
    op.version = d->grant_table->version;
    domain_put(d);
    return COPY_FIELD_TO_GUEST(uop, op, version) ? -EFAULT : 0;
}

static long op_get_status_frames(struct domain *cur, unsigned long uop,
                                 unsigned int count)
{
    struct gnttab_get_status_frames op;
    struct domain *d;

    if ( count != 1 )
        return -EINVAL;
    if ( copy_from_guest(&op, uop, sizeof(op)) )
        return -EFAULT;
    op.status = queried_table(cur, op.dom, &d);
    if ( op.status != GNTST_okay )
        return COPY_FIELD_TO_GUEST(uop, op, status) ? -EFAULT : 0;
    op.status = gnttab_status_frames(d->grant_table, op.nr_frames);
    if ( !op.status )
        op.status = copy_frames_out(d->grant_table, true,
                                    (unsigned long)op.frame_list.p,
                                    op.nr_frames);
    domain_put(d);
    return COPY_FIELD_TO_GUEST(uop, op, status) ? -EFAULT : 0;
}

/*
 * The batched sub-ops: one guest array of count ops, each with its own
 * status. When hypercall_preempt_check() says the CPU is wanted, the call
 * continues later where it stopped (uop and count rewritten in place, as
 * mmu_update does), so blkback's and netback's batches of hundreds of
 * copies run in one entry when nothing else waits.
 */
static long restart_at(unsigned long uop, size_t size, unsigned int count,
                       unsigned int i)
{
    hypercall_set_arg(1, uop + i * size);
    hypercall_set_arg(2, count - i);
    return -ERESTART;
}

/*
 * The loop every batched sub-op but cache_flush shares: read op i into
 * op (size bytes), let one() do it and set its result, write back the
 * out_len bytes at out_off (the status, or for map the whole op), and
 * continue later when the CPU is wanted.
 */
static long batch(struct vcpu *v, unsigned long uop, unsigned int count,
                  void *op, size_t size, size_t out_off, size_t out_len,
                  void (*one)(struct vcpu *v, void *op))
{
    unsigned int i;

    for ( i = 0; i < count; i++ )
    {
        unsigned long at = uop + i * size;

        if ( i && hypercall_preempt_check() )
            return restart_at(uop, size, count, i);
        if ( copy_from_guest(op, at, size) )
            return -EFAULT;
        one(v, op);
        if ( copy_to_guest(at + out_off, (char *)op + out_off, out_len) )
            return -EFAULT;
    }
    return 0;
}

/* A batch of op's type whose result is its field out. */
#define BATCH(v, uop, count, op, out, one)                                     \
    batch(v, uop, count, &(op), sizeof(op), offsetof(__typeof__(op), out),     \
          sizeof((op).out), one)

static void map_one(struct vcpu *v, void *p)
{
    struct gnttab_map_grant_ref *op = p;

    gnttab_map_one(v->domain->grant_table, op);
    if ( op->status )
        gprintk(XENLOG_G_DEBUG, v,
                "grant map of d%u ref %#x flags %#x at %#lx: %d\n", op->dom,
                op->ref, op->flags, (unsigned long)op->host_addr, op->status);
}

static long op_map(struct vcpu *v, unsigned long uop, unsigned int count)
{
    struct gnttab_map_grant_ref op;

    /* The whole op goes back: handle and dev_bus_addr are results too. */
    return batch(v, uop, count, &op, sizeof(op), 0, sizeof(op), map_one);
}

static void unmap_one(struct vcpu *v, void *p)
{
    struct gnttab_unmap_grant_ref *op = p;

    op->status = gnttab_unmap_one(v->domain->grant_table, op->host_addr,
                                  op->dev_bus_addr, op->handle);
    if ( op->status )
        gprintk(XENLOG_G_DEBUG, v, "grant unmap of handle %#x: %d\n",
                op->handle, op->status);
}

static long op_unmap(struct vcpu *v, unsigned long uop, unsigned int count)
{
    struct gnttab_unmap_grant_ref op;

    return BATCH(v, uop, count, op, status, unmap_one);
}

static void copy_one(struct vcpu *v, void *p)
{
    struct gnttab_copy *op = p;

    gnttab_copy_one(v->domain->grant_table, op);
    if ( op->status )
        gprintk(XENLOG_G_DEBUG, v, "grant copy %#x: %d\n", op->flags,
                op->status);
}

static long op_copy(struct vcpu *v, unsigned long uop, unsigned int count)
{
    struct gnttab_copy op;

    return BATCH(v, uop, count, op, status, copy_one);
}

static void swap_one(struct vcpu *v, void *p)
{
    struct gnttab_swap_grant_ref *op = p;

    op->status = gnttab_swap_ref(v->domain->grant_table, op->ref_a, op->ref_b);
}

static long op_swap(struct vcpu *v, unsigned long uop, unsigned int count)
{
    struct gnttab_swap_grant_ref op;

    return BATCH(v, uop, count, op, status, swap_one);
}

/*
 * Xen returns each op's error from the whole call and stops there; from
 * is the op's continuation argument (the grant ref to search from).
 */
static long op_cache_flush(struct vcpu *v, unsigned long uop,
                           unsigned int count, grant_ref_t from)
{
    struct gnttab_cache_flush op;
    unsigned int i;
    int rc;

    for ( i = 0; i < count; i++ )
    {
        if ( i && hypercall_preempt_check() )
        {
            hypercall_set_arg(0, GNTTABOP_cache_flush); /* from is 0 */
            return restart_at(uop, sizeof(op), count, i);
        }
        if ( copy_from_guest(&op, uop + i * sizeof(op), sizeof(op)) )
            return -EFAULT;
        rc = gnttab_cache_flush_one(v->domain->grant_table, &op, from);
        if ( rc )
            return rc;
        from = 0;
    }
    return 0;
}

static void unmap_and_replace_one(struct vcpu *v, void *p)
{
    struct gnttab_unmap_and_replace *op = p;

    op->status = gnttab_unmap_and_replace_one(
        v->domain->grant_table, op->host_addr, op->new_addr, op->handle);
    if ( op->status )
        gprintk(XENLOG_G_DEBUG, v,
                "grant unmap_and_replace of handle %#x: %d\n", op->handle,
                op->status);
}

static long op_unmap_and_replace(struct vcpu *v, unsigned long uop,
                                 unsigned int count)
{
    struct gnttab_unmap_and_replace op;

    return BATCH(v, uop, count, op, status, unmap_and_replace_one);
}

/*
 * A stolen frame that goes to nobody is freed, as in Xen: the caller gave
 * it up for good once it passed the checks on it.
 */
static void drop_stolen(mfn_t mfn)
{
    set_gpfn_from_mfn(mfn, INVALID_GFN);
    put_page(mfn_to_page(mfn));
}

/*
 * A v1 entry of a PV domain holds a 32-bit frame number: a frame above
 * that is swapped for a copy below, as Xen does. *mfn is replaced (and
 * the old frame freed) or GNTST_address_too_big returned.
 */
static int16_t transfer_reachable(struct domain *e, mfn_t *mfn)
{
    mfn_t low;

    if ( e->grant_table->version != 1 || !(mfn_x(*mfn) >> 32) )
        return GNTST_okay;
    low = alloc_domheap_pages(0, 32 + PAGE_SHIFT);
    if ( mfn_eq(low, INVALID_MFN) )
        return GNTST_address_too_big;
    memcpy(__va(mfn_to_maddr(low)), __va(mfn_to_maddr(*mfn)), PAGE_SIZE);
    drop_stolen(*mfn);
    mfn_to_page(low)->count_info = 1;
    *mfn = low;
    return GNTST_okay;
}

/*
 * One transfer, in Xen's order: the frame is taken from the caller first
 * (bad_page if it cannot be: not its own, or still referenced, and then
 * it stays), and from then on any failure frees it.
 */
static int16_t transfer_one(struct domain *d, const struct gnttab_transfer *op)
{
    mfn_t mfn = _mfn(op->mfn);
    struct domain *e;
    unsigned int version;
    int16_t rc;

    if ( !mfn_valid(mfn) || !domain_steal_page(d, mfn) )
        return GNTST_bad_page;
    /* It may have been mapped until just now: no CPU may keep that. */
    flush_tlb_mask(&d->dirty_cpumask);
    e = domain_get_any(op->domid);
    if ( !e )
    {
        drop_stolen(mfn);
        return GNTST_bad_domain;
    }
    rc = transfer_reachable(e, &mfn);
    if ( rc )
        goto drop;
    rc = GNTST_general_error;
    if ( !e->grant_table || !domain_reserve_page(e) )
        goto drop;
    version = gnttab_transfer_prepare(e->grant_table, d->domain_id, op->ref);
    if ( !version || !domain_assign_page(e, mfn) )
    {
        domain_unreserve_page(e);
        goto drop;
    }
    /* The frame is e's now, whether or not its entry can say so. */
    rc = gnttab_transfer_complete(e->grant_table, op->ref, version, mfn)
             ? GNTST_general_error
             : GNTST_okay;
    domain_put(e);
    return rc;
drop:
    drop_stolen(mfn);
    domain_put(e);
    return rc;
}

static void transfer_op(struct vcpu *v, void *p)
{
    struct gnttab_transfer *op = p;

    op->status = transfer_one(v->domain, op);
    if ( op->status )
        gprintk(XENLOG_G_DEBUG, v,
                "grant transfer of mfn %#lx to d%u ref %#x: %d\n",
                (unsigned long)op->mfn, op->domid, op->ref, op->status);
}

static long op_transfer(struct vcpu *v, unsigned long uop, unsigned int count)
{
    struct gnttab_transfer op;

    if ( !opt_transfer )
        return -EOPNOTSUPP;
    return BATCH(v, uop, count, op, status, transfer_op);
}

/* The size of one op of a batched sub-op, 0 for the others. */
static size_t batch_op_size(unsigned int cmd)
{
    switch ( cmd )
    {
    case GNTTABOP_map_grant_ref:
        return sizeof(struct gnttab_map_grant_ref);
    case GNTTABOP_unmap_grant_ref:
        return sizeof(struct gnttab_unmap_grant_ref);
    case GNTTABOP_unmap_and_replace:
        return sizeof(struct gnttab_unmap_and_replace);
    case GNTTABOP_copy:
        return sizeof(struct gnttab_copy);
    case GNTTABOP_swap_grant_ref:
        return sizeof(struct gnttab_swap_grant_ref);
    case GNTTABOP_cache_flush:
        return sizeof(struct gnttab_cache_flush);
    case GNTTABOP_transfer:
        return sizeof(struct gnttab_transfer);
    default:
        return 0;
    }
}

long do_grant_table_op(unsigned int cmd, unsigned long uop, unsigned int count)
{
    struct vcpu *v = current_vcpu();
    struct domain *cur = v->domain;
    size_t size;

    /* Xen refuses counts that do not fit an int before anything else. */
    if ( (int)count < 0 )
        return -EINVAL;
    /*
     * Bits above the command are Xen's own continuation state, which
     * only cache_flush accepts from the guest.
     */
    if ( (cmd >> 12) && (cmd & 0xfff) != GNTTABOP_cache_flush )
        return -EINVAL;
    if ( !cur->grant_table )
        return -ENOSYS;
    /* A batch's whole array must lie outside Xenia's range, first of all. */
    size = batch_op_size(cmd & 0xfff);
    if ( size && !guest_range_ok(uop, (size_t)count * size) )
        return -EFAULT;
    switch ( cmd & 0xfff )
    {
    case GNTTABOP_map_grant_ref:
        return op_map(v, uop, count);
    case GNTTABOP_unmap_grant_ref:
        return op_unmap(v, uop, count);
    case GNTTABOP_unmap_and_replace:
        return op_unmap_and_replace(v, uop, count);
    case GNTTABOP_copy:
        return op_copy(v, uop, count);
    case GNTTABOP_swap_grant_ref:
        return op_swap(v, uop, count);
    case GNTTABOP_cache_flush:
        return op_cache_flush(v, uop, count, cmd >> 12);
    case GNTTABOP_transfer:
        return op_transfer(v, uop, count);
    case GNTTABOP_setup_table:
        return op_setup_table(cur, uop, count);
    case GNTTABOP_query_size:
        return op_query_size(cur, uop, count);
    case GNTTABOP_set_version:
        return op_set_version(cur, uop);
    case GNTTABOP_get_version:
        return op_get_version(cur, uop);
    case GNTTABOP_get_status_frames:
        return op_get_status_frames(cur, uop, count);
    default:
        /* Also dump_table, which Xen no longer has. */
        return -ENOSYS;
    }
}

/*
 * 'g': every domain's grant table in numbers, one line each, for an admin
 * (or a test) looking for a leak: entries granted, entries in use by some
 * mapper ("active", as Xen), and the mappings the domain itself holds.
 * The table is counted under its lock, taken only if free soon: the key
 * may interrupt this very CPU while it holds it.
 */
void dump_grant_tables(void)
{
    struct domain *d;
    domid_t id = 0;

    while ( (d = domain_get_next(id)) != NULL )
    {
        struct gnttab_usage u;
        unsigned int tries = 100000;
        bool locked = false;

        id = d->domain_id + 1;
        if ( d->grant_table )
        {
            while ( !(locked = spin_trylock(&d->grant_lock)) && --tries )
                spin_wait_relax();
        }
        if ( locked )
        {
            gnttab_count_usage(d->grant_table, &u);
            spin_unlock(&d->grant_lock);
            printk(XENLOG_INFO "(d%u) grant table v%u%s: %u/%u frames, %u "
                               "entries in use, %u active; %u maptrack "
                               "handles in use, %u/%u maptrack frames\n",
                   d->domain_id, u.version,
                   d->is_dying != DOMDYING_alive ? " (dying)" : "",
                   u.nr_frames, u.max_frames, u.entries_in_use, u.active,
                   u.maptrack_in_use, u.maptrack_frames,
                   u.max_maptrack_frames);
        }
        else
            printk(XENLOG_INFO "(d%u) grant table %s\n", d->domain_id,
                   d->grant_table ? "busy: not counted" : "none");
        domain_put(d);
        if ( id >= DOMID_FIRST_RESERVED )
            break;
    }
}
