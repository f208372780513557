/* SPDX-License-Identifier: GPL-2.0-only */
/* A transaction: a private overlay of the tree, committed atomically. */
#ifndef XSD_TRANSACTION_H
#define XSD_TRANSACTION_H

#include <stdbool.h>
#include <stdint.h>

#include "tree.h"

struct db;

/*
 * One node as the transaction sees it: a copy taken at its first access
 * (see transaction.c), changed in place by the transaction's writes.
 */
struct tnode {
    char *path;
    uint64_t base_gen; /* generation in the tree at first access, 0: absent */
    uint64_t order;    /* creation order inside the transaction */
    uint64_t seen;     /* order of first access, for the commit's events */
    uint64_t gen;      /* the generation the transaction shows */
    bool modified, exists, kids_valid;
    uint8_t *data;
    uint32_t datalen;
    struct xs_perm *perms;
    uint32_t nperms;
    char *kids; /* NUL-separated names, valid if kids_valid */
    uint32_t kidslen;
    uint32_t ev; /* 1 + index of this node's event in txn.ev, 0: none */
};

/* A node in the transaction's view, from the overlay or from the tree. */
struct vnode {
    bool exists;
    const uint8_t *data;
    uint32_t datalen;
    const struct xs_perm *perms;
    uint32_t nperms;
    uint32_t kidslen;
    uint64_t gen;
    struct tnode *t; /* the transaction's copy, if it has one */
};

enum ev_kind {
    EV_CHANGE, /* fires watches on the path and its ancestors */
    EV_EXACT,  /* a removed descendant: fires watches on exactly it */
    EV_RMROOT, /* a removed subtree: ancestors, and watches below it */
};

struct event {
    char *path;
    enum ev_kind kind;
    struct xs_perm *perms; /* the node's ACL (before removal) */
    uint32_t nperms;
    /*
     * An ACL that also lets a watcher hear of the change: the ACL before a
     * SET_PERMS or, in an explicit transaction, the ACL the node had when
     * the transaction first accessed it (as in Xen).
     */
    struct xs_perm *old_perms;
    uint32_t nold;
    /* The parent's ACL: Xen tells a watcher that may read the parent. */
    struct xs_perm *parent_perms;
    uint32_t nparent;
    uint64_t seen; /* explicit transactions: its node's first access */
};

struct owner_delta {
    uint32_t domid;
    int64_t nodes;
};

struct txn {
    uint32_t id;
    struct tree *base;
    struct hmap nodes;
    /*
     * Explicit (client) transactions: every node accessed is copied at its
     * first access and checked at commit. Implicit ones (one request
     * outside a transaction) copy only what they change.
     */
    bool track_reads;
    bool failed; /* a step failed half-way: the commit must not happen */
    uint32_t max_nodes;
    uint64_t order, seen;
    uint64_t gen;
    struct event *ev;
    uint32_t nev, capev;
    struct owner_delta *od;
    uint32_t nod;
};

void txn_init(struct txn *tx, struct tree *base, bool track, uint32_t max);
void txn_destroy(struct txn *tx);

/*
 * Fills v; records the access. -ENOSPC past the node quota, which also
 * fails the transaction (as Xen's does: its commit then gets ENOMEM).
 */
int txn_lookup(struct txn *tx, const char *path, struct vnode *v);
/* Writes the names of v's children, returns their bytes; buf may be NULL. */
uint32_t txn_kids(struct txn *tx, const char *path, const struct vnode *v,
                  char *buf);

/* Mutations; the caller has checked permissions and quotas. */
int txn_set(struct txn *tx, const char *path, const void *data,
            uint32_t datalen, const struct xs_perm *perms, uint32_t nperms);
int txn_create(struct txn *tx, const char *path, const void *data,
               uint32_t datalen, const struct xs_perm *perms, uint32_t nperms);
int txn_remove(struct txn *tx, const char *path);
void txn_event(struct txn *tx, const char *path, enum ev_kind kind,
               const struct xs_perm *perms, uint32_t nperms,
               const struct xs_perm *old, uint32_t nold);
int64_t txn_owner_delta(const struct txn *tx, uint32_t domid);

/*
 * Checks for conflicts (if tracking), persists the changes in one
 * database transaction and applies them to the tree. -EAGAIN on a
 * conflict, -EIO if the database refused; the tree is untouched then.
 * On success tx->ev holds the watch events to fire, in Xen's order.
 */
int txn_commit(struct txn *tx, struct db *db);

#endif
