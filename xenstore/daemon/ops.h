/* SPDX-License-Identifier: GPL-2.0-only */
/* The store's operations under Xen's permission and quota rules. */
#ifndef XSD_OPS_H
#define XSD_OPS_H

#include <stdbool.h>
#include <stdint.h>

#include "perms.h"
#include "transaction.h"

struct opctx {
    struct txn *tx;
    const struct caller *who;
};

/*
 * Makes a client's path absolute (relative ones live under the caller's
 * /local/domain/N) and checks syntax and length. Returns a malloc'd path
 * or NULL with *err set to -EINVAL.
 */
char *ops_canon(const struct caller *who, const char *in, bool special,
                int *err);

int ops_read(struct opctx *c, const char *path, struct vnode *out);
/* *buf is malloc'd, the names each followed by a NUL. */
int ops_directory(struct opctx *c, const char *path, char **buf, uint32_t *len,
                  uint64_t *gen);
int ops_get_perms(struct opctx *c, const char *path, struct vnode *out);
int ops_write(struct opctx *c, const char *path, const void *data,
              uint32_t len);
int ops_mkdir(struct opctx *c, const char *path);
int ops_rm(struct opctx *c, const char *path);
int ops_set_perms(struct opctx *c, const char *path,
                  const struct xs_perm *perms, uint32_t n);

#endif
