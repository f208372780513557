/* SPDX-License-Identifier: GPL-2.0-only */
/* Who a request comes from and what a node's ACL grants it. */
#ifndef XSD_PERMS_H
#define XSD_PERMS_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/permstr.h"

struct caller {
    uint32_t domid;
    bool priv;      /* dom0 and socket clients bypass ACLs */
    int32_t target; /* SET_TARGET: acts for this domain too, or -1 */
};

/* Returns the XSP_READ | XSP_WRITE | XSP_OWNER bits granted. */
unsigned perms_access(const struct caller *c, const struct xs_perm *p,
                      unsigned n);
/* Drops the ACL entries naming domid (its domain is gone). */
bool perms_forget_domain(struct xs_perm *p, unsigned n, uint32_t domid);

#endif
