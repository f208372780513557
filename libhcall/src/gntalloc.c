/* SPDX-License-Identifier: GPL-2.0-only */
/* /dev/xen/gntalloc: sharing pages of ours with another domain. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include "internal.h"
#include <xen/sys/gntalloc.h>

#define PAGE 4096UL

/* gntalloc cannot turn an address back into its offset: remember it. */
struct share {
    struct share *next;
    void *addr;
    uint64_t index;
    size_t n;
};

struct hcall_gntalloc {
    int fd;
    struct share *shares;
    char msg[HCALL_MSG_LEN];
};

hcall_gntalloc_t *hcall_gntalloc_open(void)
{
    hcall_gntalloc_t *a = calloc(1, sizeof(*a));

    if ( !a )
        return NULL;
    a->fd = open("/dev/xen/gntalloc", O_RDWR | O_CLOEXEC);
    if ( a->fd < 0 )
    {
        int err = errno;

        free(a);
        errno = err;
        return NULL;
    }
    return a;
}

void hcall_gntalloc_close(hcall_gntalloc_t *a)
{
    if ( a )
    {
        while ( a->shares )
        {
            struct share *s = a->shares;

            a->shares = s->next;
            free(s);
        }
        close(a->fd);
        free(a);
    }
}

const char *hcall_gntalloc_error(const hcall_gntalloc_t *a)
{
    return a->msg;
}

void *hcall_gntalloc_share(hcall_gntalloc_t *a, uint32_t domid, size_t n,
                           int writable, grant_ref_t *refs)
{
    struct ioctl_gntalloc_alloc_gref *g;
    struct ioctl_gntalloc_dealloc_gref d = {.count = (uint32_t)n};
    struct share *sh = malloc(sizeof(*sh));
    void *addr;
    size_t i;

    if ( !n )
    {
        hcall_fail(a->msg, EINVAL, "sharing 0 pages with domain %u", domid);
        return NULL;
    }
    g = calloc(1, sizeof(*g) + n * sizeof(g->gref_ids[0]));
    if ( !g || !sh )
    {
        free(g);
        free(sh);
        hcall_fail(a->msg, ENOMEM, "sharing pages with domain %u", domid);
        return NULL;
    }
    g->domid = (uint16_t)domid;
    g->flags = writable ? GNTALLOC_FLAG_WRITABLE : 0;
    g->count = (uint32_t)n;
    if ( ioctl(a->fd, IOCTL_GNTALLOC_ALLOC_GREF, g) < 0 )
    {
        hcall_fail(a->msg, errno, "sharing %zu pages with domain %u", n, domid);
        free(g);
        free(sh);
        return NULL;
    }
    addr = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, a->fd,
                (off_t)g->index);
    if ( addr == MAP_FAILED )
    {
        int err = errno;

        d.index = g->index;
        ioctl(a->fd, IOCTL_GNTALLOC_DEALLOC_GREF, &d);
        hcall_fail(a->msg, err, "mapping pages shared with domain %u", domid);
        free(g);
        free(sh);
        return NULL;
    }
    for ( i = 0; i < n; i++ )
        refs[i] = g->gref_ids[i];
    *sh = (struct share){a->shares, addr, g->index, n};
    a->shares = sh;
    free(g);
    return addr;
}

int hcall_gntalloc_unshare(hcall_gntalloc_t *a, void *addr, size_t n)
{
    struct share **pp, *sh;
    struct ioctl_gntalloc_dealloc_gref d;

    for ( pp = &a->shares; (sh = *pp) && sh->addr != addr; pp = &sh->next )
        ;
    if ( !sh || sh->n != n )
        return hcall_fail(a->msg, EINVAL, "no %zu shared pages at %p", n, addr);
    if ( munmap(addr, n * PAGE) )
        return hcall_fail(a->msg, errno, "unmapping shared pages at %p", addr);
    /* The grants go when the last mapping of them does. */
    d = (struct ioctl_gntalloc_dealloc_gref){.index = sh->index,
                                             .count = (uint32_t)n};
    *pp = sh->next;
    free(sh);
    if ( ioctl(a->fd, IOCTL_GNTALLOC_DEALLOC_GREF, &d) < 0 )
        return hcall_fail(a->msg, errno, "ending the share at %p", addr);
    return 0;
}
