/* SPDX-License-Identifier: GPL-2.0-only */
/* The hypervisor heap for small objects; its page source is linked in. */
#ifndef XENIA_XMALLOC_H
#define XENIA_XMALLOC_H

#include <xenia/types.h>

/*
 * The heap's page source: 2^order naturally aligned, mapped pages (NULL
 * when out), given back when they are wholly free. The heap holds no
 * lock of its own: xmalloc_lock/xmalloc_unlock bracket every call, and
 * the page calls happen outside them. These four are defined once in the
 * hypervisor (arch/x86/mm.c) and once by the unit test, and resolved at
 * link time.
 */
void *xmalloc_alloc_pages(unsigned int order);
void xmalloc_free_pages(void *va, unsigned int order);
unsigned long xmalloc_lock(void);
void xmalloc_unlock(unsigned long flags);

/* Empty the heap's bookkeeping; once, before the first allocation. */
void xmalloc_init(void);

/* align: a power of two up to PAGE_SIZE; 0 means the natural 16. */
void *xmalloc_bytes(size_t size, size_t align);
void *xzalloc_bytes(size_t size, size_t align);
void xfree(void *p); /* NULL is fine */

/* Bytes currently handed out (for leak checks and the boot summary). */
size_t xmalloc_used_bytes(void);

#define xmalloc(type)  ((type *)xmalloc_bytes(sizeof(type), _Alignof(type)))
#define xzalloc(type)  ((type *)xzalloc_bytes(sizeof(type), _Alignof(type)))
/* NULL if n * sizeof(type) overflows. */
#define xzalloc_array(type, n)                                                 \
    ((n) > SIZE_MAX / sizeof(type)                                             \
         ? NULL                                                                \
         : (type *)xzalloc_bytes(sizeof(type) * (n), _Alignof(type)))

#endif /* XENIA_XMALLOC_H */
