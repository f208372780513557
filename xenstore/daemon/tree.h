/* SPDX-License-Identifier: GPL-2.0-only */
/* The committed node tree held in memory, and a node's stored record. */
#ifndef XSD_TREE_H
#define XSD_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/hmap.h"
#include "../common/permstr.h"

struct node {
    struct node *parent; /* NULL for "/" and the @special nodes */
    struct node **kids;  /* in creation order, as Xen lists them */
    uint32_t nkids, capkids;
    uint32_t kidslen; /* bytes of the NUL-separated child names */
    uint32_t datalen;
    uint8_t *data;
    struct xs_perm *perms;
    uint32_t nperms;
    uint64_t gen; /* bumped on every change, kids included */
    uint64_t seq; /* creation order, persisted */
    char path[];
};

struct owner_acc {
    uint32_t nodes;
    uint64_t bytes;
};

struct tree {
    struct hmap map;
    uint64_t gen;
    uint64_t seq;
    struct owner_acc *acc; /* indexed by owner domid */
    uint32_t nacc;
    size_t nnodes;
};

void tree_init(struct tree *t);
void tree_free(struct tree *t);
struct node *tree_get(const struct tree *t, const char *path);
/* Appends a new child of parent (NULL for roots); copies data and perms. */
struct node *tree_add(struct tree *t, struct node *parent, const char *path,
                      const void *data, uint32_t datalen,
                      const struct xs_perm *perms, uint32_t nperms,
                      uint64_t seq);
void tree_set(struct tree *t, struct node *n, const void *data,
              uint32_t datalen, const struct xs_perm *perms, uint32_t nperms);
/* Removes n and everything below it. */
void tree_remove(struct tree *t, struct node *n);
const struct owner_acc *tree_owner(const struct tree *t, uint32_t domid);

const char *node_basename(const struct node *n);
/* Xen's accounting size: header, ACL, value and child names. */
size_t node_acc_size(uint32_t nperms, uint32_t datalen, uint32_t kidslen);
/* Children as the wire lists them: names each followed by a NUL. */
size_t node_kids_packed(const struct node *n, char *buf);

struct node_rec {
    uint64_t seq;
    uint32_t nperms;
    uint32_t datalen;
    const uint8_t *perms_raw;
    const uint8_t *data;
};

/* The stored form of a node (its path is the database key). */
size_t node_rec_encode(uint64_t seq, const struct xs_perm *perms,
                       uint32_t nperms, const void *data, uint32_t datalen,
                       uint8_t **out);
int node_rec_decode(const void *buf, size_t len, struct node_rec *rec);
void node_rec_perm(const struct node_rec *rec, uint32_t i, struct xs_perm *p);

/* Path syntax: "/" or /-separated names of [A-Za-z0-9_@-]. */
bool path_valid(const char *path);
/* Is child equal to or below parent? */
bool path_is_child(const char *child, const char *parent);
size_t path_depth(const char *path);
/* The parent of an absolute path, malloc'd; NULL for "/" and @names. */
char *path_parent(const char *path);

#endif
