/* SPDX-License-Identifier: GPL-2.0-only */
/* Allocation helpers that treat exhaustion of the heap as fatal. */
#ifndef XS_XALLOC_H
#define XS_XALLOC_H

#include <stddef.h>

/*
 * The daemon bounds every per-client allocation by quota, so running out
 * of heap means the host is broken; dying beats limping on inconsistent.
 */
void *xmalloc(size_t n);
void *xzalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
void *xmemdup(const void *p, size_t n);

#endif
