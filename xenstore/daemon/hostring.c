/* SPDX-License-Identifier: GPL-2.0-only */
/* A ring backend for guests on this host: shared files and FIFOs. */
#include "hostring.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/xalloc.h"

struct hostport {
    int down;
};

static int open_file(const char *dir, uint32_t domid, const char *ext,
                     int flags)
{
    char path[4096];

    snprintf(path, sizeof(path), "%s/%u.%s", dir, (unsigned)domid, ext);
    return open(path, flags | O_CLOEXEC);
}

static int hr_attach(struct ring_backend *be, uint32_t domid, uint64_t gfn,
                     uint32_t port, struct ring_port *out)
{
    const char *dir = be->ctx;
    struct hostport *hp;
    int pfd, up, down, e;
    void *page;

    (void)gfn;
    (void)port;
    pfd = open_file(dir, domid, "page", O_RDWR);
    if ( pfd < 0 )
        return -errno;
    page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, pfd, 0);
    e = errno;
    close(pfd);
    if ( page == MAP_FAILED )
        return -e;
    /* O_RDWR: the FIFO never reports EOF when the guest goes away. */
    up = open_file(dir, domid, "up", O_RDWR | O_NONBLOCK);
    down = open_file(dir, domid, "down", O_RDWR | O_NONBLOCK);
    if ( up < 0 || down < 0 )
    {
        e = errno;
        if ( up >= 0 )
            close(up);
        if ( down >= 0 )
            close(down);
        munmap(page, 4096);
        return -e;
    }
    hp = xzalloc(sizeof(*hp));
    hp->down = down;
    out->intf = page;
    out->pollfd = up;
    out->priv = hp;
    return 0;
}

static void hr_detach(struct ring_backend *be, struct ring_port *p)
{
    struct hostport *hp = p->priv;

    (void)be;
    munmap(p->intf, 4096);
    close(p->pollfd);
    close(hp->down);
    free(hp);
}

static void hr_notify(struct ring_port *p)
{
    struct hostport *hp = p->priv;
    char c = 1;

    /* A full FIFO already holds a pending signal: nothing is lost. */
    if ( write(hp->down, &c, 1) < 0 )
        return;
}

static void hr_ack(struct ring_port *p)
{
    char buf[256];

    while ( read(p->pollfd, buf, sizeof(buf)) > 0 )
        ;
}

struct ring_backend *hostring_new(const char *dir)
{
    struct ring_backend *be = xzalloc(sizeof(*be));

    be->name = "host";
    be->attach = hr_attach;
    be->detach = hr_detach;
    be->notify = hr_notify;
    be->ack = hr_ack;
    be->ctx = xstrdup(dir);
    return be;
}

void hostring_free(struct ring_backend *be)
{
    if ( !be )
        return;
    free(be->ctx);
    free(be);
}
