/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The committed node tree held in memory, and a node's stored record.
 *
 * The tree is the store as every client outside a transaction sees it,
 * and it answers every read: the database (db.c) is written through on
 * each commit and read back only when the daemon starts (state.c). Nodes
 * are found by full path in one hash map; each also links to its parent
 * and lists its children in creation order, which is the order Xen's
 * DIRECTORY reports them in. "/" and the @special names have no parent.
 *
 * Two counters with different jobs:
 *  - gen: the tree's generation, incremented on every change and copied
 *    to the node changed (adding or removing a child changes the parent).
 *    It is never reused, not even after a node is removed and created
 *    again, so "same generation" means "unchanged since": transactions
 *    rely on that to detect conflicts (see transaction.c). It lives in
 *    memory only; a restart disconnects every client and with them every
 *    open transaction.
 *  - seq: the node's creation order, stored in its record, so that a
 *    restart rebuilds each child list in the order it had (tdb keeps no
 *    order of its own).
 *
 * Each node is accounted to its owner (perms[0].domid) with Xen's size
 * formula (node_acc_size), so the nodes and memory quotas of a domain are
 * a lookup, not a walk.
 *
 * The record (the database value; the path is the key) is a little-endian
 * header of magic, seq, number of ACL entries and value length, then the
 * ACL and the value. Child names are not stored: they follow from the
 * paths.
 */
#include "tree.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"

#define REC_MAGIC   0x584e3101u /* "XN1" and a version byte */
#define REC_HDR_LEN 20u

void tree_init(struct tree *t)
{
    memset(t, 0, sizeof(*t));
    hmap_init(&t->map);
}

static void acc_add(struct tree *t, const struct node *n, int sign)
{
    uint32_t d = n->perms[0].domid;
    size_t sz = node_acc_size(n->nperms, n->datalen, n->kidslen);

    if ( d >= t->nacc )
    {
        uint32_t nn = d + 64;

        t->acc = xrealloc(t->acc, nn * sizeof(*t->acc));
        memset(t->acc + t->nacc, 0, (nn - t->nacc) * sizeof(*t->acc));
        t->nacc = nn;
    }
    t->acc[d].nodes += (uint32_t)sign;
    t->acc[d].bytes += (uint64_t)(sign * (int64_t)sz);
}

static void node_free(struct node *n)
{
    free(n->kids);
    free(n->data);
    free(n->perms);
    free(n);
}

void tree_free(struct tree *t)
{
    size_t it = 0;
    void *v;

    while ( hmap_next(&t->map, &it, NULL, &v) )
        node_free(v);
    hmap_free(&t->map);
    free(t->acc);
    memset(t, 0, sizeof(*t));
}

struct node *tree_get(const struct tree *t, const char *path)
{
    return hmap_get(&t->map, path);
}

const char *node_basename(const struct node *n)
{
    const char *s = strrchr(n->path, '/');

    return s ? s + 1 : n->path;
}

size_t node_acc_size(uint32_t nperms, uint32_t datalen, uint32_t kidslen)
{
    return 16 + (size_t)nperms * 8 + datalen + kidslen;
}

size_t node_kids_packed(const struct node *n, char *buf)
{
    size_t off = 0;
    uint32_t i;

    for ( i = 0; i < n->nkids; i++ )
    {
        const char *b = node_basename(n->kids[i]);
        size_t l = strlen(b) + 1;

        memcpy(buf + off, b, l);
        off += l;
    }
    return off;
}

static void kid_link(struct tree *t, struct node *p, struct node *k)
{
    acc_add(t, p, -1);
    if ( p->nkids == p->capkids )
    {
        p->capkids = p->capkids ? p->capkids * 2 : 4;
        p->kids = xrealloc(p->kids, p->capkids * sizeof(*p->kids));
    }
    p->kids[p->nkids++] = k;
    p->kidslen += (uint32_t)strlen(node_basename(k)) + 1;
    p->gen = ++t->gen;
    acc_add(t, p, 1);
}

static void kid_unlink(struct tree *t, struct node *p, struct node *k)
{
    uint32_t i;

    for ( i = 0; i < p->nkids && p->kids[i] != k; i++ )
        ;
    if ( i == p->nkids )
        return;
    acc_add(t, p, -1);
    memmove(p->kids + i, p->kids + i + 1,
            (p->nkids - i - 1) * sizeof(*p->kids));
    p->nkids--;
    p->kidslen -= (uint32_t)strlen(node_basename(k)) + 1;
    p->gen = ++t->gen;
    acc_add(t, p, 1);
}

struct node *tree_add(struct tree *t, struct node *parent, const char *path,
                      const void *data, uint32_t datalen,
                      const struct xs_perm *perms, uint32_t nperms,
                      uint64_t seq)
{
    size_t pl = strlen(path) + 1;
    struct node *n = xzalloc(sizeof(*n) + pl);

    memcpy(n->path, path, pl);
    n->data = datalen ? xmemdup(data, datalen) : NULL;
    n->datalen = datalen;
    n->perms = xmemdup(perms, nperms * sizeof(*perms));
    n->nperms = nperms;
    n->seq = seq;
    if ( seq > t->seq )
        t->seq = seq;
    n->gen = ++t->gen;
    n->parent = parent;
    if ( hmap_put(&t->map, n->path, n) )
        abort();
    t->nnodes++;
    acc_add(t, n, 1);
    if ( parent )
        kid_link(t, parent, n);
    return n;
}

void tree_set(struct tree *t, struct node *n, const void *data,
              uint32_t datalen, const struct xs_perm *perms, uint32_t nperms)
{
    acc_add(t, n, -1);
    if ( data != n->data )
    {
        free(n->data);
        n->data = datalen ? xmemdup(data, datalen) : NULL;
    }
    n->datalen = datalen;
    if ( perms != n->perms )
    {
        free(n->perms);
        n->perms = xmemdup(perms, nperms * sizeof(*perms));
    }
    n->nperms = nperms;
    n->gen = ++t->gen;
    acc_add(t, n, 1);
}

static void remove_below(struct tree *t, struct node *n)
{
    uint32_t i;

    for ( i = 0; i < n->nkids; i++ )
        remove_below(t, n->kids[i]);
    acc_add(t, n, -1);
    hmap_del(&t->map, n->path);
    t->nnodes--;
    node_free(n);
}

void tree_remove(struct tree *t, struct node *n)
{
    if ( n->parent )
        kid_unlink(t, n->parent, n);
    remove_below(t, n);
}

const struct owner_acc *tree_owner(const struct tree *t, uint32_t domid)
{
    static const struct owner_acc none;

    return domid < t->nacc ? &t->acc[domid] : &none;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

size_t node_rec_encode(uint64_t seq, const struct xs_perm *perms,
                       uint32_t nperms, const void *data, uint32_t datalen,
                       uint8_t **out)
{
    size_t len = REC_HDR_LEN + (size_t)nperms * 8 + datalen;
    uint8_t *b = xmalloc(len), *p;
    uint32_t i;

    put32(b, REC_MAGIC);
    put32(b + 4, (uint32_t)seq);
    put32(b + 8, (uint32_t)(seq >> 32));
    put32(b + 12, nperms);
    put32(b + 16, datalen);
    p = b + REC_HDR_LEN;
    for ( i = 0; i < nperms; i++, p += 8 )
    {
        put32(p, perms[i].domid);
        put32(p + 4, perms[i].perms);
    }
    if ( datalen )
        memcpy(p, data, datalen);
    *out = b;
    return len;
}

int node_rec_decode(const void *buf, size_t len, struct node_rec *rec)
{
    const uint8_t *b = buf;

    if ( len < REC_HDR_LEN || get32(b) != REC_MAGIC )
        return -EINVAL;
    rec->seq = get32(b + 4) | (uint64_t)get32(b + 8) << 32;
    rec->nperms = get32(b + 12);
    rec->datalen = get32(b + 16);
    if ( rec->nperms < 1 || rec->nperms > 4096 || rec->datalen > 65536 ||
         len != REC_HDR_LEN + (size_t)rec->nperms * 8 + rec->datalen )
        return -EINVAL;
    rec->perms_raw = b + REC_HDR_LEN;
    rec->data = rec->perms_raw + (size_t)rec->nperms * 8;
    return 0;
}

void node_rec_perm(const struct node_rec *rec, uint32_t i, struct xs_perm *p)
{
    p->domid = get32(rec->perms_raw + i * 8);
    p->perms = get32(rec->perms_raw + i * 8 + 4);
}

bool path_valid(const char *path)
{
    const char *p;

    if ( path[0] != '/' )
        return false;
    if ( !path[1] )
        return true;
    for ( p = path; *p; p++ )
    {
        char c = *p;

        if ( c == '/' )
        {
            if ( p[1] == '/' || !p[1] )
                return false;
            continue;
        }
        if ( !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
               (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '@') )
            return false;
    }
    return true;
}

bool path_is_child(const char *child, const char *parent)
{
    size_t pl = strlen(parent);

    if ( !strcmp(parent, "/") )
        return child[0] == '/';
    return !strncmp(child, parent, pl) && (child[pl] == '/' || !child[pl]);
}

char *path_parent(const char *path)
{
    const char *s = strrchr(path, '/');
    char *p;

    if ( path[0] != '/' || !path[1] )
        return NULL;
    if ( s == path )
        return xstrdup("/");
    p = xmemdup(path, (size_t)(s - path) + 1);
    p[s - path] = 0;
    return p;
}

size_t path_depth(const char *path)
{
    size_t d = 0;

    if ( !strcmp(path, "/") )
        return 0;
    for ( ; *path; path++ )
        if ( *path == '/' )
            d++;
    return d;
}
