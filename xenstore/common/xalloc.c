/* SPDX-License-Identifier: GPL-2.0-only */
/* Allocation helpers that treat exhaustion of the heap as fatal. */
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *check(void *p)
{
    if ( !p )
    {
        fputs("xenstore: out of memory\n", stderr);
        abort();
    }
    return p;
}

void *xmalloc(size_t n)
{
    return check(malloc(n ? n : 1));
}

void *xzalloc(size_t n)
{
    return check(calloc(1, n ? n : 1));
}

void *xrealloc(void *p, size_t n)
{
    return check(realloc(p, n ? n : 1));
}

char *xstrdup(const char *s)
{
    return check(strdup(s));
}

void *xmemdup(const void *p, size_t n)
{
    void *q = xmalloc(n);

    if ( n )
        memcpy(q, p, n);
    return q;
}
