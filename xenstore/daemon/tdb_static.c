/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Debian's static libtdb.a calls Samba's libreplace memset_s, which is
 * shipped only as a shared library: the static xenstored provides it.
 */
#include <stddef.h>
#include <string.h>

int rep_memset_s(void *dest, size_t destsz, int ch, size_t count);

int rep_memset_s(void *dest, size_t destsz, int ch, size_t count)
{
    if ( !dest )
        return 22; /* EINVAL, as C11's memset_s */
    if ( count > destsz )
        count = destsz;
    /* volatile: the clearing of secrets must not be optimised away. */
    for ( volatile unsigned char *p = dest; count--; )
        *p++ = (unsigned char)ch;
    return 0;
}
