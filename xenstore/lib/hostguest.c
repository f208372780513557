/* SPDX-License-Identifier: GPL-2.0-only */
/* The guest side of the host ring backend: a ring page and two FIFOs. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xenia/xs.h>

#include "../common/wire.h"
#include "transport.h"

struct hostguest {
    struct xenstore_domain_interface *intf;
    int up, down;
};

static void name(char *buf, size_t len, const char *dir, unsigned int domid,
                 const char *ext)
{
    snprintf(buf, len, "%s/%u.%s", dir, domid, ext);
}

int xs_hostring_prepare(const char *dir, unsigned int domid)
{
    char p[4096];
    int fd;

    name(p, sizeof(p), dir, domid, "page");
    fd = open(p, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if ( fd < 0 )
        return -errno;
    /* A fresh page of zeroes: empty rings, connected, no error. */
    if ( ftruncate(fd, 4096) )
    {
        int e = errno;

        close(fd);
        return -e;
    }
    close(fd);
    name(p, sizeof(p), dir, domid, "up");
    if ( mkfifo(p, 0600) && errno != EEXIST )
        return -errno;
    name(p, sizeof(p), dir, domid, "down");
    if ( mkfifo(p, 0600) && errno != EEXIST )
        return -errno;
    return 0;
}

static void hg_notify(void *arg)
{
    struct hostguest *g = arg;
    char c = 1;

    if ( write(g->up, &c, 1) < 0 )
        return; /* full: a signal is already pending */
}

static void hg_ack(void *arg)
{
    struct hostguest *g = arg;
    char buf[256];

    while ( read(g->down, buf, sizeof(buf)) > 0 )
        ;
}

static void hg_cleanup(void *arg)
{
    struct hostguest *g = arg;

    munmap(g->intf, 4096);
    close(g->up);
    close(g->down);
    free(g);
}

/*
 * Another process may have used the ring before us: ask the daemon for
 * a clean slate (no stale replies, watches or transactions), as a guest
 * kernel does when it takes over a ring.
 */
static void reconnect(struct hostguest *g)
{
    struct pollfd p = {g->down, POLLIN, 0};
    int i;

    if ( !(g->intf->server_features & XENSTORE_SERVER_FEATURE_RECONNECTION) )
        return;
    __atomic_store_n(&g->intf->connection, XENSTORE_RECONNECT,
                     __ATOMIC_SEQ_CST);
    hg_notify(g);
    for ( i = 0; i < 500; i++ )
    {
        if ( __atomic_load_n(&g->intf->connection, __ATOMIC_SEQ_CST) ==
             XENSTORE_CONNECTED )
            return;
        poll(&p, 1, 10);
        hg_ack(g);
    }
}

struct xs_handle *xs_open_hostring(const char *dir, unsigned int domid)
{
    struct hostguest *g = calloc(1, sizeof(*g));
    char p[4096];
    int fd;
    void *page;

    if ( !g )
        return NULL;
    name(p, sizeof(p), dir, domid, "page");
    fd = open(p, O_RDWR | O_CLOEXEC);
    if ( fd < 0 )
        goto fail;
    page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if ( page == MAP_FAILED )
        goto fail;
    g->intf = page;
    name(p, sizeof(p), dir, domid, "up");
    g->up = open(p, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    name(p, sizeof(p), dir, domid, "down");
    g->down = open(p, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if ( g->up < 0 || g->down < 0 )
    {
        if ( g->up >= 0 )
            close(g->up);
        if ( g->down >= 0 )
            close(g->down);
        munmap(page, 4096);
        goto fail;
    }
    reconnect(g);
    return xs_open_ring_cleanup(g->intf, hg_notify, g->down, hg_ack, g,
                                hg_cleanup);
fail:
    free(g);
    return NULL;
}
