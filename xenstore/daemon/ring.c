/* SPDX-License-Identifier: GPL-2.0-only */
/* The shared-ring transport: a guest's connection over its ring page. */
#include "ring.h"

#include <errno.h>

#include "../common/ringbuf.h"
#include "conn.h"
#include "domain.h"
#include "log.h"

struct ring_backend *ring_backend;

static struct domain *dom_of(struct conn *c)
{
    return c->dom;
}

static ssize_t ring_read(struct conn *c, void *buf, size_t len)
{
    struct domain *d = dom_of(c);
    ssize_t n = ring_srv_read(d->port.intf, buf, len);

    if ( n < 0 )
        d->port.intf->error = XENSTORE_ERROR_RINGIDX;
    else if ( n > 0 )
        d->kick = true;
    return n;
}

static ssize_t ring_write(struct conn *c, const void *buf, size_t len)
{
    struct domain *d = dom_of(c);
    ssize_t n = ring_srv_write(d->port.intf, buf, len);

    if ( n < 0 )
        d->port.intf->error = XENSTORE_ERROR_RINGIDX;
    else if ( n > 0 )
        d->kick = true;
    return n;
}

static const struct conn_ops ring_ops = {ring_read, ring_write, NULL};

struct conn *ring_conn_new(struct domain *d)
{
    struct caller who = {d->domid, d->domid == 0, -1};
    struct conn *c = conn_new(&ring_ops, -1, &who);

    c->dom = d;
    d->port.intf->server_features |=
        XENSTORE_SERVER_FEATURE_RECONNECTION | XENSTORE_SERVER_FEATURE_ERROR;
    return c;
}

static void reconnect(struct conn *c)
{
    struct xenstore_domain_interface *intf = c->dom->port.intf;

    /* The guest asked for a clean slate on a packet boundary. */
    conn_reset(c);
    c->dead = false;
    c->proto_error = false;
    intf->req_cons = intf->req_prod = 0;
    intf->rsp_cons = intf->rsp_prod = 0;
    intf->error = XENSTORE_ERROR_NONE;
    __atomic_store_n(&intf->connection, XENSTORE_CONNECTED, __ATOMIC_RELEASE);
    c->dom->kick = true;
}

void ring_service(struct conn *c)
{
    struct domain *d = c->dom;
    struct xenstore_domain_interface *intf = d->port.intf;

    if ( __atomic_load_n(&intf->connection, __ATOMIC_ACQUIRE) ==
         XENSTORE_RECONNECT )
        reconnect(c);
    if ( !c->dead )
    {
        conn_pump_in(c);
        if ( !conn_pump_out(c) )
            c->dead = true;
        /* Replies may have freed room for more requests. */
        if ( !c->dead && ring_srv_can_read(intf) )
            conn_pump_in(c);
        if ( !c->dead && !conn_pump_out(c) )
            c->dead = true;
    }
    if ( c->dead && !intf->error )
        intf->error =
            c->proto_error ? XENSTORE_ERROR_PROTO : XENSTORE_ERROR_COMM;
    if ( c->dead && !d->ignored )
    {
        /* Like Xen: stop talking to the domain but keep it known. */
        xlog(4, "domain %u: connection ignored (error %u)", (unsigned)d->domid,
             (unsigned)intf->error);
        d->ignored = true;
        conn_reset(c);
        d->kick = true;
    }
    if ( !c->dead )
        d->ignored = false;
    if ( d->kick && ring_backend )
        ring_backend->notify(&d->port);
    d->kick = false;
}
