/* SPDX-License-Identifier: GPL-2.0-only */
/* The store's operations under Xen's permission and quota rules. */
#include "ops.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/wire.h"

#include "../common/xalloc.h"
#include "quota.h"

char *ops_canon(const struct caller *who, const char *in, bool special,
                int *err)
{
    char prefix[32];
    unsigned dom, off = 0;
    char *p;

    *err = -EINVAL;
    if ( !in )
        return NULL;
    if ( in[0] == '@' )
    {
        if ( !special || strlen(in) > XENSTORE_REL_PATH_MAX )
            return NULL;
        p = xstrdup(in);
        p[0] = '/';
        if ( !path_valid(p) )
        {
            free(p);
            return NULL;
        }
        p[0] = '@';
        return p;
    }
    if ( in[0] == '/' )
        p = xstrdup(in);
    else
    {
        snprintf(prefix, sizeof(prefix), "/local/domain/%u/",
                 (unsigned)who->domid);
        p = xmalloc(strlen(prefix) + strlen(in) + 1);
        strcpy(p, prefix);
        strcat(p, in);
    }
    if ( !path_valid(p) || strlen(p) > XENSTORE_ABS_PATH_MAX )
    {
        free(p);
        return NULL;
    }
    /* The path-length quota counts from the domain's home directory. */
    if ( sscanf(p, "/local/domain/%5u/%n", &dom, &off) != 1 )
        off = 0;
    if ( !who->priv && quota_exceeded(Q_PATH_MAX, strlen(p) - off) )
    {
        free(p);
        return NULL;
    }
    *err = 0;
    return p;
}

/* The nearest existing ancestor, as the transaction sees it. */
static int nearest(struct opctx *c, const char *path, struct vnode *v,
                   char **where)
{
    char *p = path_parent(path);
    int rc;

    while ( p )
    {
        char *up;

        rc = txn_lookup(c->tx, p, v);
        if ( rc )
        {
            free(p);
            return rc;
        }
        if ( v->exists )
        {
            if ( where )
                *where = p;
            else
                free(p);
            return 0;
        }
        up = path_parent(p);
        free(p);
        p = up;
    }
    return -ENOENT;
}

/*
 * Xen's rule: a missing node reads as ENOENT only if the caller could
 * have seen it in its nearest ancestor; otherwise EACCES hides it.
 */
static int get_node(struct opctx *c, const char *path, unsigned perm,
                    struct vnode *v)
{
    struct vnode a;
    int ok, rc = txn_lookup(c->tx, path, v);

    if ( rc )
        return rc;
    if ( v->exists )
    {
        unsigned got = perms_access(c->who, v->perms, v->nperms);

        if ( (got & perm) == perm )
            return 0;
        rc = -EACCES;
    }
    else
        rc = -ENOENT;
    a.perms = NULL;
    ok = nearest(c, path, &a, NULL);
    if ( ok )
        return ok == -ENOENT ? -EACCES : ok;
    if ( !(perms_access(c->who, a.perms, a.nperms) & perm) )
        return -EACCES;
    return rc;
}

int ops_read(struct opctx *c, const char *path, struct vnode *out)
{
    return get_node(c, path, XSP_READ, out);
}

int ops_get_perms(struct opctx *c, const char *path, struct vnode *out)
{
    return get_node(c, path, XSP_READ, out);
}

int ops_directory(struct opctx *c, const char *path, char **buf, uint32_t *len,
                  uint64_t *gen)
{
    struct vnode v;
    int rc = get_node(c, path, XSP_READ, &v);

    if ( rc )
        return rc;
    *len = txn_kids(c->tx, path, &v, NULL);
    *buf = xmalloc(*len + 1);
    txn_kids(c->tx, path, &v, *buf);
    *gen = v.gen;
    return 0;
}

static int check_size(struct opctx *c, uint32_t nperms, uint32_t datalen,
                      uint32_t kidslen)
{
    if ( c->who->priv )
        return 0;
    return quota_exceeded(Q_NODE_SIZE, node_acc_size(nperms, datalen, kidslen))
               ? -ENOSPC
               : 0;
}

static int check_owner(struct opctx *c, uint32_t domid, uint32_t nodes,
                       uint64_t bytes)
{
    const struct owner_acc *a = tree_owner(c->tx->base, domid);
    int64_t n = (int64_t)a->nodes + txn_owner_delta(c->tx, domid) + nodes;

    if ( c->who->priv )
        return 0;
    if ( quota_exceeded(Q_NODES, n < 0 ? 0 : (uint64_t)n) ||
         quota_exceeded(Q_MEMORY, a->bytes + bytes) )
        return -ENOSPC;
    return 0;
}

/* Creates path and its missing parents; new nodes inherit the ACL. */
static int create_chain(struct opctx *c, const char *path, const void *data,
                        uint32_t len)
{
    struct vnode a;
    struct xs_perm *perms;
    char *anc, *p, *s, *first;
    uint32_t missing = 0;
    int rc = nearest(c, path, &a, &anc);

    if ( rc )
        return rc;
    p = xstrdup(path);
    first = p + strlen(anc) + (strcmp(anc, "/") ? 1 : 0);
    for ( s = first; *s; s++ )
        if ( *s == '/' )
            missing++;
    missing++;
    perms = xmemdup(a.perms, a.nperms * sizeof(*perms));
    if ( !c->who->priv )
        perms[0].domid = c->who->domid;
    rc = check_owner(c, perms[0].domid, missing,
                     node_acc_size(a.nperms, len, 0) * missing);
    if ( !rc )
        rc = check_size(c, a.nperms, len, 0);
    if ( !rc )
        rc = check_size(c, a.nperms, a.datalen,
                        a.kidslen + (uint32_t)strcspn(first, "/") + 1);
    /* Create top-down: each prefix of path that is longer than anc. */
    for ( s = first; !rc; s++ )
    {
        char save;

        if ( *s && *s != '/' )
            continue;
        save = *s;
        *s = 0;
        rc = txn_create(c->tx, p, save ? NULL : data, save ? 0 : len, perms,
                        a.nperms);
        *s = save;
        if ( !save )
            break;
    }
    if ( !rc )
        txn_event(c->tx, path, EV_CHANGE, perms, a.nperms, NULL, 0);
    free(p);
    free(perms);
    free(anc);
    return rc;
}

int ops_write(struct opctx *c, const char *path, const void *data, uint32_t len)
{
    struct vnode v;
    struct xs_perm *perms;
    int rc;

    if ( path[0] == '@' )
        return -EINVAL;
    rc = get_node(c, path, XSP_WRITE, &v);
    if ( rc == -ENOENT )
        return create_chain(c, path, data, len);
    if ( rc )
        return rc;
    rc = check_size(c, v.nperms, len, v.kidslen);
    if ( rc )
        return rc;
    perms = xmemdup(v.perms, v.nperms * sizeof(*perms));
    rc = txn_set(c->tx, path, data, len, perms, v.nperms);
    if ( !rc )
        txn_event(c->tx, path, EV_CHANGE, perms, v.nperms, NULL, 0);
    free(perms);
    return rc;
}

int ops_mkdir(struct opctx *c, const char *path)
{
    struct vnode v;
    int rc;

    if ( path[0] == '@' )
        return -EINVAL;
    rc = get_node(c, path, XSP_WRITE, &v);
    if ( rc == -ENOENT )
        return create_chain(c, path, NULL, 0);
    return rc;
}

int ops_rm(struct opctx *c, const char *path)
{
    struct vnode v;
    char *pp;
    int rc;

    if ( path[0] == '@' )
        return -EINVAL;
    rc = get_node(c, path, XSP_WRITE, &v);
    if ( rc == -ENOENT )
    {
        /* Removing a missing node is fine if its parent exists. */
        pp = path_parent(path);
        rc = pp ? txn_lookup(c->tx, pp, &v) : -ENOENT;
        free(pp);
        if ( rc )
            return rc;
        return v.exists ? 0 : -ENOENT;
    }
    if ( rc )
        return rc;
    if ( !strcmp(path, "/") )
        return -EINVAL;
    return txn_remove(c->tx, path);
}

int ops_set_perms(struct opctx *c, const char *path,
                  const struct xs_perm *perms, uint32_t n)
{
    struct vnode v;
    struct xs_perm *old;
    uint8_t *data;
    int rc;

    if ( !c->who->priv && quota_exceeded(Q_NODE_PERMS, n) )
        return -ENOSPC;
    rc = get_node(c, path, XSP_WRITE | XSP_OWNER, &v);
    if ( rc )
        return rc;
    /* Only privileged callers may give a node away. */
    if ( !c->who->priv && perms[0].domid != v.perms[0].domid )
        return -EPERM;
    rc = check_size(c, n, v.datalen, v.kidslen);
    if ( rc )
        return rc;
    old = xmemdup(v.perms, v.nperms * sizeof(*old));
    data = v.datalen ? xmemdup(v.data, v.datalen) : NULL;
    rc = txn_set(c->tx, path, data, v.datalen, perms, n);
    if ( !rc )
        txn_event(c->tx, path, EV_CHANGE, perms, n, old, v.nperms);
    free(data);
    free(old);
    return rc;
}
