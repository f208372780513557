/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * domctl, sysctl and the other control hypercalls, as typed wrappers over
 * IOCTL_PRIVCMD_HYPERCALL. Arguments travel in hypercall buffers.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include <xen/version.h>

static const char *domctl_name(uint32_t cmd)
{
    switch ( cmd )
    {
    case XEN_DOMCTL_createdomain:
        return "createdomain";
    case XEN_DOMCTL_destroydomain:
        return "destroydomain";
    case XEN_DOMCTL_pausedomain:
        return "pausedomain";
    case XEN_DOMCTL_unpausedomain:
        return "unpausedomain";
    case XEN_DOMCTL_getdomaininfo:
        return "getdomaininfo";
    case XEN_DOMCTL_max_mem:
        return "max_mem";
    case XEN_DOMCTL_setvcpucontext:
        return "setvcpucontext";
    case XEN_DOMCTL_getvcpucontext:
        return "getvcpucontext";
    case XEN_DOMCTL_getvcpuinfo:
        return "getvcpuinfo";
    case XEN_DOMCTL_max_vcpus:
        return "max_vcpus";
    case XEN_DOMCTL_hypercall_init:
        return "hypercall_init";
    case XEN_DOMCTL_set_address_size:
        return "set_address_size";
    case XEN_DOMCTL_get_address_size:
        return "get_address_size";
    default:
        return "domctl";
    }
}

/* Run f(h, buf) on a copy of len bytes of obj in a hypercall buffer. */
static void *buf_get(hcall_t *h, size_t len)
{
    if ( len <= 4096 && !h->scratch_busy )
    {
        h->scratch_busy = 1;
        memset(h->scratch, 0, 4096);
        return h->scratch;
    }
    return hcall_buf_alloc(h, len);
}

static void buf_put(hcall_t *h, void *p, size_t len)
{
    if ( p == h->scratch )
        h->scratch_busy = 0;
    else
        hcall_buf_free(h, p, len);
}

int hcall_domctl(hcall_t *h, struct xen_domctl *d)
{
    struct xen_domctl *b = buf_get(h, sizeof(*b));
    long rc;

    if ( !b )
        return -1;
    d->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    memcpy(b, d, sizeof(*b));
    rc = hcall_raw(h, __HYPERVISOR_domctl, (uintptr_t)b, 0, 0, 0, 0);
    memcpy(d, b, sizeof(*d));
    buf_put(h, b, sizeof(*b));
    if ( rc < 0 && errno == ESRCH && d->cmd != XEN_DOMCTL_createdomain )
        return hcall_fail(h->msg, ESRCH, "domctl %s: no domain %u",
                          domctl_name(d->cmd), d->domain);
    if ( rc < 0 )
        return hcall_fail(h->msg, errno, "domctl %s on domain %u",
                          domctl_name(d->cmd), d->domain);
    return (int)rc;
}

int hcall_sysctl(hcall_t *h, struct xen_sysctl *s)
{
    struct xen_sysctl *b = buf_get(h, sizeof(*b));
    long rc;

    if ( !b )
        return -1;
    s->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    memcpy(b, s, sizeof(*b));
    rc = hcall_raw(h, __HYPERVISOR_sysctl, (uintptr_t)b, 0, 0, 0, 0);
    memcpy(s, b, sizeof(*s));
    buf_put(h, b, sizeof(*b));
    if ( rc < 0 )
        return hcall_fail(h->msg, errno, "sysctl %u", s->cmd);
    return (int)rc;
}

static int simple(hcall_t *h, uint32_t cmd, uint32_t domid)
{
    struct xen_domctl d = {.cmd = cmd, .domain = (domid_t)domid};

    return hcall_domctl(h, &d);
}

static int bad_domid(hcall_t *h, const char *what, uint32_t domid)
{
    return hcall_fail(h->msg, EINVAL, "%s: %u is not a domain id", what, domid);
}

int hcall_domain_create(hcall_t *h, uint32_t *domid,
                        const struct xen_domctl_createdomain *cfg)
{
    struct xen_domctl d = {.cmd = XEN_DOMCTL_createdomain,
                           .domain = (domid_t)*domid};

    if ( *domid > DOMID_INVALID )
        return bad_domid(h, "createdomain", *domid);
    d.u.createdomain = *cfg;
    if ( hcall_domctl(h, &d) < 0 )
        return -1;
    *domid = d.domain;
    return 0;
}

int hcall_domain_destroy(hcall_t *h, uint32_t domid)
{
    if ( domid >= DOMID_FIRST_RESERVED )
        return bad_domid(h, "destroydomain", domid);
    return simple(h, XEN_DOMCTL_destroydomain, domid);
}

int hcall_domain_pause(hcall_t *h, uint32_t domid)
{
    if ( domid >= DOMID_FIRST_RESERVED )
        return bad_domid(h, "pausedomain", domid);
    return simple(h, XEN_DOMCTL_pausedomain, domid);
}

int hcall_domain_unpause(hcall_t *h, uint32_t domid)
{
    if ( domid >= DOMID_FIRST_RESERVED )
        return bad_domid(h, "unpausedomain", domid);
    return simple(h, XEN_DOMCTL_unpausedomain, domid);
}

int hcall_domain_getinfo(hcall_t *h, uint32_t domid,
                         struct xen_domctl_getdomaininfo *info)
{
    struct xen_domctl d = {.cmd = XEN_DOMCTL_getdomaininfo,
                           .domain = (domid_t)domid};

    if ( domid >= DOMID_FIRST_RESERVED )
        return bad_domid(h, "getdomaininfo", domid);
    if ( hcall_domctl(h, &d) < 0 )
    {
        if ( errno == ESRCH )
            return hcall_fail(h->msg, ESRCH, "no domain %u", domid);
        return -1;
    }
    /* Xen 4.17 returns the first domain at or above the id asked for. */
    if ( d.u.getdomaininfo.domain != domid )
        return hcall_fail(h->msg, ESRCH, "no domain %u", domid);
    *info = d.u.getdomaininfo;
    return 0;
}

int hcall_domain_list(hcall_t *h, uint32_t first, uint32_t max,
                      struct xen_domctl_getdomaininfo *out)
{
    struct xen_sysctl s = {.cmd = XEN_SYSCTL_getdomaininfolist};
    size_t len = (size_t)max * sizeof(*out);
    void *b;

    if ( !max )
        return 0;
    if ( !(b = hcall_buf_alloc(h, len)) )
        return -1;
    s.u.getdomaininfolist.first_domain = (domid_t)first;
    s.u.getdomaininfolist.max_domains = max;
    set_xen_guest_handle(s.u.getdomaininfolist.buffer,
                         (struct xen_domctl_getdomaininfo *)b);
    if ( hcall_sysctl(h, &s) < 0 )
    {
        hcall_buf_free(h, b, len);
        return hcall_fail(h->msg, errno, "sysctl getdomaininfolist");
    }
    if ( s.u.getdomaininfolist.num_domains > max )
        s.u.getdomaininfolist.num_domains = max;
    memcpy(out, b, s.u.getdomaininfolist.num_domains * sizeof(*out));
    hcall_buf_free(h, b, len);
    return (int)s.u.getdomaininfolist.num_domains;
}

int hcall_domain_max_vcpus(hcall_t *h, uint32_t domid, uint32_t max)
{
    struct xen_domctl d = {.cmd = XEN_DOMCTL_max_vcpus,
                           .domain = (domid_t)domid};

    d.u.max_vcpus.max = max;
    return hcall_domctl(h, &d);
}

int hcall_domain_max_mem(hcall_t *h, uint32_t domid, uint64_t max_kb)
{
    struct xen_domctl d = {.cmd = XEN_DOMCTL_max_mem, .domain = (domid_t)domid};

    d.u.max_mem.max_memkb = max_kb;
    return hcall_domctl(h, &d);
}

int hcall_domain_set_address_size(hcall_t *h, uint32_t domid, uint32_t bits)
{
    struct xen_domctl d = {.cmd = XEN_DOMCTL_set_address_size,
                           .domain = (domid_t)domid};

    d.u.address_size.size = bits;
    return hcall_domctl(h, &d);
}

int hcall_domain_get_address_size(hcall_t *h, uint32_t domid, uint32_t *bits)
{
    struct xen_domctl d = {.cmd = XEN_DOMCTL_get_address_size,
                           .domain = (domid_t)domid};

    if ( hcall_domctl(h, &d) < 0 )
        return -1;
    *bits = d.u.address_size.size;
    return 0;
}

static int vcpu_context(hcall_t *h, uint32_t cmd, uint32_t domid, uint32_t vcpu,
                        vcpu_guest_context_t *ctx)
{
    struct xen_domctl d = {.cmd = cmd, .domain = (domid_t)domid};
    vcpu_guest_context_t *b = hcall_buf_alloc(h, sizeof(*b));
    int rc;

    if ( !b )
        return -1;
    memcpy(b, ctx, sizeof(*b));
    d.u.vcpucontext.vcpu = vcpu;
    set_xen_guest_handle(d.u.vcpucontext.ctxt, b);
    rc = hcall_domctl(h, &d);
    memcpy(ctx, b, sizeof(*b));
    hcall_buf_free(h, b, sizeof(*b));
    return rc;
}

int hcall_vcpu_setcontext(hcall_t *h, uint32_t domid, uint32_t vcpu,
                          const vcpu_guest_context_t *ctx)
{
    vcpu_guest_context_t c = *ctx;

    return vcpu_context(h, XEN_DOMCTL_setvcpucontext, domid, vcpu, &c);
}

int hcall_vcpu_getcontext(hcall_t *h, uint32_t domid, uint32_t vcpu,
                          vcpu_guest_context_t *ctx)
{
    memset(ctx, 0, sizeof(*ctx));
    return vcpu_context(h, XEN_DOMCTL_getvcpucontext, domid, vcpu, ctx);
}

int hcall_vcpu_getinfo(hcall_t *h, uint32_t domid, uint32_t vcpu,
                       struct xen_domctl_getvcpuinfo *info)
{
    struct xen_domctl d = {.cmd = XEN_DOMCTL_getvcpuinfo,
                           .domain = (domid_t)domid};

    d.u.getvcpuinfo.vcpu = vcpu;
    if ( hcall_domctl(h, &d) < 0 )
        return -1;
    *info = d.u.getvcpuinfo;
    return 0;
}

int hcall_domain_hypercall_init(hcall_t *h, uint32_t domid, uint64_t gmfn)
{
    struct xen_domctl d = {.cmd = XEN_DOMCTL_hypercall_init,
                           .domain = (domid_t)domid};

    d.u.hypercall_init.gmfn = gmfn;
    return hcall_domctl(h, &d);
}

int hcall_physinfo(hcall_t *h, struct xen_sysctl_physinfo *info)
{
    struct xen_sysctl s = {.cmd = XEN_SYSCTL_physinfo};

    if ( hcall_sysctl(h, &s) < 0 )
        return hcall_fail(h->msg, errno, "sysctl physinfo");
    *info = s.u.physinfo;
    return 0;
}

int hcall_readconsole(hcall_t *h, char *buf, uint32_t len, uint32_t *index)
{
    struct xen_sysctl s = {.cmd = XEN_SYSCTL_readconsole};
    char *b = hcall_buf_alloc(h, len);

    if ( !b )
        return -1;
    s.u.readconsole.incremental = 1;
    s.u.readconsole.index = *index;
    s.u.readconsole.count = len;
    set_xen_guest_handle(s.u.readconsole.buffer, b);
    if ( hcall_sysctl(h, &s) < 0 )
    {
        hcall_buf_free(h, b, len);
        return hcall_fail(h->msg, errno, "sysctl readconsole");
    }
    memcpy(buf, b, s.u.readconsole.count);
    *index = s.u.readconsole.index;
    hcall_buf_free(h, b, len);
    return (int)s.u.readconsole.count;
}

long hcall_populate_physmap(hcall_t *h, uint32_t domid, unsigned long n,
                            unsigned int order, xen_pfn_t *frames)
{
    struct xen_memory_reservation *r = buf_get(h, sizeof(*r));
    size_t len = n * sizeof(*frames);
    xen_pfn_t *b = hcall_buf_alloc(h, len);
    long rc;

    if ( !r || !b )
    {
        if ( r )
            buf_put(h, r, sizeof(*r));
        return -1;
    }
    memcpy(b, frames, len);
    r->nr_extents = n;
    r->extent_order = order;
    r->domid = (domid_t)domid;
    set_xen_guest_handle(r->extent_start, b);
    rc = hcall_raw(h, __HYPERVISOR_memory_op, XENMEM_populate_physmap,
                   (uintptr_t)r, 0, 0, 0);
    if ( rc > 0 )
        memcpy(frames, b, (size_t)rc * sizeof(*frames));
    buf_put(h, r, sizeof(*r));
    hcall_buf_free(h, b, len);
    if ( rc < 0 )
        return hcall_fail(h->msg, errno,
                          "populate_physmap of %lu pages for domain %u", n,
                          domid);
    return rc;
}

int hcall_evtchn_alloc_unbound(hcall_t *h, uint32_t domid, uint32_t remote,
                               evtchn_port_t *port)
{
    struct evtchn_alloc_unbound *a = buf_get(h, sizeof(*a));
    long rc;

    if ( !a )
        return -1;
    a->dom = (domid_t)domid;
    a->remote_dom = (domid_t)remote;
    rc = hcall_raw(h, __HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound,
                   (uintptr_t)a, 0, 0, 0);
    *port = a->port;
    buf_put(h, a, sizeof(*a));
    if ( rc < 0 )
        return hcall_fail(h->msg, errno, "alloc_unbound in domain %u for %u",
                          domid, remote);
    return 0;
}

int hcall_gnttab_setup_table(hcall_t *h, uint32_t domid, uint32_t n,
                             xen_pfn_t *frames)
{
    struct gnttab_setup_table *s = buf_get(h, sizeof(*s));
    xen_pfn_t *b = hcall_buf_alloc(h, n * sizeof(*frames));
    long rc;
    int err = 0;

    if ( !s || !b )
    {
        if ( s )
            buf_put(h, s, sizeof(*s));
        return -1;
    }
    s->dom = (domid_t)domid;
    s->nr_frames = n;
    set_xen_guest_handle(s->frame_list, b);
    rc = hcall_raw(h, __HYPERVISOR_grant_table_op, GNTTABOP_setup_table,
                   (uintptr_t)s, 1, 0, 0);
    if ( rc < 0 )
        err = errno;
    else if ( s->status )
        err = s->status == GNTST_permission_denied ? EPERM
              : s->status == GNTST_bad_domain      ? ESRCH
                                                   : EINVAL;
    memcpy(frames, b, n * sizeof(*frames));
    buf_put(h, s, sizeof(*s));
    hcall_buf_free(h, b, n * sizeof(*frames));
    if ( err )
        return hcall_fail(h->msg, err, "setup_table of domain %u", domid);
    return 0;
}

int hcall_mmuext(hcall_t *h, uint32_t domid, unsigned int cmd, xen_pfn_t mfn)
{
    struct mmuext_op *op = buf_get(h, sizeof(*op));
    long rc;

    if ( !op )
        return -1;
    op->cmd = cmd;
    op->arg1.mfn = mfn;
    rc = hcall_raw(h, __HYPERVISOR_mmuext_op, (uintptr_t)op, 1, 0, domid, 0);
    buf_put(h, op, sizeof(*op));
    if ( rc < 0 )
        return hcall_fail(h->msg, errno,
                          "mmuext_op %u on frame %#lx of domain %u", cmd,
                          (unsigned long)mfn, domid);
    return 0;
}

long hcall_xen_version(hcall_t *h, int cmd, void *buf, size_t len)
{
    void *b = len ? buf_get(h, len) : NULL;
    long rc;

    if ( len && !b )
        return -1;
    rc = hcall_raw(h, __HYPERVISOR_xen_version, (uint64_t)cmd, (uintptr_t)b, 0,
                   0, 0);
    if ( b )
    {
        memcpy(buf, b, len);
        buf_put(h, b, len);
    }
    if ( rc < 0 )
        return hcall_fail(h->msg, errno, "xen_version %d", cmd);
    return rc;
}
