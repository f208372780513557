/* SPDX-License-Identifier: GPL-2.0-only */
/* /dev/xen/evtchn: event channels bound to this process. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "internal.h"
#include <xen/sys/evtchn.h>

struct hcall_evtchn {
    int fd;
    char msg[HCALL_MSG_LEN];
};

hcall_evtchn_t *hcall_evtchn_open(void)
{
    hcall_evtchn_t *e = calloc(1, sizeof(*e));

    if ( !e )
        return NULL;
    e->fd = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC);
    if ( e->fd < 0 )
    {
        int err = errno;

        free(e);
        errno = err;
        return NULL;
    }
    return e;
}

void hcall_evtchn_close(hcall_evtchn_t *e)
{
    if ( e )
    {
        close(e->fd);
        free(e);
    }
}

const char *hcall_evtchn_error(const hcall_evtchn_t *e)
{
    return e->msg;
}

int hcall_evtchn_fd(const hcall_evtchn_t *e)
{
    return e->fd;
}

int hcall_evtchn_bind_interdomain(hcall_evtchn_t *e, uint32_t domid,
                                  evtchn_port_t remote)
{
    struct ioctl_evtchn_bind_interdomain b = {.remote_domain = domid,
                                              .remote_port = remote};
    int rc = ioctl(e->fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &b);

    if ( rc < 0 )
        return hcall_fail(e->msg, errno, "binding to port %u of domain %u",
                          remote, domid);
    return rc;
}

int hcall_evtchn_bind_unbound(hcall_evtchn_t *e, uint32_t domid)
{
    struct ioctl_evtchn_bind_unbound_port b = {.remote_domain = domid};
    int rc = ioctl(e->fd, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &b);

    if ( rc < 0 )
        return hcall_fail(e->msg, errno, "an unbound port for domain %u",
                          domid);
    return rc;
}

int hcall_evtchn_bind_virq(hcall_evtchn_t *e, unsigned int virq)
{
    struct ioctl_evtchn_bind_virq b = {.virq = virq};
    int rc = ioctl(e->fd, IOCTL_EVTCHN_BIND_VIRQ, &b);

    if ( rc < 0 )
        return hcall_fail(e->msg, errno, "binding VIRQ %u", virq);
    return rc;
}

int hcall_evtchn_unbind(hcall_evtchn_t *e, evtchn_port_t port)
{
    struct ioctl_evtchn_unbind u = {.port = port};

    if ( ioctl(e->fd, IOCTL_EVTCHN_UNBIND, &u) < 0 )
        return hcall_fail(e->msg, errno, "unbinding port %u", port);
    return 0;
}

int hcall_evtchn_notify(hcall_evtchn_t *e, evtchn_port_t port)
{
    struct ioctl_evtchn_notify n = {.port = port};

    if ( ioctl(e->fd, IOCTL_EVTCHN_NOTIFY, &n) < 0 )
        return hcall_fail(e->msg, errno, "notifying port %u", port);
    return 0;
}

int hcall_evtchn_pending(hcall_evtchn_t *e)
{
    evtchn_port_t port;
    ssize_t n = read(e->fd, &port, sizeof(port));

    if ( n != (ssize_t)sizeof(port) )
        return hcall_fail(e->msg, n < 0 ? errno : EIO,
                          "reading a pending port");
    return (int)port;
}

int hcall_evtchn_unmask(hcall_evtchn_t *e, evtchn_port_t port)
{
    if ( write(e->fd, &port, sizeof(port)) != (ssize_t)sizeof(port) )
        return hcall_fail(e->msg, errno, "unmasking port %u", port);
    return 0;
}
