/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * /dev/xen/privcmd: hypercalls from user space and mappings of other
 * domains' frames (IOCTL_PRIVCMD_HYPERCALL, MMAPBATCH_V2, MMAP_RESOURCE).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include "internal.h"
#include <xen/sys/privcmd.h>

#define PAGE 4096UL

static char open_msg[HCALL_MSG_LEN];

const char *hcall_open_error(void)
{
    return open_msg;
}

hcall_t *hcall_open(void)
{
    hcall_t *h = calloc(1, sizeof(*h));

    if ( !h )
    {
        hcall_fail(open_msg, ENOMEM, "libhcall");
        return NULL;
    }
    h->fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
    if ( h->fd < 0 )
    {
        int err = errno;

        hcall_fail(
            open_msg, err,
            "open /dev/xen/privcmd (is xen-privcmd loaded, are we Dom0?)");
        free(h);
        errno = err;
        return NULL;
    }
    /* Older kernels have no hypercall buffer device: lock memory instead. */
    h->buf_fd = open("/dev/xen/hypercall", O_RDWR | O_CLOEXEC);
    h->scratch = hcall_buf_alloc(h, PAGE);
    if ( !h->scratch )
    {
        int err = errno;

        snprintf(open_msg, sizeof(open_msg), "%s", h->msg);
        hcall_close(h);
        errno = err;
        return NULL;
    }
    return h;
}

void hcall_close(hcall_t *h)
{
    if ( !h )
        return;
    if ( h->scratch )
        hcall_buf_free(h, h->scratch, PAGE);
    if ( h->buf_fd >= 0 )
        close(h->buf_fd);
    close(h->fd);
    free(h);
}

const char *hcall_error(const hcall_t *h)
{
    return h->msg;
}

int hcall_fd(const hcall_t *h)
{
    return h->fd;
}

void *hcall_buf_alloc(hcall_t *h, size_t len)
{
    size_t sz = (len + PAGE - 1) & ~(PAGE - 1);
    void *p;

    if ( !sz )
        sz = PAGE;
    if ( h->buf_fd >= 0 )
    {
        p = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_SHARED, h->buf_fd, 0);
        if ( p != MAP_FAILED )
            return p;
    }
    p = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
             0);
    if ( p == MAP_FAILED )
    {
        hcall_fail(h->msg, errno, "hypercall buffer of %zu bytes", sz);
        return NULL;
    }
    /* A hypercall must not fault on a page the kernel has swapped out. */
    if ( mlock(p, sz) )
    {
        int err = errno;

        munmap(p, sz);
        hcall_fail(h->msg, err, "locking a hypercall buffer of %zu bytes", sz);
        return NULL;
    }
    return p;
}

void hcall_buf_free(hcall_t *h, void *p, size_t len)
{
    size_t sz = (len + PAGE - 1) & ~(PAGE - 1);

    (void)h;
    if ( p )
        munmap(p, sz ? sz : PAGE);
}

long hcall_raw(hcall_t *h, unsigned int op, uint64_t a0, uint64_t a1,
               uint64_t a2, uint64_t a3, uint64_t a4)
{
    privcmd_hypercall_t c = {.op = op, .arg = {a0, a1, a2, a3, a4}};
    long rc = ioctl(h->fd, IOCTL_PRIVCMD_HYPERCALL, &c);

    if ( rc < 0 )
        return hcall_fail(h->msg, errno, "hypercall %u", op);
    return rc;
}

void *hcall_map_foreign(hcall_t *h, domid_t domid, int prot,
                        const xen_pfn_t *frames, int *err, size_t n)
{
    privcmd_mmapbatch_v2_t b;
    int *errs = err;
    void *addr;
    size_t i;

    if ( !n )
    {
        hcall_fail(h->msg, EINVAL, "mapping 0 frames of domain %u", domid);
        return NULL;
    }
    addr = mmap(NULL, n * PAGE, prot, MAP_SHARED, h->fd, 0);
    if ( addr == MAP_FAILED )
    {
        hcall_fail(h->msg, errno, "reserving %zu pages to map domain %u", n,
                   domid);
        return NULL;
    }
    if ( !errs && !(errs = calloc(n, sizeof(*errs))) )
    {
        munmap(addr, n * PAGE);
        hcall_fail(h->msg, ENOMEM, "mapping domain %u", domid);
        return NULL;
    }
    b = (privcmd_mmapbatch_v2_t){.num = (unsigned int)n,
                                 .dom = domid,
                                 .addr = (uintptr_t)addr,
                                 .arr = frames,
                                 .err = errs};
    if ( ioctl(h->fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &b) < 0 )
    {
        int e = errno;

        hcall_fail(h->msg, e, "mapping %zu frames of domain %u", n, domid);
        goto fail;
    }
    if ( !err )
        for ( i = 0; i < n; i++ )
            if ( errs[i] )
            {
                hcall_fail(h->msg, -errs[i] > 0 ? -errs[i] : errs[i],
                           "mapping frame %#lx (%zu of %zu) of domain %u",
                           (unsigned long)frames[i], i, n, domid);
                goto fail;
            }
    if ( errs != err )
        free(errs);
    return addr;

fail:
{
    int e = errno;

    if ( errs != err )
        free(errs);
    munmap(addr, n * PAGE);
    errno = e;
}
    return NULL;
}

void *hcall_map_resource(hcall_t *h, domid_t domid, unsigned int type,
                         unsigned int id, unsigned long idx, size_t n, int prot)
{
    privcmd_mmap_resource_t r;
    void *addr = mmap(NULL, n * PAGE, prot, MAP_SHARED, h->fd, 0);

    if ( addr == MAP_FAILED )
    {
        hcall_fail(h->msg, errno,
                   "reserving %zu pages for a resource of domain %u", n, domid);
        return NULL;
    }
    r = (privcmd_mmap_resource_t){.dom = domid,
                                  .type = type,
                                  .id = id,
                                  .idx = idx,
                                  .num = n,
                                  .addr = (uintptr_t)addr};
    if ( ioctl(h->fd, IOCTL_PRIVCMD_MMAP_RESOURCE, &r) < 0 )
    {
        int e = errno;

        munmap(addr, n * PAGE);
        /* libxenforeignmemory's rule: a kernel without the ioctl means unsupported. */
        if ( e == ENOTTY || e == ENOSYS )
            e = EOPNOTSUPP;
        hcall_fail(h->msg, e, "mapping resource %u/%u of domain %u", type, id,
                   domid);
        return NULL;
    }
    return addr;
}

int hcall_unmap(hcall_t *h, void *addr, size_t n)
{
    if ( munmap(addr, n * PAGE) )
        return hcall_fail(h->msg, errno, "unmapping %zu pages", n);
    return 0;
}
