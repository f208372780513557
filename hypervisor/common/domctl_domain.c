/* SPDX-License-Identifier: GPL-2.0-only */
/* domctl sub-ops on a whole domain: create, inspect, pause, limit, destroy. */
#include <xenia/console.h>
#include <xenia/domain_state.h>
#include <xenia/domctl.h>
#include <xenia/errno.h>
#include <xenia/event_channel.h>
#include <xenia/grant_domain.h>
#include <xenia/lib.h>
#include <xenia/sched.h>
#include <xenia/time.h>
#include <asm/current.h>

static bool is_caller(const struct domain *d)
{
    return d == current_vcpu()->domain;
}

/* What Xenia can build: 64-bit PV, grant tables v1, no devices. */
static int check_config(const struct xen_domctl_createdomain *c)
{
    if ( c->flags & ~(XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap |
                      XEN_DOMCTL_CDF_s3_integrity | XEN_DOMCTL_CDF_oos_off |
                      XEN_DOMCTL_CDF_xs_domain | XEN_DOMCTL_CDF_iommu |
                      XEN_DOMCTL_CDF_nested_virt | XEN_DOMCTL_CDF_vpmu) )
        return -EINVAL; /* unknown */
    if ( c->flags & (XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap |
                     XEN_DOMCTL_CDF_s3_integrity | XEN_DOMCTL_CDF_iommu |
                     XEN_DOMCTL_CDF_nested_virt | XEN_DOMCTL_CDF_vpmu) )
        return -EINVAL; /* known, but not available here (nor HVM) */
    if ( c->iommu_opts || c->vmtrace_size )
        return -EINVAL;
    if ( c->max_vcpus < 1 || c->max_vcpus > MAX_VCPUS )
        return -EINVAL;
    /* Versions 1 up to the host's (gnttab=max-ver), as Xen. */
    if ( XEN_DOMCTL_GRANT_version(c->grant_opts) < 1 ||
         XEN_DOMCTL_GRANT_version(c->grant_opts) > gnttab_max_version() ||
         (c->grant_opts & ~XEN_DOMCTL_GRANT_version_mask) )
        return -EINVAL;
    if ( c->cpupool_id )
        return -ENOENT; /* pool 0 is the only one */
    /* PV knows no emulated devices but, optionally, the PIT. */
    if ( c->arch.emulation_flags & ~XEN_X86_EMU_PIT )
        return -EOPNOTSUPP;
    if ( c->arch.misc_flags & ~XEN_X86_MSR_RELAXED )
        return -EINVAL;
    return 0;
}

static bool id_is_free(domid_t id, void *arg)
{
    (void)arg;
    return domain_id_is_free(id);
}

long domctl_createdomain(struct domain *unused, struct xen_domctl *op)
{
    struct xen_domctl_createdomain *c = &op->u.createdomain;
    static domid_t rover; /* serialised by the domctl lock */
    struct domain *d;
    domid_t id;
    int rc;

    (void)unused;
    rc = check_config(c);
    if ( rc )
        return rc;
    rc = domid_choose(op->domain, &rover, id_is_free, NULL, &id);
    if ( rc )
        return rc;
    rc = domain_create_guest(id, c->max_vcpus, c->max_grant_frames,
                             c->max_maptrack_frames, &d);
    if ( rc )
        return rc;
    gnttab_limit_version(d, XEN_DOMCTL_GRANT_version(c->grant_opts));
    memcpy(d->handle, c->handle, sizeof(d->handle));
    d->max_evtchn_port = MIN(c->max_evtchn_port, EVTCHN_FIFO_NR_CHANNELS - 1U);
    /* Until the guest asks for FIFO, 2-level's limit applies as well. */
    evtchn_set_max_port(d->evtchn, MIN(c->max_evtchn_port,
                                       EVTCHN_NR_PORTS - 1U));
    /* As Xen records it for PV: only meaningful to HVM. */
    c->flags |= XEN_DOMCTL_CDF_oos_off;
    op->domain = id;
    return 0;
}

long domctl_destroydomain(struct domain *d, struct xen_domctl *op)
{
    (void)op;
    return domain_kill(d);
}

long domctl_pausedomain(struct domain *d, struct xen_domctl *op)
{
    (void)op;
    if ( is_caller(d) )
        return -EINVAL; /* it would wait for itself */
    return domain_pause_by_controller(d);
}

long domctl_unpausedomain(struct domain *d, struct xen_domctl *op)
{
    (void)op;
    return domain_unpause_by_controller(d);
}

void domain_getinfo(struct domain *d, struct xen_domctl_getdomaininfo *info)
{
    uint32_t flags = XEN_DOMINF_blocked;
    uint64_t cpu_time = 0;
    unsigned int i;

    memset(info, 0, sizeof(*info));
    info->domain = d->domain_id;
    info->max_vcpu_id = XEN_INVALID_MAX_VCPU_ID;
    /* Blocked if every online vCPU is; running if any is on a CPU. */
    for ( i = 0; i < d->max_vcpus; i++ )
    {
        const struct vcpu *v = d->vcpu[i];
        unsigned int pf = __atomic_load_n(&v->pause_flags, __ATOMIC_RELAXED);

        cpu_time += v->runstate.time[RUNSTATE_running];
        if ( v->runstate.state == RUNSTATE_running )
            cpu_time += NOW() - v->runstate.state_entry_time;
        info->max_vcpu_id = i;
        if ( pf & VPF_down )
            continue;
        if ( !(pf & VPF_blocked) )
            flags &= ~XEN_DOMINF_blocked;
        if ( v->is_running )
            flags |= XEN_DOMINF_running;
        info->nr_online_vcpus++;
    }
    info->cpu_time = cpu_time;
    info->flags = (info->nr_online_vcpus ? flags : 0) |
                  (d->is_dying == DOMDYING_dead ? XEN_DOMINF_dying : 0) |
                  (d->is_shutting_down ? XEN_DOMINF_shutdown : 0) |
                  (d->controller_pause_count ? XEN_DOMINF_paused : 0) |
                  (d->shutdown_code & XEN_DOMINF_shutdownmask)
                      << XEN_DOMINF_shutdownshift;
    info->tot_pages = d->tot_pages;
    info->max_pages = d->max_pages;
    info->shared_info_frame = mfn_x(d->shared_info_mfn); /* PV: the machine frame */
    memcpy(info->handle, d->handle, sizeof(info->handle));
    info->cpupool = 0;
    info->gpaddr_bits = 52; /* the physical address width PV guests see */
    info->arch_config.emulation_flags = 0;
}

/*
 * Xen 4.17 answers for the first domain whose id is at least the one
 * asked for (xenconsoled and libxc walk domains that way).
 */
long domctl_getdomaininfo(struct domain *unused, struct xen_domctl *op)
{
    struct domain *d;

    (void)unused;
    if ( op->domain >= DOMID_FIRST_RESERVED )
        return -EINVAL;
    d = domain_get_next(op->domain);
    if ( !d )
        return -ESRCH;
    domain_getinfo(d, &op->u.getdomaininfo);
    op->domain = d->domain_id;
    domain_put(d);
    return 0;
}

long domctl_max_mem(struct domain *d, struct xen_domctl *op)
{
    uint64_t pages = op->u.max_mem.max_memkb >> (PAGE_SHIFT - 10);
    unsigned long flags = spin_lock_irqsave(&d->page_alloc_lock);

    /* Below tot_pages is allowed: it only stops further growth. */
    d->max_pages = MIN(pages, (uint64_t)~0UL);
    spin_unlock_irqrestore(&d->page_alloc_lock, flags);
    return 0;
}

/* Xen's vCPUs exist from createdomain on; this only confirms the count. */
long domctl_max_vcpus(struct domain *d, struct xen_domctl *op)
{
    if ( is_caller(d) || op->u.max_vcpus.max != d->max_vcpus )
        return -EINVAL;
    return 0;
}

long domctl_setdomainhandle(struct domain *d, struct xen_domctl *op)
{
    memcpy(d->handle, op->u.setdomainhandle.handle, sizeof(d->handle));
    return 0;
}

long domctl_settimeoffset(struct domain *d, struct xen_domctl *op)
{
    d->time_offset_seconds = op->u.settimeoffset.time_offset_seconds;
    domain_update_wallclock(d);
    return 0;
}
