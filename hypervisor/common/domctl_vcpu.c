/* SPDX-License-Identifier: GPL-2.0-only */
/* domctl sub-ops on a domain's vCPUs: state, placement, scheduling. */
#include <xenia/cpumask.h>
#include <xenia/domctl.h>
#include <xenia/errno.h>
#include <xenia/guest_access.h>
#include <xenia/lib.h>
#include <xenia/sched.h>
#include <xenia/time.h>

long domctl_getvcpuinfo(struct domain *d, struct xen_domctl *op)
{
    struct xen_domctl_getvcpuinfo *i = &op->u.getvcpuinfo;
    const struct vcpu *v;

    if ( i->vcpu >= d->max_vcpus )
        return -EINVAL;
    v = d->vcpu[i->vcpu];
    i->online = !(v->pause_flags & VPF_down);
    i->blocked = !!(v->pause_flags & VPF_blocked);
    i->running = v->is_running;
    i->cpu_time = v->runstate.time[RUNSTATE_running];
    if ( v->runstate.state == RUNSTATE_running )
        i->cpu_time += NOW() - v->runstate.state_entry_time;
    i->cpu = v->processor;
    return 0;
}

/*
 * vCPUs stay on the CPU they were placed on: the hard affinity is that
 * one CPU, and a new one is accepted only if it includes it (Xenia does
 * not move vCPUs yet). Soft affinity is every CPU.
 */
static int bitmap_from_guest(const struct xenctl_bitmap *b, cpumask_t *m)
{
    unsigned int bytes = MIN((b->nr_bits + 7) / 8, (unsigned int)sizeof(*m));

    cpumask_clear(m);
    if ( copy_from_guest(m, (unsigned long)b->bitmap.p, bytes) )
        return -EFAULT;
    if ( b->nr_bits < CONFIG_NR_CPUS )
        for ( unsigned int c = b->nr_bits; c < CONFIG_NR_CPUS; c++ )
            cpumask_clear_cpu(c, m);
    return 0;
}

static int bitmap_to_guest(struct xenctl_bitmap *b, const cpumask_t *m)
{
    unsigned int bytes = (b->nr_bits + 7) / 8, i;
    uint8_t byte;

    for ( i = 0; i < bytes; i++ )
    {
        byte = i < sizeof(*m) ? ((const uint8_t *)m->bits)[i] : 0;
        if ( copy_to_guest((unsigned long)b->bitmap.p + i, &byte, 1) )
            return -EFAULT;
    }
    return 0;
}

static void vcpu_hard_affinity(const struct vcpu *v, cpumask_t *m)
{
    cpumask_clear(m);
    cpumask_set_cpu(v->processor, m);
}

long domctl_setvcpuaffinity(struct domain *d, struct xen_domctl *op)
{
    struct xen_domctl_vcpuaffinity *a = &op->u.vcpuaffinity;
    cpumask_t want, online;
    int rc;

    if ( a->vcpu >= d->max_vcpus )
        return -EINVAL;
    if ( !(a->flags & (XEN_VCPUAFFINITY_HARD | XEN_VCPUAFFINITY_SOFT)) )
        return -EINVAL;
    if ( a->flags & XEN_VCPUAFFINITY_HARD )
    {
        rc = bitmap_from_guest(&a->cpumap_hard, &want);
        if ( rc )
            return rc;
        cpumask_and(&online, &want, &cpu_online_map);
        if ( cpumask_empty(&online) )
            return -EINVAL;
        if ( !cpumask_test_cpu(d->vcpu[a->vcpu]->processor, &online) )
            return -EOPNOTSUPP; /* vCPUs do not migrate yet */
        vcpu_hard_affinity(d->vcpu[a->vcpu], &online);
        rc = bitmap_to_guest(&a->cpumap_hard, &online);
        if ( rc )
            return rc;
    }
    if ( a->flags & XEN_VCPUAFFINITY_SOFT )
    {
        rc = bitmap_from_guest(&a->cpumap_soft, &want);
        if ( rc )
            return rc;
        rc = bitmap_to_guest(&a->cpumap_soft, &cpu_online_map);
        if ( rc )
            return rc;
    }
    return 0;
}

long domctl_getvcpuaffinity(struct domain *d, struct xen_domctl *op)
{
    struct xen_domctl_vcpuaffinity *a = &op->u.vcpuaffinity;
    cpumask_t m;
    int rc;

    if ( a->vcpu >= d->max_vcpus )
        return -EINVAL;
    if ( !(a->flags & (XEN_VCPUAFFINITY_HARD | XEN_VCPUAFFINITY_SOFT)) )
        return -EINVAL;
    if ( a->flags & XEN_VCPUAFFINITY_HARD )
    {
        vcpu_hard_affinity(d->vcpu[a->vcpu], &m);
        if ( (rc = bitmap_to_guest(&a->cpumap_hard, &m)) )
            return rc;
    }
    if ( (a->flags & XEN_VCPUAFFINITY_SOFT) &&
         (rc = bitmap_to_guest(&a->cpumap_soft, &cpu_online_map)) )
        return rc;
    return 0;
}

/*
 * Xenia reports its round robin as Xen's credit scheduler (sysctl
 * sched_id), so that a toolstack's parameter calls find a scheduler it
 * knows. Weight and cap are checked and kept, and read back, but every
 * vCPU gets an equal slice whatever they say.
 */
long domctl_scheduler_op(struct domain *d, struct xen_domctl *op)
{
    struct xen_domctl_scheduler_op *s = &op->u.scheduler_op;

    if ( s->sched_id != XEN_SCHEDULER_CREDIT )
        return -EINVAL;
    switch ( s->cmd )
    {
    case XEN_DOMCTL_SCHEDOP_getinfo:
        s->u.credit.weight = d->sched_weight;
        s->u.credit.cap = d->sched_cap;
        return 0;
    case XEN_DOMCTL_SCHEDOP_putinfo:
        if ( s->u.credit.cap > 100 * d->max_vcpus )
            return -EINVAL;
        if ( s->u.credit.weight )
            d->sched_weight = s->u.credit.weight;
        d->sched_cap = s->u.credit.cap;
        return 0;
    default:
        return -EINVAL;
    }
}
