/* SPDX-License-Identifier: GPL-2.0-only */
/* Introduced domains: their ring connections and their lifecycle. */
#include "domain.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"
#include "conn.h"
#include "log.h"
#include "proto.h"
#include "state.h"
#include "watch.h"

#define DOMID_SELF_VAL   0x7FF0u
#define DOMID_FIRST_RSVD 0x7FF0u

struct domain *domain_list;

struct domain *domain_find(uint32_t domid)
{
    struct domain *d;

    for ( d = domain_list; d; d = d->next )
        if ( d->domid == domid )
            return d;
    return NULL;
}

bool domain_is_introduced(uint32_t domid)
{
    /* dom0 is always there: its tools reach us over the socket. */
    return domid == 0 || domid == DOMID_SELF_VAL || domain_find(domid);
}

void domain_fire_special(const char *name)
{
    struct node *n = tree_get(&xsd.tree, name);
    struct event ev = {
        .path = (char *)name,
        .kind = EV_CHANGE,
        .perms = n ? n->perms : NULL,
        .nperms = n ? n->nperms : 0,
    };

    watch_fire(&xsd.watches, &ev);
}

static void wake(struct domain *d)
{
    struct xenstore_domain_interface *intf = d->port.intf;

    if ( intf->connection == XENSTORE_RECONNECT )
        intf->connection = XENSTORE_CONNECTED;
    if ( ring_backend )
        ring_backend->notify(&d->port);
}

int domain_introduce(uint32_t domid, uint64_t gfn, uint32_t port)
{
    struct domain *d = domain_find(domid);
    int rc;

    if ( domid >= DOMID_FIRST_RSVD )
        return -EINVAL;
    if ( d )
    {
        /* Re-introduction (resume, restore): start the ring afresh. */
        struct xenstore_domain_interface *intf = d->port.intf;

        conn_reset(d->conn);
        d->conn->dead = d->conn->proto_error = false;
        d->ignored = false;
        intf->req_cons = intf->req_prod = intf->rsp_cons = intf->rsp_prod = 0;
        intf->error = XENSTORE_ERROR_NONE;
        d->evtchn = port;
        wake(d);
        return 0;
    }
    if ( !ring_backend )
        return -EINVAL;
    d = xzalloc(sizeof(*d));
    d->domid = domid;
    d->evtchn = port;
    rc = ring_backend->attach(ring_backend, domid, gfn, port, &d->port);
    if ( rc )
    {
        free(d);
        return rc;
    }
    d->conn = ring_conn_new(d);
    d->next = domain_list;
    domain_list = d;
    xlog(6, "introduced domain %u", (unsigned)domid);
    domain_fire_special("@introduceDomain");
    wake(d);
    return 0;
}

/* Is an ancestor of n owned by domid as well? Then n goes with it. */
static bool owned_above(const struct node *n, uint32_t domid)
{
    for ( n = n->parent; n; n = n->parent )
        if ( n->perms[0].domid == domid )
            return true;
    return false;
}

static void fix_node(struct txn *tx, struct node *n, uint32_t domid)
{
    struct xs_perm *p = xmemdup(n->perms, n->nperms * sizeof(*p));
    bool changed = perms_forget_domain(p, n->nperms, domid);

    if ( p[0].domid == domid && (xsd.keep_orphans || n->path[0] == '@') )
    {
        p[0].domid = 0;
        changed = true;
    }
    if ( changed )
        txn_set(tx, n->path, n->data, n->datalen, p, n->nperms);
    free(p);
}

/* The domain is gone: its nodes go too, and ACL entries naming it. */
static void forget_domain(uint32_t domid)
{
    struct txn tx;
    char **rm = NULL;
    size_t nrm = 0, it = 0, i;
    void *v;

    txn_init(&tx, &xsd.tree, false, UINT32_MAX);
    while ( hmap_next(&xsd.tree.map, &it, NULL, &v) )
    {
        struct node *n = v;

        if ( n->perms[0].domid == domid && n->path[0] == '/' &&
             !xsd.keep_orphans && !owned_above(n, domid) )
        {
            rm = xrealloc(rm, (nrm + 1) * sizeof(*rm));
            rm[nrm++] = xstrdup(n->path);
        }
        else
            fix_node(&tx, n, domid);
    }
    for ( i = 0; i < nrm; i++ )
    {
        struct vnode vn;

        if ( !txn_lookup(&tx, rm[i], &vn) && vn.exists )
            txn_remove(&tx, rm[i]);
        free(rm[i]);
    }
    free(rm);
    if ( txn_commit(&tx, xsd.db) )
        xlog(3, "could not remove the nodes of domain %u", (unsigned)domid);
    else
        proto_fire_events(&tx);
    txn_destroy(&tx);
}

int domain_release(uint32_t domid)
{
    struct domain *d = domain_find(domid), **pp;

    if ( domid == 0 )
        return -EINVAL;
    if ( !d )
        return -ENOENT;
    for ( pp = &domain_list; *pp != d; pp = &(*pp)->next )
        ;
    *pp = d->next;
    /* Its watches must not hear of its own nodes going away. */
    conn_retire(d->conn);
    if ( ring_backend )
        ring_backend->detach(ring_backend, &d->port);
    free(d);
    forget_domain(domid);
    xlog(6, "released domain %u", (unsigned)domid);
    domain_fire_special("@releaseDomain");
    return 0;
}

int domain_resume(uint32_t domid)
{
    struct domain *d = domain_find(domid);

    if ( domid == 0 )
        return -EINVAL;
    if ( !d )
        return -ENOENT;
    d->shutdown = false;
    return 0;
}

int domain_set_target(uint32_t domid, uint32_t tdomid)
{
    struct domain *d = domain_find(domid);

    if ( !d || !domain_find(tdomid) )
        return -ENOENT;
    d->conn->who.target = (int32_t)tdomid;
    return 0;
}

void domain_release_all(void)
{
    while ( domain_list )
    {
        struct domain *d = domain_list;

        domain_list = d->next;
        conn_free(d->conn);
        if ( ring_backend )
            ring_backend->detach(ring_backend, &d->port);
        free(d);
    }
}
