/* SPDX-License-Identifier: GPL-2.0-only */
/* The Unix socket through which dom0's tools reach the daemon. */
#include "sock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "../common/xalloc.h"
#include "conn.h"
#include "log.h"
#include "quota.h"

/*
 * Reads come from a read-ahead buffer refilled by at most one read() per
 * poll round: a client pipelining requests costs one system call for
 * all of them, and an idle one costs no EAGAIN.
 */
static ssize_t sock_read(struct conn *c, void *buf, size_t len)
{
    ssize_t n;

    if ( c->roff == c->rlen )
    {
        if ( c->rtried )
            return 0;
        c->rtried = true;
        if ( !c->rbuf )
            c->rbuf = xmalloc(SOCK_RBUF);
        n = read(c->fd, c->rbuf, SOCK_RBUF);
        if ( n == 0 )
            return -EPIPE;
        if ( n < 0 )
            return (errno == EAGAIN || errno == EINTR) ? 0 : -errno;
        c->roff = 0;
        c->rlen = (uint32_t)n;
    }
    if ( len > c->rlen - c->roff )
        len = c->rlen - c->roff;
    memcpy(buf, c->rbuf + c->roff, len);
    c->roff += (uint32_t)len;
    return (ssize_t)len;
}

static ssize_t sock_write(struct conn *c, const void *buf, size_t len)
{
    ssize_t n = send(c->fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);

    if ( n < 0 )
        return (errno == EAGAIN || errno == EINTR) ? 0 : -errno;
    return n;
}

static void sock_destroy(struct conn *c)
{
    close(c->fd);
}

static const struct conn_ops sock_ops = {sock_read, sock_write, sock_destroy};

int sock_listen(const char *path)
{
    struct sockaddr_un sa;
    int fd;

    if ( strlen(path) >= sizeof(sa.sun_path) )
        return -ENAMETOOLONG;
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if ( fd < 0 )
        return -errno;
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    strcpy(sa.sun_path, path);
    unlink(path);
    if ( bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || chmod(path, 0600) ||
         listen(fd, 128) )
    {
        int e = errno;

        close(fd);
        return -e;
    }
    return fd;
}

void sock_accept(int lfd)
{
    /* Socket clients are dom0's tools: privileged, as in Xen. */
    static const struct caller dom0 = {0, true, -1};

    for ( ;; )
    {
        int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

        if ( fd < 0 )
            return;
        if ( conn_count >= MAX_CONNECTIONS )
        {
            xlog(4, "too many connections, refusing one");
            close(fd);
            continue;
        }
        conn_new(&sock_ops, fd, &dom0);
    }
}
