/* SPDX-License-Identifier: GPL-2.0-only */
/* Who a request comes from and what a node's ACL grants it. */
#include "perms.h"

static bool is_me(const struct caller *c, uint32_t domid)
{
    return domid == c->domid ||
           (c->target >= 0 && domid == (uint32_t)c->target);
}

unsigned perms_access(const struct caller *c, const struct xs_perm *p,
                      unsigned n)
{
    const unsigned all = XSP_READ | XSP_WRITE | XSP_OWNER;
    unsigned i;

    if ( c->priv || !n || is_me(c, p[0].domid) )
        return all;
    /* The first matching ACL entry wins; entry 0 is everyone else. */
    for ( i = 1; i < n; i++ )
        if ( !(p[i].perms & XSP_IGNORE) && is_me(c, p[i].domid) )
            return p[i].perms & (XSP_READ | XSP_WRITE);
    return p[0].perms & (XSP_READ | XSP_WRITE);
}

bool perms_forget_domain(struct xs_perm *p, unsigned n, uint32_t domid)
{
    bool changed = false;
    unsigned i;

    /*
     * Marking rather than deleting keeps GET_PERMS output stable while
     * stopping a later domain that reuses the id from inheriting access.
     */
    for ( i = 1; i < n; i++ )
        if ( p[i].domid == domid && !(p[i].perms & XSP_IGNORE) )
        {
            p[i].perms |= XSP_IGNORE;
            changed = true;
        }
    return changed;
}
