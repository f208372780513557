/* SPDX-License-Identifier: GPL-2.0-only */
/* Permission entries and their wire form ("r5", "b0", "n7", "w3"). */
#ifndef XS_PERMSTR_H
#define XS_PERMSTR_H

#include <stddef.h>
#include <stdint.h>

/* Bit values as Xen's libxenstore defines them. */
#define XSP_NONE   0u
#define XSP_READ   1u
#define XSP_WRITE  2u
#define XSP_OWNER  8u  /* only in access checks, never stored */
#define XSP_IGNORE 16u /* stored: the entry names a released domain */

#define XSP_DOMID_MAX 65535u

struct xs_perm {
    uint32_t domid;
    uint32_t perms;
};

/* Parses one entry; returns 0 or -EINVAL. */
int perm_parse(const char *s, struct xs_perm *out);
/* Writes "L<domid>" with its NUL into buf (12 bytes is enough). */
size_t perm_format(const struct xs_perm *p, char *buf);

#endif
