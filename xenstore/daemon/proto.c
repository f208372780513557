/* SPDX-License-Identifier: GPL-2.0-only */
/* The wire protocol: validating each request and dispatching it. */
#include <errno.h> /* before xs_wire.h, for its table of error names */

#include "proto.h"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"
#include "conn.h"
#include "control.h"
#include "domain.h"
#include "ops.h"
#include "quota.h"
#include "state.h"

const char *proto_errstr(int err)
{
    size_t i;

    for ( i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++ )
        if ( xsd_errors[i].errnum == -err )
            return xsd_errors[i].errstring;
    /* Xen sends what it cannot name as EINVAL. */
    return "EINVAL";
}

void proto_error(struct conn *c, const struct xsd_sockmsg *hdr, int err)
{
    const char *s = proto_errstr(err);

    conn_reply(c, XS_ERROR, hdr->req_id, hdr->tx_id, s,
               (uint32_t)strlen(s) + 1);
}

void proto_reply(struct conn *c, const struct xsd_sockmsg *hdr,
                 const void *data, uint32_t len)
{
    if ( len > XENSTORE_PAYLOAD_MAX )
        proto_error(c, hdr, -E2BIG);
    else
        conn_reply(c, hdr->type, hdr->req_id, hdr->tx_id, data, len);
}

static void ack(struct conn *c, const struct xsd_sockmsg *hdr)
{
    proto_reply(c, hdr, "OK", 3);
}

void proto_fire_events(struct txn *tx)
{
    uint32_t i;

    for ( i = 0; i < tx->nev; i++ )
        watch_fire(&xsd.watches, &tx->ev[i]);
}

/* The payload is exactly one string: returns it, or NULL. */
static const char *onearg(const char *p, uint32_t len)
{
    if ( !len || memchr(p, 0, len) != p + len - 1 )
        return NULL;
    return p;
}

/* Fills up to n string pointers; returns how many strings there are. */
static unsigned strings(const char *p, uint32_t len, const char **v, unsigned n)
{
    unsigned i = 0;
    uint32_t off = 0;

    while ( off < len )
    {
        const char *nul = memchr(p + off, 0, len - off);

        if ( !nul )
            break;
        if ( i < n )
            v[i] = p + off;
        i++;
        off = (uint32_t)(nul - p) + 1;
    }
    return i;
}

struct req {
    struct conn *c;
    const struct xsd_sockmsg *hdr;
    const char *path;
    const char *data;
    uint32_t len;
    const struct xs_perm *perms;
    uint32_t nperms;
};

typedef int (*opfn)(struct opctx *ctx, struct req *r);

/* Runs fn in the client's transaction, or in one of its own. */
static int run_op(struct req *r, struct conn_tx *t, opfn fn, bool mutates)
{
    struct opctx ctx = {NULL, &r->c->who};
    struct txn tx;
    int rc;

    if ( t )
    {
        uint64_t g = t->tx.gen;

        ctx.tx = &t->tx;
        rc = fn(&ctx, r);
        /* A half-done change cannot be undone: the commit must fail. */
        if ( rc && t->tx.gen != g )
            t->tx.failed = true;
        return rc;
    }
    txn_init(&tx, &xsd.tree, false, UINT32_MAX);
    ctx.tx = &tx;
    rc = fn(&ctx, r);
    if ( !rc && mutates )
        rc = txn_commit(&tx, xsd.db);
    if ( !rc && mutates )
        proto_fire_events(&tx);
    txn_destroy(&tx);
    return rc;
}

static int op_read(struct opctx *ctx, struct req *r)
{
    struct vnode v;
    int rc = ops_read(ctx, r->path, &v);

    if ( !rc )
        proto_reply(r->c, r->hdr, v.data, v.datalen);
    return rc;
}

static int op_directory(struct opctx *ctx, struct req *r)
{
    char *buf;
    uint32_t len;
    uint64_t gen;
    int rc = ops_directory(ctx, r->path, &buf, &len, &gen);

    if ( !rc )
        proto_reply(r->c, r->hdr, buf, len);
    if ( !rc )
        free(buf);
    return rc;
}

static int op_directory_part(struct opctx *ctx, struct req *r)
{
    char gen[24], *buf, *out;
    uint32_t len, off = (uint32_t)strtoul(r->data, NULL, 10), n = 0, glen;
    uint64_t g;
    int rc = ops_directory(ctx, r->path, &buf, &len, &g);

    if ( rc )
        return rc;
    glen = (uint32_t)snprintf(gen, sizeof(gen), "%" PRIu64, g) + 1;
    out = xmalloc(XENSTORE_PAYLOAD_MAX + 1);
    memcpy(out, gen, glen);
    if ( off < len )
    {
        /* Whole names only, as many as fit after the generation. */
        uint32_t max = XENSTORE_PAYLOAD_MAX - glen - 1;

        while ( off + n < len && n + strlen(buf + off + n) < max )
            n += (uint32_t)strlen(buf + off + n) + 1;
        memcpy(out + glen, buf + off, n);
    }
    /* An empty name marks the end of the list. */
    if ( off + n >= len )
        out[glen + n++] = 0;
    proto_reply(r->c, r->hdr, out, glen + n);
    free(out);
    free(buf);
    return 0;
}

static int op_get_perms(struct opctx *ctx, struct req *r)
{
    struct vnode v;
    char *buf;
    uint32_t i, len = 0;
    int rc = ops_get_perms(ctx, r->path, &v);

    if ( rc )
        return rc;
    buf = xmalloc(v.nperms * 12 + 1);
    for ( i = 0; i < v.nperms; i++ )
        len += (uint32_t)perm_format(&v.perms[i], buf + len);
    proto_reply(r->c, r->hdr, buf, len);
    free(buf);
    return 0;
}

static int op_write(struct opctx *ctx, struct req *r)
{
    return ops_write(ctx, r->path, r->data, r->len);
}

static int op_mkdir(struct opctx *ctx, struct req *r)
{
    return ops_mkdir(ctx, r->path);
}

static int op_rm(struct opctx *ctx, struct req *r)
{
    return ops_rm(ctx, r->path);
}

static int op_set_perms(struct opctx *ctx, struct req *r)
{
    return ops_set_perms(ctx, r->path, r->perms, r->nperms);
}

/* READ, DIRECTORY, GET_PERMS, MKDIR, RM: one path argument. */
static int do_path_op(struct conn *c, const struct xsd_sockmsg *h,
                      const char *p, struct conn_tx *t)
{
    struct req r = {c, h, NULL, NULL, 0, NULL, 0};
    bool special = h->type == XS_GET_PERMS;
    char *path;
    opfn fn;
    int rc;

    path = ops_canon(&c->who, onearg(p, h->len), special, &rc);
    if ( !path )
        return rc;
    r.path = path;
    switch ( h->type )
    {
    case XS_READ:
        fn = op_read;
        break;
    case XS_DIRECTORY:
        fn = op_directory;
        break;
    case XS_GET_PERMS:
        fn = op_get_perms;
        break;
    case XS_MKDIR:
        fn = op_mkdir;
        break;
    default:
        fn = op_rm;
        break;
    }
    rc = run_op(&r, t, fn, h->type == XS_MKDIR || h->type == XS_RM);
    if ( !rc && (h->type == XS_MKDIR || h->type == XS_RM) )
        ack(c, h);
    free(path);
    return rc;
}

static int do_directory_part(struct conn *c, const struct xsd_sockmsg *h,
                             const char *p, struct conn_tx *t)
{
    struct req r = {c, h, NULL, NULL, 0, NULL, 0};
    const char *v[2];
    char *path;
    int rc;

    if ( strings(p, h->len, v, 2) != 2 )
        return -EINVAL;
    path = ops_canon(&c->who, v[0], false, &rc);
    if ( !path )
        return rc;
    r.path = path;
    r.data = v[1];
    rc = run_op(&r, t, op_directory_part, false);
    free(path);
    return rc;
}

static int do_write(struct conn *c, const struct xsd_sockmsg *h, const char *p,
                    struct conn_tx *t)
{
    struct req r = {c, h, NULL, NULL, 0, NULL, 0};
    const char *nul = memchr(p, 0, h->len);
    char *path;
    int rc;

    if ( !nul )
        return -EINVAL;
    path = ops_canon(&c->who, p, false, &rc);
    if ( !path )
        return rc;
    r.path = path;
    r.data = nul + 1;
    r.len = h->len - (uint32_t)(nul + 1 - p);
    rc = run_op(&r, t, op_write, true);
    if ( !rc )
        ack(c, h);
    free(path);
    return rc;
}

static int do_set_perms(struct conn *c, const struct xsd_sockmsg *h,
                        const char *p, struct conn_tx *t)
{
    struct req r = {c, h, NULL, NULL, 0, NULL, 0};
    unsigned n = strings(p, h->len, NULL, 0), i;
    struct xs_perm *perms;
    const char *s;
    char *path;
    int rc = 0;

    if ( n < 2 )
        return -EINVAL;
    perms = xmalloc((n - 1) * sizeof(*perms));
    for ( i = 0, s = p + strlen(p) + 1; !rc && i < n - 1;
          i++, s += strlen(s) + 1 )
        rc = perm_parse(s, &perms[i]);
    path = rc ? NULL : ops_canon(&c->who, p, true, &rc);
    if ( path )
    {
        r.path = path;
        r.perms = perms;
        r.nperms = n - 1;
        rc = run_op(&r, t, op_set_perms, true);
        if ( !rc )
            ack(c, h);
    }
    free(path);
    free(perms);
    return rc;
}

static int do_watch(struct conn *c, const struct xsd_sockmsg *h, const char *p,
                    struct conn_tx *t)
{
    const char *v[2];
    uint32_t strip;
    char *path;
    int rc;

    (void)t;
    if ( strings(p, h->len, v, 2) != 2 )
        return -EINVAL;
    path = ops_canon(&c->who, v[0], true, &rc);
    if ( !path )
        return rc;
    strip = (v[0][0] != '/' && v[0][0] != '@')
                ? (uint32_t)(strlen(path) - strlen(v[0]))
                : 0;
    if ( h->type == XS_UNWATCH )
        rc = watch_del(&c->watches, path, v[1]);
    else if ( c->who.priv ? (c->watches.n >= PRIV_MAX_WATCHES ||
                             c->watches.bytes >= PRIV_MAX_WATCH_BYTES)
                          : quota_exceeded(Q_WATCHES, c->watches.n + 1) )
        rc = -E2BIG;
    else
        rc = watch_add(&c->watches, path, v[1], strip);
    free(path);
    if ( rc )
        return rc;
    ack(c, h);
    /* Every new watch fires once at once, so clients need not poll. */
    if ( h->type == XS_WATCH )
        conn_event(c, v[0], v[1]);
    return 0;
}

static int do_tx_start(struct conn *c, const struct xsd_sockmsg *h,
                       const char *p, struct conn_tx *t)
{
    char buf[16];
    uint32_t max = c->who.priv ? PRIV_MAX_TRANS : quotas[Q_TRANS].val;

    (void)p;
    if ( t )
        return -EBUSY;
    /*
     * Xen compares the number already open with the quota, so a guest may
     * hold one more than the quota says; guests written for Xen may rely
     * on that, so the count is the same here.
     */
    if ( c->who.priv ? c->ntx >= max : quota_exceeded(Q_TRANS, c->ntx) )
        return -ENOSPC;
    while ( !c->next_txid || conn_find_tx(c, c->next_txid) )
        c->next_txid++;
    c->tx = xrealloc(c->tx, (c->ntx + 1) * sizeof(*c->tx));
    t = &c->tx[c->ntx++];
    t->id = c->next_txid++;
    txn_init(&t->tx, &xsd.tree, true,
             c->who.priv ? UINT32_MAX : quotas[Q_TRANS_NODES].val);
    t->tx.id = t->id;
    proto_reply(c, h, buf,
                (uint32_t)snprintf(buf, sizeof(buf), "%u", t->id) + 1);
    return 0;
}

static int commit_tx(struct conn *c, struct conn_tx *t)
{
    uint32_t i;

    if ( t->tx.failed )
        return -ENOMEM;
    for ( i = 0; !c->who.priv && i < t->tx.nod; i++ )
    {
        const struct owner_acc *a = tree_owner(&xsd.tree, t->tx.od[i].domid);
        int64_t n = (int64_t)a->nodes + t->tx.od[i].nodes;

        if ( t->tx.od[i].nodes > 0 && quota_exceeded(Q_NODES, (uint64_t)n) )
            return -ENOSPC;
    }
    return txn_commit(&t->tx, xsd.db);
}

static int do_tx_end(struct conn *c, const struct xsd_sockmsg *h, const char *p,
                     struct conn_tx *t)
{
    const char *arg = onearg(p, h->len);
    int rc = 0;

    /* Xen checks the argument first: a bad one is EINVAL even without t. */
    if ( !arg || (strcmp(arg, "T") && strcmp(arg, "F")) )
        return -EINVAL;
    if ( !t )
        return -ENOENT;
    if ( !strcmp(arg, "T") )
        rc = commit_tx(c, t);
    if ( !rc && !strcmp(arg, "T") )
        proto_fire_events(&t->tx);
    conn_drop_tx(c, t);
    if ( !rc )
        ack(c, h);
    return rc;
}

static int domid_arg(const char *s, uint32_t *domid)
{
    char *end;
    unsigned long v;

    if ( !s || !*s )
        return -EINVAL;
    v = strtoul(s, &end, 10);
    if ( *end || v > XSP_DOMID_MAX )
        return -EINVAL;
    *domid = (uint32_t)v;
    return 0;
}

static int do_domain(struct conn *c, const struct xsd_sockmsg *h, const char *p,
                     struct conn_tx *t)
{
    const char *v[3];
    uint32_t d, d2 = 0, port;
    char buf[40];
    int rc;

    (void)t;
    if ( h->type == XS_INTRODUCE || h->type == XS_SET_TARGET )
    {
        unsigned want = h->type == XS_INTRODUCE ? 3 : 2;

        if ( strings(p, h->len, v, 3) < want )
            return -EINVAL;
        rc = domid_arg(v[0], &d);
        if ( !rc && h->type == XS_SET_TARGET )
            rc = domid_arg(v[1], &d2);
        if ( rc )
            return rc;
        if ( h->type == XS_SET_TARGET )
            rc = domain_set_target(d, d2);
        else
        {
            port = (uint32_t)strtoul(v[2], NULL, 10);
            rc = port ? domain_introduce(d, strtoull(v[1], NULL, 10), port)
                      : -EINVAL;
        }
    }
    else
    {
        rc = domid_arg(onearg(p, h->len), &d);
        if ( rc )
            return rc;
        switch ( h->type )
        {
        case XS_GET_DOMAIN_PATH:
            snprintf(buf, sizeof(buf), "/local/domain/%u", (unsigned)d);
            proto_reply(c, h, buf, (uint32_t)strlen(buf) + 1);
            return 0;
        case XS_IS_DOMAIN_INTRODUCED:
            proto_reply(c, h, domain_is_introduced(d) ? "T" : "F", 2);
            return 0;
        case XS_RELEASE:
            rc = domain_release(d);
            break;
        default:
            rc = domain_resume(d);
            break;
        }
    }
    if ( !rc && !c->dead )
        ack(c, h);
    return rc;
}

static int do_reset_watches(struct conn *c, const struct xsd_sockmsg *h,
                            const char *p, struct conn_tx *t)
{
    (void)p;
    (void)t;
    while ( c->ntx )
        conn_drop_tx(c, &c->tx[c->ntx - 1]);
    watch_clear(&c->watches);
    ack(c, h);
    return 0;
}

static int do_control(struct conn *c, const struct xsd_sockmsg *h,
                      const char *p, struct conn_tx *t)
{
    (void)t;
    return control_handle(c, h, p);
}

#define F_PRIV  1u /* dom0 only */
#define F_NOTID 2u /* the tx_id field is ignored */

static const struct {
    int (*fn)(struct conn *, const struct xsd_sockmsg *, const char *,
              struct conn_tx *);
    unsigned flags;
} handlers[XS_TYPE_COUNT] = {
    [XS_CONTROL] = {do_control, F_PRIV},
    [XS_DIRECTORY] = {do_path_op, 0},
    [XS_READ] = {do_path_op, 0},
    [XS_GET_PERMS] = {do_path_op, 0},
    [XS_WATCH] = {do_watch, F_NOTID},
    [XS_UNWATCH] = {do_watch, F_NOTID},
    [XS_TRANSACTION_START] = {do_tx_start, 0},
    [XS_TRANSACTION_END] = {do_tx_end, 0},
    [XS_INTRODUCE] = {do_domain, F_PRIV},
    [XS_RELEASE] = {do_domain, F_PRIV},
    [XS_GET_DOMAIN_PATH] = {do_domain, 0},
    [XS_WRITE] = {do_write, 0},
    [XS_MKDIR] = {do_path_op, 0},
    [XS_RM] = {do_path_op, 0},
    [XS_SET_PERMS] = {do_set_perms, 0},
    [XS_IS_DOMAIN_INTRODUCED] = {do_domain, F_PRIV},
    [XS_RESUME] = {do_domain, F_PRIV},
    [XS_SET_TARGET] = {do_domain, F_PRIV},
    [XS_RESET_WATCHES] = {do_reset_watches, 0},
    [XS_DIRECTORY_PART] = {do_directory_part, 0},
};

void proto_handle(struct conn *c, const struct xsd_sockmsg *hdr,
                  const char *payload)
{
    struct conn_tx *t = NULL;
    int rc;

    if ( hdr->type >= XS_TYPE_COUNT || !handlers[hdr->type].fn )
    {
        proto_error(c, hdr, -ENOSYS);
        return;
    }
    if ( (handlers[hdr->type].flags & F_PRIV) && !c->who.priv )
    {
        proto_error(c, hdr, -EACCES);
        return;
    }
    if ( !(handlers[hdr->type].flags & F_NOTID) && hdr->tx_id )
    {
        t = conn_find_tx(c, hdr->tx_id);
        if ( !t )
        {
            proto_error(c, hdr, -ENOENT);
            return;
        }
    }
    rc = handlers[hdr->type].fn(c, hdr, payload, t);
    if ( rc )
        proto_error(c, hdr, rc);
}
