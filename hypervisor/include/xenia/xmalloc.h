/* SPDX-License-Identifier: GPL-2.0-only */
/* The hypervisor heap for small objects. Pure: pages come from a callback. */
#ifndef XENIA_XMALLOC_H
#define XENIA_XMALLOC_H

#include <xenia/types.h>

/*
 * The heap asks its page source for 2^order naturally aligned, mapped
 * pages and returns them when they are wholly free. The heap holds no
 * lock of its own: lock/unlock (may be NULL) bracket every call, and the
 * page calls happen outside them.
 */
struct xmalloc_page_source {
    void *(*alloc_pages)(unsigned int order);          /* NULL when out */
    void (*free_pages)(void *va, unsigned int order);
    unsigned long (*lock)(void);
    void (*unlock)(unsigned long flags);
};

void xmalloc_init(const struct xmalloc_page_source *src);

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
