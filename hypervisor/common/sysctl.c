/* SPDX-License-Identifier: GPL-2.0-only */
/* HYPERVISOR_sysctl: the host as a toolstack sees it, one function per op. */
#include <xenia/grant_domain.h>
#include <xenia/console.h>
#include <xenia/cpumask.h>
#include <xenia/domctl.h>
#include <xenia/errno.h>
#include <xenia/guest_access.h>
#include <xenia/hypercall.h>
#include <xenia/keyhandler.h>
#include <xenia/lib.h>
#include <xenia/mm.h>
#include <xenia/page_alloc.h>
#include <xenia/sched.h>
#include <xenia/time.h>
#include <xen/sysctl.h>

typedef long sysctl_fn(struct xen_sysctl *op);

/* The first characters xl dmesg -c has not cleared (readconsole). */
static uint64_t console_cleared;

/*
 * The console ring from where the caller's index (its low 32 bits: the
 * ring's own positions are 64-bit) or the last clear left off, as Xen's
 * read_console_ring does.
 */
static long sysctl_readconsole(struct xen_sysctl *op)
{
    struct xen_sysctl_readconsole *r = &op->u.readconsole;
    uint64_t end = console_ring_end(), pos = console_cleared;
    unsigned long buf = (unsigned long)r->buffer.p;
    uint32_t done = 0;
    char chunk[128];
    size_t n;

    if ( r->incremental )
    {
        uint64_t want = (end & ~0xffffffffULL) | r->index;

        if ( want > end )
            want -= 1ULL << 32;
        if ( want > pos )
            pos = want;
    }
    while ( done < r->count &&
            (n = console_ring_read(
                 chunk, MIN(sizeof(chunk), (size_t)(r->count - done)), &pos)) )
    {
        if ( copy_to_guest(buf + done, chunk, n) )
            return -EFAULT;
        done += n;
    }
    if ( r->clear )
        console_cleared = pos;
    r->count = done;
    r->index = (uint32_t)pos;
    return 0;
}

static unsigned int highest_online_cpu(void)
{
    unsigned int cpu, last = 0;

    for_each_online_cpu(cpu)
        last = cpu;
    return last;
}

static long sysctl_physinfo(struct xen_sysctl *op)
{
    struct xen_sysctl_physinfo *p = &op->u.physinfo;

    memset(p, 0, sizeof(*p));
    /* Every CPU a core of one socket: Xenia reads no sibling topology. */
    p->threads_per_core = 1;
    p->cores_per_socket = nr_online_cpus;
    p->nr_cpus = nr_online_cpus;
    p->max_cpu_id = highest_online_cpu();
    p->nr_nodes = 1;
    p->max_node_id = 0;
    p->cpu_khz = (uint32_t)tsc_khz();
    /* PV guests with grant tables v1 only (libxl picks the version here). */
    p->capabilities = XEN_SYSCTL_PHYSCAP_pv | XEN_SYSCTL_PHYSCAP_gnttab_v1;
    if ( gnttab_max_version() >= 2 )
        p->capabilities |= XEN_SYSCTL_PHYSCAP_gnttab_v2;
    p->total_pages = page_alloc_total_frames();
    p->free_pages = heap_free_frames();
    p->max_mfn = max_page - 1;
    return 0;
}

static long sysctl_sched_id(struct xen_sysctl *op)
{
    op->u.sched_id.sched_id = XEN_SCHEDULER_CREDIT; /* see domctl_vcpu.c */
    return 0;
}

/* getdomaininfo for each domain from first_domain on, in id order. */
static long sysctl_getdomaininfolist(struct xen_sysctl *op)
{
    struct xen_sysctl_getdomaininfolist *l = &op->u.getdomaininfolist;
    unsigned long buf = (unsigned long)l->buffer.p;
    struct xen_domctl_getdomaininfo info;
    uint32_t n = 0;
    unsigned int id = l->first_domain;
    struct domain *d;

    while ( n < l->max_domains && id < DOMID_FIRST_RESERVED &&
            (d = domain_get_next(id)) != NULL )
    {
        domain_getinfo(d, &info);
        id = d->domain_id + 1;
        domain_put(d);
        if ( copy_to_guest(buf + n * sizeof(info), &info, sizeof(info)) )
            return -EFAULT;
        n++;
    }
    l->num_domains = n;
    return 0;
}

/* Idle time per CPU: what no vCPU ran (xentop's CPU figures). */
static long sysctl_getcpuinfo(struct xen_sysctl *op)
{
    struct xen_sysctl_getcpuinfo *g = &op->u.getcpuinfo;
    unsigned long buf = (unsigned long)g->info.p;
    struct xen_sysctl_cpuinfo info;
    uint32_t n = 0;
    unsigned int cpu;

    for_each_online_cpu(cpu)
    {
        if ( n >= g->max_cpus )
            break;
        info.idletime = sched_idle_time(cpu);
        if ( copy_to_guest(buf + n * sizeof(info), &info, sizeof(info)) )
            return -EFAULT;
        n++;
    }
    g->nr_cpus = n;
    return 0;
}

/* One node, one socket, each CPU its own core. */
static long sysctl_cputopoinfo(struct xen_sysctl *op)
{
    struct xen_sysctl_cputopoinfo *t = &op->u.cputopoinfo;
    unsigned long buf = (unsigned long)t->cputopo.p;
    unsigned int want = highest_online_cpu() + 1, i;
    struct xen_sysctl_cputopo c;

    if ( !buf )
    {
        t->num_cpus = want;
        return 0;
    }
    for ( i = 0; i < want && i < t->num_cpus; i++ )
    {
        bool online = sched_cpu_online(i);

        c.core = online ? i : XEN_INVALID_CORE_ID;
        c.socket = online ? 0 : XEN_INVALID_SOCKET_ID;
        c.node = online ? 0 : XEN_INVALID_NODE_ID;
        if ( copy_to_guest(buf + i * sizeof(c), &c, sizeof(c)) )
            return -EFAULT;
    }
    t->num_cpus = want;
    return 0;
}

static long sysctl_numainfo(struct xen_sysctl *op)
{
    struct xen_sysctl_numainfo *ni = &op->u.numainfo;
    unsigned long mem = (unsigned long)ni->meminfo.p;
    unsigned long dist = (unsigned long)ni->distance.p;
    struct xen_sysctl_meminfo m;
    uint32_t ten = 10; /* the SLIT distance of a node to itself */

    if ( ni->num_nodes && mem )
    {
        m.memsize = (uint64_t)page_alloc_total_frames() << PAGE_SHIFT;
        m.memfree = (uint64_t)heap_free_frames() << PAGE_SHIFT;
        if ( copy_to_guest(mem, &m, sizeof(m)) )
            return -EFAULT;
    }
    if ( ni->num_nodes && dist && copy_to_guest(dist, &ten, sizeof(ten)) )
        return -EFAULT;
    ni->num_nodes = 1;
    return 0;
}

/* Pool 0, with every CPU and every domain: the only pool there is. */
static long sysctl_cpupool_op(struct xen_sysctl *op)
{
    struct xen_sysctl_cpupool_op *c = &op->u.cpupool_op;
    unsigned int bytes = (c->cpumap.nr_bits + 7) / 8, i, n = 0;
    struct domain *d;
    domid_t id = 0;
    uint8_t byte;

    switch ( c->op )
    {
    case XEN_SYSCTL_CPUPOOL_OP_INFO:
        /* "The first pool with an id at least this": pool 0 or none. */
        if ( c->cpupool_id && c->cpupool_id != XEN_SYSCTL_CPUPOOL_PAR_ANY )
            return -ENOENT;
        c->cpupool_id = 0;
        c->sched_id = XEN_SCHEDULER_CREDIT;
        while ( (d = domain_get_next(id)) != NULL )
        {
            id = d->domain_id + 1;
            n++;
            domain_put(d);
            if ( id >= DOMID_FIRST_RESERVED )
                break;
        }
        c->n_dom = n;
        for ( i = 0; i < bytes; i++ )
        {
            byte = i < sizeof(cpu_online_map)
                       ? ((const uint8_t *)cpu_online_map.bits)[i]
                       : 0;
            if ( copy_to_guest((unsigned long)c->cpumap.bitmap.p + i, &byte,
                               1) )
                return -EFAULT;
        }
        return 0;
    case XEN_SYSCTL_CPUPOOL_OP_FREEINFO:
        /* No CPU is outside pool 0. */
        for ( i = 0; i < bytes; i++ )
        {
            byte = 0;
            if ( copy_to_guest((unsigned long)c->cpumap.bitmap.p + i, &byte,
                               1) )
                return -EFAULT;
        }
        return 0;
    default:
        return -EOPNOTSUPP; /* pools cannot be made or changed */
    }
}

/* xl debug-keys: each key as if typed on the serial console. */
static long sysctl_debug_keys(struct xen_sysctl *op)
{
    unsigned long keys = (unsigned long)op->u.debug_keys.keys.p;
    unsigned long flags;
    char c;

    for ( uint32_t i = 0; i < op->u.debug_keys.nr_keys; i++ )
    {
        if ( copy_from_guest(&c, keys + i, 1) )
            return -EFAULT;
        flags = local_irq_save(); /* as from the serial interrupt */
        handle_keypress(c);
        local_irq_restore(flags);
    }
    return 0;
}

static const struct {
    sysctl_fn *fn;
} subops[] = {
    [XEN_SYSCTL_readconsole] = {sysctl_readconsole},
    [XEN_SYSCTL_physinfo] = {sysctl_physinfo},
    [XEN_SYSCTL_sched_id] = {sysctl_sched_id},
    [XEN_SYSCTL_getdomaininfolist] = {sysctl_getdomaininfolist},
    [XEN_SYSCTL_debug_keys] = {sysctl_debug_keys},
    [XEN_SYSCTL_getcpuinfo] = {sysctl_getcpuinfo},
    [XEN_SYSCTL_cputopoinfo] = {sysctl_cputopoinfo},
    [XEN_SYSCTL_numainfo] = {sysctl_numainfo},
    [XEN_SYSCTL_cpupool_op] = {sysctl_cpupool_op},
    [XEN_SYSCTL_get_cpu_featureset] = {sysctl_get_cpu_featureset},
    [XEN_SYSCTL_get_cpu_policy] = {sysctl_get_cpu_policy},
};

/* Serialised like domctls, by continuation rather than by spinning. */
static bool sysctl_busy;

long do_sysctl(unsigned long arg)
{
    struct xen_sysctl op;
    long rc;

    if ( copy_from_guest(&op, arg, sizeof(op)) )
        return -EFAULT;
    if ( op.interface_version != XEN_SYSCTL_INTERFACE_VERSION )
        return -EACCES;
    if ( !current_vcpu()->domain->is_privileged )
        return -EPERM;
    if ( op.cmd >= ARRAY_SIZE(subops) || !subops[op.cmd].fn )
        return -ENOSYS;
    if ( __atomic_exchange_n(&sysctl_busy, true, __ATOMIC_ACQUIRE) )
        return -ERESTART;
    rc = subops[op.cmd].fn(&op);
    __atomic_store_n(&sysctl_busy, false, __ATOMIC_RELEASE);
    /* -ENOBUFS still says how much was written, and how much there is. */
    if ( (rc >= 0 || rc == -ENOBUFS) && copy_to_guest(arg, &op, sizeof(op)) )
        rc = -EFAULT;
    return rc;
}
