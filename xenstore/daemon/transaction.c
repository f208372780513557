/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A transaction: a private overlay of the tree, committed atomically.
 *
 * Every change to the store runs in a struct txn. A request outside a
 * client's transaction gets an implicit one that lives for that request
 * only; TRANSACTION_START makes an explicit one that lives until
 * TRANSACTION_END. Both keep, per path, a struct tnode in tx->nodes: the
 * transaction's own copy of that node (value, ACL, child names, whether
 * it exists). Reads look there first and fall back to the committed tree.
 *
 * The view. Xen's clients expect an explicit transaction to see the
 * store as it was when the transaction first touched each node, plus its
 * own changes: read a node, let another client change it, read it again
 * in the same transaction, and the first value comes back. So in an
 * explicit transaction the first access to a path, a read included,
 * copies the node into the overlay (or records that it is absent), and
 * every later access, a directory listing or a permission check as much
 * as a read, is answered from that copy. Nodes never touched are read
 * from the tree: they are copied when first touched, so the view is
 * fixed per node, not as one snapshot of the whole store (as in Xen).
 * Implicit transactions see the tree as it is: nothing else can change
 * it while one request runs, so they copy only the nodes they change.
 *
 * Conflicts. The tree gives each node a generation, bumped on every
 * change to it, its child list included, and never reused. A tnode
 * remembers the generation the node had at first access (0: absent).
 * The commit of an explicit transaction compares them all with the tree;
 * any difference means another client changed something this transaction
 * relied on, and the commit fails with EAGAIN without changing anything:
 * the client redoes the transaction. This is optimistic concurrency as in
 * Xen's xenstored: nothing is locked, reads and writes of other clients
 * never wait, and only the transaction that lost the race retries. As in
 * Xen, every node read is checked, not only the ones written.
 *
 * The commit. The changed tnodes are sorted parents first (and in
 * creation order among siblings, which is the order DIRECTORY lists),
 * written to the database in one tdb transaction, and only when that has
 * succeeded applied to the in-memory tree. A failure in the database
 * leaves both untouched. A half-done request inside an explicit
 * transaction (say, a quota hit after some nodes were created) cannot be
 * undone in the overlay, so it marks the transaction failed instead and
 * its commit is refused, as Xen refuses it with ENOMEM.
 *
 * Watch events are collected during the transaction (tx->ev) and fired
 * by the caller after a successful commit only. In an explicit
 * transaction each path gets at most one event, as in Xen: a later change
 * to the same path merges into it (a non-exact event wins over an exact
 * one), and the events go out in the order their nodes were first
 * accessed. A watcher that may not read the node hears of the change if
 * it may read the node's parent, or (explicit transactions) the node as
 * the transaction first saw it, as in Xen.
 *
 * Generations shown to clients for nodes changed in the overlay (in
 * DIRECTORY_PART's generation string) have the top bit set, so they never
 * equal a generation of the tree.
 */
#include "transaction.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"
#include "db.h"

/* Generations shown for overlay nodes never collide with the tree's. */
#define TX_GEN_BIT (1ULL << 63)

void txn_init(struct txn *tx, struct tree *base, bool track, uint32_t max)
{
    memset(tx, 0, sizeof(*tx));
    tx->base = base;
    tx->track_reads = track;
    tx->max_nodes = max;
    hmap_init(&tx->nodes);
}

static void tn_clear(struct tnode *t)
{
    free(t->data);
    free(t->perms);
    free(t->kids);
    t->data = NULL;
    t->perms = NULL;
    t->kids = NULL;
    t->datalen = t->nperms = t->kidslen = 0;
}

void txn_destroy(struct txn *tx)
{
    size_t it = 0;
    void *v;
    uint32_t i;

    while ( hmap_next(&tx->nodes, &it, NULL, &v) )
    {
        struct tnode *t = v;

        tn_clear(t);
        free(t->path);
        free(t);
    }
    hmap_free(&tx->nodes);
    for ( i = 0; i < tx->nev; i++ )
    {
        free(tx->ev[i].path);
        free(tx->ev[i].perms);
        free(tx->ev[i].old_perms);
        free(tx->ev[i].parent_perms);
    }
    free(tx->ev);
    free(tx->od);
    memset(tx, 0, sizeof(*tx));
}

/* Copies the tree's child names of b (if any) into t. */
static void copy_kids(struct tnode *t, const struct node *b)
{
    t->kids_valid = true;
    if ( b && b->kidslen )
    {
        t->kids = xmalloc(b->kidslen);
        t->kidslen = (uint32_t)node_kids_packed(b, t->kids);
    }
}

/*
 * The transaction's node for path, made at its first access: a copy of
 * the committed node, or a record that it is absent, with the generation
 * the commit checks. Child names are copied at once in an explicit
 * transaction (they are part of the view), on demand in an implicit one.
 */
static int tn_get(struct txn *tx, const char *path, struct tnode **out)
{
    struct tnode *t = hmap_get(&tx->nodes, path);
    struct node *b;

    if ( t )
    {
        *out = t;
        return 0;
    }
    if ( tx->nodes.len >= tx->max_nodes )
    {
        tx->failed = true;
        return -ENOSPC;
    }
    t = xzalloc(sizeof(*t));
    t->path = xstrdup(path);
    t->seen = ++tx->seen;
    b = tree_get(tx->base, path);
    if ( b )
    {
        t->exists = true;
        t->base_gen = t->gen = b->gen;
        t->data = b->datalen ? xmemdup(b->data, b->datalen) : NULL;
        t->datalen = b->datalen;
        t->perms = xmemdup(b->perms, b->nperms * sizeof(*b->perms));
        t->nperms = b->nperms;
    }
    if ( tx->track_reads )
        copy_kids(t, b);
    if ( hmap_put(&tx->nodes, t->path, t) )
        abort();
    *out = t;
    return 0;
}

static void ensure_kids(struct txn *tx, struct tnode *t)
{
    if ( !t->kids_valid )
        copy_kids(t, tree_get(tx->base, t->path));
}

int txn_lookup(struct txn *tx, const char *path, struct vnode *v)
{
    struct tnode *t = hmap_get(&tx->nodes, path);
    struct node *b;
    int rc;

    memset(v, 0, sizeof(*v));
    if ( !t && tx->track_reads )
    {
        rc = tn_get(tx, path, &t);
        if ( rc )
            return rc;
    }
    if ( t )
    {
        v->t = t;
        v->exists = t->exists;
        v->data = t->data;
        v->datalen = t->datalen;
        v->perms = t->perms;
        v->nperms = t->nperms;
        v->gen = t->gen;
        if ( t->kids_valid )
            v->kidslen = t->kidslen;
        else if ( (b = tree_get(tx->base, path)) )
            v->kidslen = b->kidslen;
        return 0;
    }
    /* An implicit transaction reads what it has not changed in place. */
    b = tree_get(tx->base, path);
    if ( b )
    {
        v->exists = true;
        v->data = b->data;
        v->datalen = b->datalen;
        v->perms = b->perms;
        v->nperms = b->nperms;
        v->kidslen = b->kidslen;
        v->gen = b->gen;
    }
    return 0;
}

uint32_t txn_kids(struct txn *tx, const char *path, const struct vnode *v,
                  char *buf)
{
    struct node *b;

    if ( v->t && v->t->kids_valid )
    {
        if ( buf && v->t->kidslen )
            memcpy(buf, v->t->kids, v->t->kidslen);
        return v->t->kidslen;
    }
    b = tree_get(tx->base, path);
    if ( !b )
        return 0;
    if ( buf )
        node_kids_packed(b, buf);
    return b->kidslen;
}

static void owner_add(struct txn *tx, uint32_t domid, int64_t d)
{
    uint32_t i;

    for ( i = 0; i < tx->nod; i++ )
        if ( tx->od[i].domid == domid )
        {
            tx->od[i].nodes += d;
            return;
        }
    tx->od = xrealloc(tx->od, (tx->nod + 1) * sizeof(*tx->od));
    tx->od[tx->nod].domid = domid;
    tx->od[tx->nod++].nodes = d;
}

int64_t txn_owner_delta(const struct txn *tx, uint32_t domid)
{
    uint32_t i;

    for ( i = 0; i < tx->nod; i++ )
        if ( tx->od[i].domid == domid )
            return tx->od[i].nodes;
    return 0;
}

static void set_state(struct txn *tx, struct tnode *t, const void *data,
                      uint32_t datalen, const struct xs_perm *perms,
                      uint32_t nperms)
{
    if ( data != t->data )
    {
        free(t->data);
        t->data = datalen ? xmemdup(data, datalen) : NULL;
    }
    t->datalen = datalen;
    if ( perms != t->perms )
    {
        free(t->perms);
        t->perms = xmemdup(perms, nperms * sizeof(*perms));
    }
    t->nperms = nperms;
    t->gen = TX_GEN_BIT | ++tx->gen;
}

int txn_set(struct txn *tx, const char *path, const void *data,
            uint32_t datalen, const struct xs_perm *perms, uint32_t nperms)
{
    struct tnode *t;
    int rc = tn_get(tx, path, &t);

    if ( rc )
        return rc;
    if ( !t->exists )
        return -ENOENT;
    t->modified = true;
    if ( t->perms[0].domid != perms[0].domid )
    {
        owner_add(tx, t->perms[0].domid, -1);
        owner_add(tx, perms[0].domid, 1);
    }
    set_state(tx, t, data, datalen, perms, nperms);
    return 0;
}

static int parent_kids_edit(struct txn *tx, const char *path, bool add)
{
    char *pp = path_parent(path);
    const char *base = strrchr(path, '/') + 1;
    uint32_t bl = (uint32_t)strlen(base) + 1, off;
    struct tnode *p;
    int rc;

    if ( !pp )
        return 0;
    rc = tn_get(tx, pp, &p);
    free(pp);
    if ( rc )
        return rc;
    p->modified = true;
    ensure_kids(tx, p);
    p->gen = TX_GEN_BIT | ++tx->gen;
    if ( add )
    {
        p->kids = xrealloc(p->kids, p->kidslen + bl);
        memcpy(p->kids + p->kidslen, base, bl);
        p->kidslen += bl;
        return 0;
    }
    for ( off = 0; off < p->kidslen;
          off += (uint32_t)strlen(p->kids + off) + 1 )
        if ( !strcmp(p->kids + off, base) )
        {
            memmove(p->kids + off, p->kids + off + bl, p->kidslen - off - bl);
            p->kidslen -= bl;
            break;
        }
    return 0;
}

int txn_create(struct txn *tx, const char *path, const void *data,
               uint32_t datalen, const struct xs_perm *perms, uint32_t nperms)
{
    struct tnode *t;
    int rc = tn_get(tx, path, &t);

    if ( rc )
        return rc;
    if ( t->exists )
        return -EEXIST;
    t->modified = true;
    t->exists = true;
    tn_clear(t);
    t->kids_valid = true;
    t->order = ++tx->order;
    set_state(tx, t, data, datalen, perms, nperms);
    owner_add(tx, perms[0].domid, 1);
    return parent_kids_edit(tx, path, true);
}

static int remove_rec(struct txn *tx, const char *path, bool root)
{
    struct vnode v;
    struct tnode *t;
    char *kids, *k;
    uint32_t kl;
    int rc = txn_lookup(tx, path, &v);

    if ( rc || !v.exists )
        return rc;
    kl = txn_kids(tx, path, &v, NULL);
    kids = xmalloc(kl + 1);
    txn_kids(tx, path, &v, kids);
    for ( k = kids; !rc && k < kids + kl; k += strlen(k) + 1 )
    {
        size_t pl = strlen(path);
        char *cp = xmalloc(pl + strlen(k) + 2);

        strcpy(cp, path);
        if ( strcmp(path, "/") )
            cp[pl++] = '/';
        strcpy(cp + pl, k);
        rc = remove_rec(tx, cp, false);
        free(cp);
    }
    free(kids);
    if ( rc )
        return rc;
    rc = tn_get(tx, path, &t);
    if ( rc )
        return rc;
    t->modified = true;
    txn_event(tx, path, root ? EV_RMROOT : EV_EXACT, t->perms, t->nperms, NULL,
              0);
    owner_add(tx, t->perms[0].domid, -1);
    t->exists = false;
    tn_clear(t);
    t->kids_valid = true;
    t->gen = TX_GEN_BIT | ++tx->gen;
    return 0;
}

int txn_remove(struct txn *tx, const char *path)
{
    int rc = remove_rec(tx, path, true);

    return rc ? rc : parent_kids_edit(tx, path, false);
}

static void ev_set_perms(struct event *e, const struct xs_perm *perms,
                         uint32_t nperms, const struct xs_perm *old,
                         uint32_t nold)
{
    e->perms = perms ? xmemdup(perms, nperms * sizeof(*perms)) : NULL;
    e->nperms = perms ? nperms : 0;
    e->old_perms = old ? xmemdup(old, nold * sizeof(*old)) : NULL;
    e->nold = old ? nold : 0;
}

/*
 * The ACL of path as the transaction sees it now, without recording an
 * access (that would make the parent a source of conflicts): NULL if the
 * node is absent.
 */
static const struct xs_perm *peek_perms(struct txn *tx, const char *path,
                                        uint32_t *n)
{
    struct tnode *t = hmap_get(&tx->nodes, path);
    struct node *b;

    if ( t )
    {
        *n = t->nperms;
        return t->exists ? t->perms : NULL;
    }
    b = tree_get(tx->base, path);
    *n = b ? b->nperms : 0;
    return b ? b->perms : NULL;
}

/*
 * A second change to a path in one transaction: still one event, checked
 * against the node's last ACL (the one the commit leaves).
 */
static void ev_merge(struct event *e, enum ev_kind kind,
                     const struct xs_perm *perms, uint32_t nperms,
                     const struct xs_perm *old, uint32_t nold)
{
    if ( kind == EV_RMROOT || (kind == EV_CHANGE && e->kind == EV_EXACT) )
        e->kind = kind;
    if ( perms )
    {
        free(e->perms);
        e->perms = xmemdup(perms, nperms * sizeof(*perms));
        e->nperms = nperms;
    }
    /* Whoever could read the node before any of the changes hears of it. */
    if ( old && !e->old_perms )
    {
        e->old_perms = xmemdup(old, nold * sizeof(*old));
        e->nold = nold;
    }
}

void txn_event(struct txn *tx, const char *path, enum ev_kind kind,
               const struct xs_perm *perms, uint32_t nperms,
               const struct xs_perm *old, uint32_t nold)
{
    struct tnode *t = tx->track_reads ? hmap_get(&tx->nodes, path) : NULL;
    const struct xs_perm *pp = NULL;
    uint32_t np = 0;
    struct event *e;
    char *parent;

    if ( t && t->ev )
    {
        ev_merge(&tx->ev[t->ev - 1], kind, perms, nperms, old, nold);
        return;
    }
    if ( tx->nev == tx->capev )
    {
        tx->capev = tx->capev ? tx->capev * 2 : 4;
        tx->ev = xrealloc(tx->ev, tx->capev * sizeof(*tx->ev));
    }
    e = &tx->ev[tx->nev++];
    e->path = xstrdup(path);
    e->kind = kind;
    e->seen = t ? t->seen : 0;
    ev_set_perms(e, perms, nperms, old, nold);
    parent = path_parent(path);
    if ( parent )
        pp = peek_perms(tx, parent, &np);
    e->parent_perms = pp ? xmemdup(pp, np * sizeof(*pp)) : NULL;
    e->nparent = pp ? np : 0;
    free(parent);
    if ( t )
        t->ev = tx->nev;
}

/*
 * Xen lets a watcher hear of a transaction's change if it could read the
 * node as the transaction first saw it. With no conflict found, the tree
 * still holds exactly that, so the commit takes it from there.
 */
static void first_acls(struct txn *tx)
{
    uint32_t i;

    for ( i = 0; i < tx->nev; i++ )
    {
        struct event *e = &tx->ev[i];
        struct node *b = tree_get(tx->base, e->path);

        if ( b && !e->old_perms )
        {
            e->old_perms = xmemdup(b->perms, b->nperms * sizeof(*b->perms));
            e->nold = b->nperms;
        }
    }
}

static int cmp_event(const void *a, const void *b)
{
    const struct event *x = a, *y = b;

    return x->seen < y->seen ? -1 : x->seen > y->seen;
}

/* Removed and created again: the tree's node is replaced, not updated. */
static bool recreated(const struct tnode *t)
{
    return t->order && t->base_gen;
}

static int cmp_tnode(const void *a, const void *b)
{
    const struct tnode *x = *(struct tnode *const *)a;
    const struct tnode *y = *(struct tnode *const *)b;
    size_t dx = path_depth(x->path), dy = path_depth(y->path);

    if ( dx != dy )
        return dx < dy ? -1 : 1;
    if ( x->order != y->order )
        return x->order < y->order ? -1 : 1;
    return strcmp(x->path, y->path);
}

static int persist(struct txn *tx, struct db *db, struct tnode **m, size_t n,
                   uint64_t *seqs)
{
    size_t i;
    int rc = db_begin(db);

    for ( i = 0; !rc && i < n; i++ )
    {
        struct node *b = tree_get(tx->base, m[i]->path);

        if ( m[i]->exists )
        {
            uint8_t *rec;
            size_t len;

            seqs[i] = (b && !recreated(m[i])) ? b->seq : ++tx->base->seq;
            len = node_rec_encode(seqs[i], m[i]->perms, m[i]->nperms,
                                  m[i]->data, m[i]->datalen, &rec);
            rc = db_put(db, m[i]->path, rec, len);
            free(rec);
        }
        else if ( b )
            rc = db_delete(db, m[i]->path);
    }
    if ( rc )
    {
        db_abort(db);
        return -EIO;
    }
    return db_commit(db) ? -EIO : 0;
}

static void apply(struct txn *tx, struct tnode **m, size_t n,
                  const uint64_t *seqs)
{
    size_t i;

    for ( i = 0; i < n; i++ )
    {
        struct node *b;

        if ( m[i]->exists && !recreated(m[i]) )
            continue;
        if ( (b = tree_get(tx->base, m[i]->path)) )
            tree_remove(tx->base, b);
    }
    for ( i = 0; i < n; i++ )
    {
        struct node *b;
        char *pp;

        if ( !m[i]->exists )
            continue;
        if ( (b = tree_get(tx->base, m[i]->path)) )
        {
            tree_set(tx->base, b, m[i]->data, m[i]->datalen, m[i]->perms,
                     m[i]->nperms);
            continue;
        }
        pp = path_parent(m[i]->path);
        tree_add(tx->base, pp ? tree_get(tx->base, pp) : NULL, m[i]->path,
                 m[i]->data, m[i]->datalen, m[i]->perms, m[i]->nperms, seqs[i]);
        free(pp);
    }
}

int txn_commit(struct txn *tx, struct db *db)
{
    struct tnode **m = xmalloc((tx->nodes.len + 1) * sizeof(*m));
    uint64_t *seqs;
    size_t it = 0, n = 0;
    void *v;
    int rc = 0;

    while ( hmap_next(&tx->nodes, &it, NULL, &v) )
    {
        struct tnode *t = v;
        struct node *b = tree_get(tx->base, t->path);

        /* Optimistic concurrency: anything we saw must be unchanged. */
        if ( tx->track_reads && (b ? b->gen : 0) != t->base_gen )
            rc = -EAGAIN;
        if ( t->modified )
            m[n++] = t;
    }
    if ( rc || !n )
    {
        free(m);
        return rc;
    }
    if ( tx->track_reads )
        first_acls(tx);
    qsort(m, n, sizeof(*m), cmp_tnode);
    seqs = xzalloc(n * sizeof(*seqs));
    rc = persist(tx, db, m, n, seqs);
    if ( !rc )
        apply(tx, m, n, seqs);
    /* Xen fires a transaction's events in the order of first access. */
    if ( !rc && tx->track_reads )
        qsort(tx->ev, tx->nev, sizeof(*tx->ev), cmp_event);
    free(seqs);
    free(m);
    return rc;
}
