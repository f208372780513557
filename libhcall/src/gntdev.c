/* SPDX-License-Identifier: GPL-2.0-only */
/* /dev/xen/gntdev: mapping pages other domains grant to us. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include "internal.h"
#include <xen/sys/gntdev.h>

#define PAGE 4096UL

struct hcall_gntdev {
    int fd;
    char msg[HCALL_MSG_LEN];
};

hcall_gntdev_t *hcall_gntdev_open(void)
{
    hcall_gntdev_t *g = calloc(1, sizeof(*g));

    if ( !g )
        return NULL;
    g->fd = open("/dev/xen/gntdev", O_RDWR | O_CLOEXEC);
    if ( g->fd < 0 )
    {
        int err = errno;

        free(g);
        errno = err;
        return NULL;
    }
    return g;
}

void hcall_gntdev_close(hcall_gntdev_t *g)
{
    if ( g )
    {
        close(g->fd);
        free(g);
    }
}

const char *hcall_gntdev_error(const hcall_gntdev_t *g)
{
    return g->msg;
}

static int unmap_ref(hcall_gntdev_t *g, uint64_t index, size_t n)
{
    struct ioctl_gntdev_unmap_grant_ref u = {.index = index,
                                             .count = (uint32_t)n};

    return ioctl(g->fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &u);
}

void *hcall_gntdev_map(hcall_gntdev_t *g, uint32_t domid,
                       const grant_ref_t *refs, size_t n, int prot)
{
    struct ioctl_gntdev_map_grant_ref *m;
    void *addr;
    size_t i;

    if ( !n )
    {
        hcall_fail(g->msg, EINVAL, "mapping 0 grants of domain %u", domid);
        return NULL;
    }
    m = calloc(1, sizeof(*m) + n * sizeof(m->refs[0]));
    if ( !m )
    {
        hcall_fail(g->msg, ENOMEM, "mapping grants of domain %u", domid);
        return NULL;
    }
    m->count = (uint32_t)n;
    for ( i = 0; i < n; i++ )
    {
        m->refs[i].domid = domid;
        m->refs[i].ref = refs[i];
    }
    if ( ioctl(g->fd, IOCTL_GNTDEV_MAP_GRANT_REF, m) < 0 )
    {
        hcall_fail(g->msg, errno, "mapping %zu grants of domain %u", n, domid);
        free(m);
        return NULL;
    }
    /* The grant operation itself happens here, at mmap time. */
    addr = mmap(NULL, n * PAGE, prot, MAP_SHARED, g->fd, (off_t)m->index);
    if ( addr == MAP_FAILED )
    {
        int err = errno;

        unmap_ref(g, m->index, n);
        hcall_fail(g->msg, err, "mapping grant %u of domain %u", refs[0],
                   domid);
        free(m);
        return NULL;
    }
    free(m);
    return addr;
}

int hcall_gntdev_unmap(hcall_gntdev_t *g, void *addr, size_t n)
{
    struct ioctl_gntdev_get_offset_for_vaddr o = {.vaddr = (uintptr_t)addr};

    if ( ioctl(g->fd, IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR, &o) < 0 )
        return hcall_fail(g->msg, errno, "no grant mapping at %p", addr);
    if ( munmap(addr, n * PAGE) )
        return hcall_fail(g->msg, errno, "unmapping grants at %p", addr);
    if ( unmap_ref(g, o.offset, n) < 0 )
        return hcall_fail(g->msg, errno, "releasing grants at %p", addr);
    return 0;
}
