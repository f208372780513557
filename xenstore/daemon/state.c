/* SPDX-License-Identifier: GPL-2.0-only */
/* The daemon's one instance of the store, its database and watch table. */
#include "state.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "../common/xalloc.h"
#include "db.h"
#include "log.h"

struct xsd_state xsd;

struct loaded {
    char *path;
    uint8_t *rec;
    size_t len;
    size_t depth;
    uint64_t seq;
};

struct load_arg {
    struct loaded *v;
    size_t n, cap;
};

static int collect(const char *key, const void *val, size_t len, void *arg)
{
    struct load_arg *a = arg;
    struct node_rec r;

    if ( node_rec_decode(val, len, &r) )
    {
        xlog(LOG_ERR, "dropping undecodable record %s", key);
        return 0;
    }
    if ( a->n == a->cap )
    {
        a->cap = a->cap ? a->cap * 2 : 1024;
        a->v = xrealloc(a->v, a->cap * sizeof(*a->v));
    }
    a->v[a->n].path = xstrdup(key);
    a->v[a->n].rec = xmemdup(val, len);
    a->v[a->n].len = len;
    a->v[a->n].depth = key[0] == '/' ? path_depth(key) : 0;
    a->v[a->n].seq = r.seq;
    a->n++;
    return 0;
}

static int cmp_loaded(const void *x, const void *y)
{
    const struct loaded *a = x, *b = y;

    if ( a->depth != b->depth )
        return a->depth < b->depth ? -1 : 1;
    if ( a->seq != b->seq )
        return a->seq < b->seq ? -1 : 1;
    return strcmp(a->path, b->path);
}

static struct node *insert(const struct loaded *l)
{
    struct node_rec r;
    struct xs_perm *perms;
    struct node *parent = NULL, *n;
    uint32_t i;

    node_rec_decode(l->rec, l->len, &r);
    if ( l->path[0] == '/' && l->path[1] )
    {
        char *pp = xstrdup(l->path);
        char *s = strrchr(pp, '/');

        if ( s == pp )
            s[1] = 0;
        else
            *s = 0;
        parent = tree_get(&xsd.tree, pp);
        free(pp);
        if ( !parent )
            return NULL;
    }
    perms = xmalloc(r.nperms * sizeof(*perms));
    for ( i = 0; i < r.nperms; i++ )
        node_rec_perm(&r, i, &perms[i]);
    n = tree_add(&xsd.tree, parent, l->path, r.data, r.datalen, perms, r.nperms,
                 r.seq);
    free(perms);
    return n;
}

static int add_initial(const char *path)
{
    static const struct xs_perm none = {0, XSP_NONE};
    struct node *parent = NULL;
    uint8_t *rec;
    size_t len;
    int rc;

    if ( tree_get(&xsd.tree, path) )
        return 0;
    if ( !strcmp(path, "/tool") )
        parent = tree_get(&xsd.tree, "/");
    else if ( !strcmp(path, "/tool/xenstored") )
        parent = tree_get(&xsd.tree, "/tool");
    len = node_rec_encode(xsd.tree.seq + 1, &none, 1, NULL, 0, &rec);
    rc = db_put(xsd.db, path, rec, len);
    free(rec);
    if ( !rc )
        tree_add(&xsd.tree, parent, path, NULL, 0, &none, 1, xsd.tree.seq + 1);
    return rc;
}

static int initial_nodes(void)
{
    bool fresh = !tree_get(&xsd.tree, "/");
    int rc = db_begin(xsd.db);

    if ( rc )
        return rc;
    rc = add_initial("/");
    if ( !rc && fresh )
        rc = add_initial("/tool");
    if ( !rc && fresh )
        rc = add_initial("/tool/xenstored");
    if ( !rc )
        rc = add_initial("@introduceDomain");
    if ( !rc )
        rc = add_initial("@releaseDomain");
    if ( rc )
    {
        db_abort(xsd.db);
        return rc;
    }
    return db_commit(xsd.db);
}

int state_load(void)
{
    struct load_arg a = {NULL, 0, 0};
    size_t i, orphans = 0;
    int rc;

    tree_init(&xsd.tree);
    rc = db_iterate(xsd.db, collect, &a);
    if ( rc )
        return rc;
    if ( a.n )
        qsort(a.v, a.n, sizeof(*a.v), cmp_loaded);
    for ( i = 0; i < a.n; i++ )
    {
        if ( !insert(&a.v[i]) )
        {
            /* A node whose parent is gone cannot be reached: drop it. */
            orphans++;
            if ( !db_begin(xsd.db) && !db_delete(xsd.db, a.v[i].path) )
                db_commit(xsd.db);
        }
        free(a.v[i].path);
        free(a.v[i].rec);
    }
    free(a.v);
    if ( orphans )
        xlog(LOG_WARNING, "dropped %zu unreachable records", orphans);
    return initial_nodes();
}

void state_fini(void)
{
    tree_free(&xsd.tree);
    db_close(xsd.db);
    xsd.db = NULL;
}
