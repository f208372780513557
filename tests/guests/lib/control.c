/* SPDX-License-Identifier: GPL-2.0-only */
/* domctl and sysctl from a test Dom0: the calls a toolstack makes. */
#include "control.h"

static evtchn_port_t dom_exc_port, timer_port;

long domctl(struct xen_domctl *op)
{
    return HC(__HYPERVISOR_domctl, op, 0, 0, 0, 0);
}

long sysctl(struct xen_sysctl *op)
{
    return HC(__HYPERVISOR_sysctl, op, 0, 0, 0, 0);
}

void domctl_init(struct xen_domctl *op, uint32_t cmd, domid_t dom)
{
    memset(op, 0, sizeof(*op));
    op->cmd = cmd;
    op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    op->domain = dom;
}

void sysctl_init(struct xen_sysctl *op, uint32_t cmd)
{
    memset(op, 0, sizeof(*op));
    op->cmd = cmd;
    op->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
}

long domctl_simple(uint32_t cmd, domid_t dom)
{
    struct xen_domctl op;

    domctl_init(&op, cmd, dom);
    return domctl(&op);
}

long dom_max_vcpus(domid_t id, unsigned int n)
{
    struct xen_domctl op;

    domctl_init(&op, XEN_DOMCTL_max_vcpus, id);
    op.u.max_vcpus.max = n;
    return domctl(&op);
}

long dom_create(domid_t want, unsigned int vcpus, domid_t *id)
{
    struct xen_domctl op;
    long rc;

    domctl_init(&op, XEN_DOMCTL_createdomain, want);
    op.u.createdomain.max_vcpus = vcpus;
    op.u.createdomain.max_evtchn_port = 1023;
    op.u.createdomain.max_grant_frames = -1;
    op.u.createdomain.max_maptrack_frames = -1;
    op.u.createdomain.grant_opts = XEN_DOMCTL_GRANT_version(1);
    memset(op.u.createdomain.handle, 0xab, sizeof(op.u.createdomain.handle));
    rc = domctl(&op);
    if ( rc )
        return rc;
    *id = op.domain;
    return dom_max_vcpus(*id, vcpus);
}

long dom_getinfo(domid_t id, struct xen_domctl_getdomaininfo *info)
{
    struct xen_domctl op;
    long rc;

    domctl_init(&op, XEN_DOMCTL_getdomaininfo, id);
    rc = domctl(&op);
    if ( !rc )
        *info = op.u.getdomaininfo;
    return rc;
}

long dom_max_mem(domid_t id, uint64_t kb)
{
    struct xen_domctl op;

    domctl_init(&op, XEN_DOMCTL_max_mem, id);
    op.u.max_mem.max_memkb = kb;
    return domctl(&op);
}

long dom_populate(domid_t id, xen_pfn_t *list, unsigned long n)
{
    struct xen_memory_reservation r = {.nr_extents = n, .domid = id};

    set_xen_guest_handle(r.extent_start, list);
    return hypercall_memory_op(XENMEM_populate_physmap, &r);
}

uint64_t host_free_pages(void)
{
    struct xen_sysctl op;

    sysctl_init(&op, XEN_SYSCTL_physinfo);
    if ( sysctl(&op) )
        test_error("physinfo failed");
    return op.u.physinfo.free_pages;
}

static void ports_init(void)
{
    struct evtchn_bind_virq bv = {.virq = VIRQ_DOM_EXC, .vcpu = 0};
    struct evtchn_bind_virq tv = {.virq = VIRQ_TIMER, .vcpu = 0};

    if ( dom_exc_port )
        return;
    if ( hypercall_event_channel_op(EVTCHNOP_bind_virq, &bv) ||
         hypercall_event_channel_op(EVTCHNOP_bind_virq, &tv) )
        test_error("cannot bind VIRQ_DOM_EXC and VIRQ_TIMER");
    dom_exc_port = bv.port;
    timer_port = tv.port;
    /* Masked: its pending bit stays for dom_exc_seen(), not the upcall. */
    evtchn_mask(dom_exc_port);
    evtchn_unmask_local(timer_port);
}

void dom_exc_init(void)
{
    ports_init();
}

bool dom_exc_seen(void)
{
    bool seen = evtchn_is_pending(dom_exc_port);

    evtchn_clear(dom_exc_port);
    return seen;
}

bool dom_exc_wait(unsigned int ms)
{
    for ( unsigned int i = 0; i < ms && !evtchn_is_pending(dom_exc_port); i++ )
        sleep_ms(1);
    return dom_exc_seen();
}

/*
 * Block until the deadline, woken by a singleshot timer: SCHEDOP_block
 * marks the vCPU blocked before it looks for events, so no wake-up is
 * lost (a poll's can be on Xenia, issue 16 bug 3). The timer's VIRQ
 * goes through the runtime's upcall; the vCPU's periodic tick may end a
 * block early, and then it blocks again.
 */
void sleep_ms(unsigned int ms)
{
    uint64_t deadline = system_time_ns() + ms * 1000000ULL;
    struct vcpu_set_singleshot_timer t = {.timeout_abs_ns = deadline};

    ports_init();
    while ( system_time_ns() < deadline )
    {
        hypercall_vcpu_op(VCPUOP_set_singleshot_timer, 0, &t);
        hypercall_sched_op(SCHEDOP_block, NULL);
        vcpu0->evtchn_upcall_mask = 1; /* as it was: no upcalls elsewhere */
    }
}

uint64_t host_settled_free_pages(uint64_t expect)
{
    uint64_t now = host_free_pages(), last;
    unsigned int still = 0;

    for ( unsigned int i = 0; i < 400 && now != expect; i++ )
    {
        sleep_ms(5);
        last = now;
        now = host_free_pages();
        still = now == last ? still + 1 : 0;
        if ( !expect && still == 60 )
            break;
    }
    return now;
}

bool dom_wait_gone(domid_t id)
{
    struct xen_domctl_getdomaininfo info;

    for ( unsigned int i = 0; i < 2000; i++ )
    {
        if ( dom_getinfo(id, &info) || info.domain != id )
            return true;
        sleep_ms(1);
    }
    return false;
}
