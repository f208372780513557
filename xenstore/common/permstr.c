/* SPDX-License-Identifier: GPL-2.0-only */
/* Permission entries and their wire form ("r5", "b0", "n7", "w3"). */
#include "permstr.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int perm_parse(const char *s, struct xs_perm *out)
{
    unsigned long v = 0;
    const char *p;

    switch ( s[0] )
    {
    case 'n':
        out->perms = XSP_NONE;
        break;
    case 'r':
        out->perms = XSP_READ;
        break;
    case 'w':
        out->perms = XSP_WRITE;
        break;
    case 'b':
        out->perms = XSP_READ | XSP_WRITE;
        break;
    default:
        return -EINVAL;
    }
    if ( !s[1] )
        return -EINVAL;
    for ( p = s + 1; *p; p++ )
    {
        if ( *p < '0' || *p > '9' )
            return -EINVAL;
        v = v * 10 + (unsigned long)(*p - '0');
        if ( v > XSP_DOMID_MAX )
            return -EINVAL;
    }
    out->domid = (uint32_t)v;
    return 0;
}

size_t perm_format(const struct xs_perm *p, char *buf)
{
    static const char letters[] = "nrwb";
    int n =
        snprintf(buf, 12, "%c%u", letters[p->perms & 3u], (unsigned)p->domid);

    return (size_t)n + 1;
}
