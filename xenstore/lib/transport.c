/* SPDX-License-Identifier: GPL-2.0-only */
/* How the client library moves bytes: a Unix socket or a ring page. */
#include "transport.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../common/ringbuf.h"

struct sock_tp {
    struct xs_transport t;
    int fd;
};

static int sock_send(struct xs_transport *t, const void *buf, size_t len)
{
    struct sock_tp *s = (struct sock_tp *)t;
    const char *p = buf;

    while ( len )
    {
        ssize_t n = send(s->fd, p, len, MSG_NOSIGNAL);

        if ( n < 0 && errno == EINTR )
            continue;
        if ( n < 0 )
            return -errno;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static ssize_t sock_recv(struct xs_transport *t, void *buf, size_t len,
                         bool block)
{
    struct sock_tp *s = (struct sock_tp *)t;
    ssize_t n;

    do
        n = recv(s->fd, buf, len, block ? 0 : MSG_DONTWAIT);
    while ( n < 0 && errno == EINTR );
    if ( n == 0 )
        return -EPIPE;
    if ( n < 0 )
        return (!block && errno == EAGAIN) ? 0 : -errno;
    return n;
}

static void sock_close(struct xs_transport *t)
{
    struct sock_tp *s = (struct sock_tp *)t;

    close(s->fd);
    free(s);
}

struct xs_transport *xs_transport_socket(const char *path)
{
    struct sockaddr_un sa;
    struct sock_tp *s;
    int fd, e;

    if ( strlen(path) >= sizeof(sa.sun_path) )
    {
        errno = ENAMETOOLONG;
        return NULL;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if ( fd < 0 )
        return NULL;
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    strcpy(sa.sun_path, path);
    if ( connect(fd, (struct sockaddr *)&sa, sizeof(sa)) )
    {
        e = errno;
        close(fd);
        errno = e;
        return NULL;
    }
    s = calloc(1, sizeof(*s));
    if ( !s )
    {
        close(fd);
        errno = ENOMEM;
        return NULL;
    }
    s->fd = fd;
    s->t.send = sock_send;
    s->t.recv = sock_recv;
    s->t.close = sock_close;
    s->t.pollfd = fd;
    return &s->t;
}

struct ring_tp {
    struct xs_transport t;
    struct xenstore_domain_interface *intf;
    void (*notify)(void *);
    void (*ack)(void *);
    void (*cleanup)(void *);
    void *arg;
};

static int ring_wait(struct ring_tp *r)
{
    struct pollfd p = {r->t.pollfd, POLLIN, 0};

    if ( poll(&p, 1, -1) < 0 && errno != EINTR )
        return -errno;
    if ( r->ack )
        r->ack(r->arg);
    return 0;
}

static int ring_send(struct xs_transport *t, const void *buf, size_t len)
{
    struct ring_tp *r = (struct ring_tp *)t;
    const char *p = buf;

    while ( len )
    {
        ssize_t n = ring_cli_write(r->intf, p, len);
        int rc;

        if ( n < 0 )
            return (int)n;
        if ( n > 0 )
        {
            r->notify(r->arg);
            p += n;
            len -= (size_t)n;
            continue;
        }
        rc = ring_wait(r);
        if ( rc )
            return rc;
    }
    return 0;
}

static ssize_t ring_recv(struct xs_transport *t, void *buf, size_t len,
                         bool block)
{
    struct ring_tp *r = (struct ring_tp *)t;

    for ( ;; )
    {
        ssize_t n = ring_cli_read(r->intf, buf, len);
        int rc;

        if ( n > 0 )
            r->notify(r->arg); /* the server may have replies queued */
        if ( n != 0 || !block )
            return n;
        if ( r->intf->error )
            return -EIO;
        rc = ring_wait(r);
        if ( rc )
            return rc;
    }
}

static void ring_drain(struct xs_transport *t)
{
    struct ring_tp *r = (struct ring_tp *)t;

    if ( r->ack )
        r->ack(r->arg);
}

static void ring_close(struct xs_transport *t)
{
    struct ring_tp *r = (struct ring_tp *)t;

    if ( r->cleanup )
        r->cleanup(r->arg);
    free(r);
}

struct xs_transport *xs_transport_ring(struct xenstore_domain_interface *intf,
                                       void (*notify)(void *), int wait_fd,
                                       void (*ack)(void *), void *arg,
                                       void (*cleanup)(void *))
{
    struct ring_tp *r = calloc(1, sizeof(*r));

    if ( !r )
    {
        errno = ENOMEM;
        return NULL;
    }
    r->intf = intf;
    r->notify = notify;
    r->ack = ack;
    r->arg = arg;
    r->cleanup = cleanup;
    r->t.send = ring_send;
    r->t.recv = ring_recv;
    r->t.close = ring_close;
    r->t.drain = ring_drain;
    r->t.pollfd = wait_fd;
    return &r->t;
}
