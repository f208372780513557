/* SPDX-License-Identifier: GPL-2.0-only */
/* Byte transfer over the two rings of a xenstore_domain_interface page. */
#include "ringbuf.h"

#include <errno.h>
#include <string.h>

static uint32_t load(const volatile XENSTORE_RING_IDX *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store(volatile XENSTORE_RING_IDX *p, uint32_t v)
{
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/* Copies out of ring, consumer side; cons is ours, prod the peer's. */
static ssize_t take(const char *ring, XENSTORE_RING_IDX *consp,
                    const XENSTORE_RING_IDX *prodp, void *buf, size_t len)
{
    uint32_t cons = load(consp), prod = load(prodp), avail, off, first;

    if ( prod - cons > XENSTORE_RING_SIZE )
        return -EIO;
    avail = prod - cons;
    if ( len > avail )
        len = avail;
    off = MASK_XENSTORE_IDX(cons);
    first = XENSTORE_RING_SIZE - off;
    if ( first > len )
        first = (uint32_t)len;
    memcpy(buf, ring + off, first);
    memcpy((char *)buf + first, ring, len - first);
    store(consp, cons + (uint32_t)len);
    return (ssize_t)len;
}

static ssize_t put(char *ring, const XENSTORE_RING_IDX *consp,
                   XENSTORE_RING_IDX *prodp, const void *buf, size_t len)
{
    uint32_t cons = load(consp), prod = load(prodp), space, off, first;

    if ( prod - cons > XENSTORE_RING_SIZE )
        return -EIO;
    space = XENSTORE_RING_SIZE - (prod - cons);
    if ( len > space )
        len = space;
    off = MASK_XENSTORE_IDX(prod);
    first = XENSTORE_RING_SIZE - off;
    if ( first > len )
        first = (uint32_t)len;
    memcpy(ring + off, buf, first);
    memcpy(ring, (const char *)buf + first, len - first);
    store(prodp, prod + (uint32_t)len);
    return (ssize_t)len;
}

ssize_t ring_srv_read(struct xenstore_domain_interface *intf, void *buf,
                      size_t len)
{
    return take(intf->req, &intf->req_cons, &intf->req_prod, buf, len);
}

ssize_t ring_srv_write(struct xenstore_domain_interface *intf, const void *buf,
                       size_t len)
{
    return put(intf->rsp, &intf->rsp_cons, &intf->rsp_prod, buf, len);
}

bool ring_srv_can_read(const struct xenstore_domain_interface *intf)
{
    return load(&intf->req_prod) != load(&intf->req_cons);
}

ssize_t ring_cli_write(struct xenstore_domain_interface *intf, const void *buf,
                       size_t len)
{
    return put(intf->req, &intf->req_cons, &intf->req_prod, buf, len);
}

ssize_t ring_cli_read(struct xenstore_domain_interface *intf, void *buf,
                      size_t len)
{
    return take(intf->rsp, &intf->rsp_cons, &intf->rsp_prod, buf, len);
}
