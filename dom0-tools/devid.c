/* SPDX-License-Identifier: GPL-2.0-only */
#include "devid.h"

#include <limits.h>

bool devid_parse(const char *name, unsigned int *out)
{
    unsigned long v = 0;

    if ( !name || !*name || (name[0] == '0' && name[1]) )
        return false;
    for ( ; *name; name++ )
    {
        if ( *name < '0' || *name > '9' )
            return false;
        v = v * 10 + (unsigned long)(*name - '0');
        if ( v > INT_MAX )
            return false;
    }
    *out = (unsigned int)v;
    return true;
}

int devid_next(char *const *names, unsigned int n)
{
    long next = 0;
    unsigned int i, id;

    for ( i = 0; i < n; i++ )
        if ( devid_parse(names[i], &id) && (long)id + 1 > next )
            next = (long)id + 1;
    return next > INT_MAX ? -1 : (int)next;
}
