/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ring backend of a xenstored in Dom0, as Xen 4.17's daemon does it:
 * a guest's ring is its grant ref 1 (GNTTAB_RESERVED_XENSTORE) mapped
 * through /dev/xen/gntdev (the gfn of INTRODUCE only as a fallback, by a
 * foreign map), its event channel an interdomain binding; Dom0's own
 * kernel is found through /proc/xen/xsd_kva and xsd_port. Built with
 * -std=gnu11: Xen's domctl.h refuses strict ANSI.
 */
#include "xenring.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <hcall.h>
#include <xen/grant_table.h>

#include "../common/xalloc.h"
#include "domain.h"
#include "log.h"
#include "watch.h"

#define XSD_GRANT_REF 1 /* GNTTAB_RESERVED_XENSTORE */
#define PAGE          4096

struct xenring {
    hcall_t *priv;
    hcall_gntdev_t *gnt;
    hcall_evtchn_t *virq;
};

/* One event-channel handle per domain, so its fd says whose event it is. */
struct xenport {
    hcall_evtchn_t *ev;
    evtchn_port_t local;
    enum { MAP_GRANT, MAP_FOREIGN, MAP_KVA } how;
};

static struct xenring *xr_of(struct ring_backend *be)
{
    return be->ctx;
}

bool xenring_available(void)
{
    return access("/proc/xen/xsd_port", R_OK) == 0 &&
           access("/dev/xen/evtchn", R_OK | W_OK) == 0;
}

static void *map_dom0_page(void)
{
    int fd = open("/proc/xen/xsd_kva", O_RDWR | O_CLOEXEC);
    void *p;

    if ( fd < 0 )
        return NULL;
    p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    return p == MAP_FAILED ? NULL : p;
}

static void *map_ring(struct xenring *xr, uint32_t domid, uint64_t gfn,
                      struct xenport *xp)
{
    grant_ref_t ref = XSD_GRANT_REF;
    xen_pfn_t frame = gfn;
    void *p;

    if ( domid == 0 )
    {
        xp->how = MAP_KVA;
        return map_dom0_page();
    }
    p = hcall_gntdev_map(xr->gnt, domid, &ref, 1, PROT_READ | PROT_WRITE);
    if ( p )
    {
        xp->how = MAP_GRANT;
        return p;
    }
    xlog(4, "domain %u: %s; trying a foreign map of frame %#llx",
         (unsigned)domid, hcall_gntdev_error(xr->gnt), (unsigned long long)gfn);
    if ( !gfn )
        return NULL;
    p = hcall_map_foreign(xr->priv, (domid_t)domid, PROT_READ | PROT_WRITE,
                          &frame, NULL, 1);
    xp->how = MAP_FOREIGN;
    return p;
}

static void unmap_ring(struct xenring *xr, struct xenport *xp, void *p)
{
    switch ( xp->how )
    {
    case MAP_GRANT:
        hcall_gntdev_unmap(xr->gnt, p, 1);
        break;
    case MAP_FOREIGN:
        hcall_unmap(xr->priv, p, 1);
        break;
    case MAP_KVA:
        munmap(p, PAGE);
        break;
    }
}

static int xr_attach(struct ring_backend *be, uint32_t domid, uint64_t gfn,
                     uint32_t port, struct ring_port *out)
{
    struct xenring *xr = xr_of(be);
    struct xenport *xp = xzalloc(sizeof(*xp));
    void *page;
    int local, e;

    if ( !port )
    {
        free(xp);
        return -EINVAL;
    }
    page = map_ring(xr, domid, gfn, xp);
    if ( !page )
    {
        e = errno ? errno : EINVAL;
        xlog(3, "domain %u: cannot map its ring: %s", (unsigned)domid,
             strerror(e));
        free(xp);
        return -e;
    }
    xp->ev = hcall_evtchn_open();
    /* Dom0's kernel allocated its port for itself: a loopback binding. */
    local = xp->ev ? hcall_evtchn_bind_interdomain(xp->ev, domid, port) : -1;
    if ( local < 0 )
    {
        e = errno;
        xlog(3, "domain %u: %s", (unsigned)domid,
             xp->ev ? hcall_evtchn_error(xp->ev) : "cannot open evtchn");
        hcall_evtchn_close(xp->ev);
        unmap_ring(xr, xp, page);
        free(xp);
        return -e;
    }
    xp->local = (evtchn_port_t)local;
    fcntl(hcall_evtchn_fd(xp->ev), F_SETFL, O_NONBLOCK);
    out->intf = page;
    out->pollfd = hcall_evtchn_fd(xp->ev);
    out->priv = xp;
    return 0;
}

static void xr_detach(struct ring_backend *be, struct ring_port *p)
{
    struct xenport *xp = p->priv;

    hcall_evtchn_unbind(xp->ev, xp->local);
    hcall_evtchn_close(xp->ev);
    unmap_ring(xr_of(be), xp, p->intf);
    free(xp);
}

static void xr_notify(struct ring_port *p)
{
    struct xenport *xp = p->priv;

    hcall_evtchn_notify(xp->ev, xp->local);
}

static void drain(hcall_evtchn_t *ev)
{
    int port;

    while ( (port = hcall_evtchn_pending(ev)) >= 0 )
        hcall_evtchn_unmask(ev, (evtchn_port_t)port);
}

static void xr_ack(struct ring_port *p)
{
    drain(((struct xenport *)p->priv)->ev);
}

struct ring_backend *xenring_new(void)
{
    struct ring_backend *be;
    struct xenring *xr = xzalloc(sizeof(*xr));

    xr->priv = hcall_open();
    if ( !xr->priv )
    {
        fprintf(stderr, "xenstored: %s\n", hcall_open_error());
        goto fail;
    }
    xr->gnt = hcall_gntdev_open();
    if ( !xr->gnt )
    {
        fprintf(stderr, "xenstored: /dev/xen/gntdev: %s\n", strerror(errno));
        goto fail;
    }
    xr->virq = hcall_evtchn_open();
    if ( !xr->virq || hcall_evtchn_bind_virq(xr->virq, VIRQ_DOM_EXC) < 0 )
    {
        fprintf(stderr, "xenstored: %s\n",
                xr->virq ? hcall_evtchn_error(xr->virq)
                         : "cannot open /dev/xen/evtchn");
        goto fail;
    }
    fcntl(hcall_evtchn_fd(xr->virq), F_SETFL, O_NONBLOCK);
    be = xzalloc(sizeof(*be));
    be->name = "xen";
    be->attach = xr_attach;
    be->detach = xr_detach;
    be->notify = xr_notify;
    be->ack = xr_ack;
    be->ctx = xr;
    return be;
fail:
    hcall_evtchn_close(xr->virq);
    if ( xr->gnt )
        hcall_gntdev_close(xr->gnt);
    if ( xr->priv )
        hcall_close(xr->priv);
    free(xr);
    return NULL;
}

void xenring_free(struct ring_backend *be)
{
    struct xenring *xr;

    if ( !be )
        return;
    xr = xr_of(be);
    hcall_evtchn_close(xr->virq);
    hcall_gntdev_close(xr->gnt);
    hcall_close(xr->priv);
    free(xr);
    free(be);
}

int xenring_connect_dom0(void)
{
    char buf[32] = "";
    unsigned long port;
    char *end;
    int fd = open("/proc/xen/xsd_port", O_RDONLY | O_CLOEXEC);
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

    if ( fd >= 0 )
        close(fd);
    if ( n <= 0 )
        return -errno;
    port = strtoul(buf, &end, 10);
    if ( end == buf || !port )
        return -EINVAL;
    /* The introduction notifies the port: Linux's xenbus_probe wakes. */
    return domain_introduce(0, 0, (uint32_t)port);
}

int xenring_virq_fd(struct ring_backend *be)
{
    return hcall_evtchn_fd(xr_of(be)->virq);
}

void xenring_check_domains(struct ring_backend *be)
{
    struct xenring *xr = xr_of(be);
    struct domain *d, *next;
    bool fire = false;

    drain(xr->virq);
    for ( d = domain_list; d; d = next )
    {
        struct xen_domctl_getdomaininfo info;
        uint32_t domid = d->domid;

        next = d->next;
        if ( domid == 0 )
            continue;
        if ( hcall_domain_getinfo(xr->priv, domid, &info) < 0 ||
             (info.flags & XEN_DOMINF_dying) )
        {
            /* Unmapping the ring lets the dead domain's pages go. */
            domain_release(domid);
            continue;
        }
        if ( (info.flags & XEN_DOMINF_shutdown) && !d->shutdown )
        {
            d->shutdown = true;
            fire = true;
        }
    }
    if ( fire )
        domain_fire_special("@releaseDomain");
}
