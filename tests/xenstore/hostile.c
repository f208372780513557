/* SPDX-License-Identifier: GPL-2.0-only */
/* Hostile clients against a running daemon; a good client must not care. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "../../xenstore/common/wire.h"

static const char *sock;
static int failures;

#define EXPECT(c, what)                                                        \
    do                                                                         \
    {                                                                          \
        if ( c )                                                               \
            printf("  ok: %s\n", what);                                        \
        else                                                                   \
        {                                                                      \
            printf("  FAIL: %s\n", what);                                      \
            failures++;                                                        \
        }                                                                      \
    } while ( 0 )

static int dial(void)
{
    struct sockaddr_un sa;
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
    if ( fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) )
    {
        perror("connect");
        exit(2);
    }
    return fd;
}

static void sendmsg_(int fd, uint32_t type, uint32_t tx, const void *p,
                     uint32_t len)
{
    struct xsd_sockmsg h = {type, 42, tx, len};
    char buf[sizeof(h) + 8192];

    memcpy(buf, &h, sizeof(h));
    memcpy(buf + sizeof(h), p, len);
    if ( write(fd, buf, sizeof(h) + len) < 0 )
        return;
}

/* Reads one reply with a timeout; returns its type or -1. */
static int reply(int fd, char *body)
{
    struct xsd_sockmsg h;
    struct pollfd p = {fd, POLLIN, 0};
    size_t got = 0;

    while ( got < sizeof(h) )
    {
        ssize_t n;

        if ( poll(&p, 1, 5000) <= 0 )
            return -1;
        n = read(fd, (char *)&h + got, sizeof(h) - got);
        if ( n <= 0 )
            return -1;
        got += (size_t)n;
    }
    for ( got = 0; got < h.len; )
    {
        ssize_t n;

        if ( poll(&p, 1, 5000) <= 0 )
            return -1;
        n = read(fd, body + got, h.len - got);
        if ( n <= 0 )
            return -1;
        got += (size_t)n;
    }
    body[h.len] = 0;
    return (int)h.type;
}

/* The well-behaved client: does the daemon still answer? */
static int healthy(void)
{
    char body[8192];
    int fd = dial(), t;

    sendmsg_(fd, XS_WRITE, 0, "/hostile/probe\0ok", 17);
    t = reply(fd, body);
    sendmsg_(fd, XS_READ, 0, "/hostile/probe", 15);
    t = t == XS_WRITE ? reply(fd, body) : -1;
    close(fd);
    return t == XS_READ && !strcmp(body, "ok");
}

static long daemon_rss_kib(pid_t pid)
{
    char path[64], line[256];
    long v = -1;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    f = fopen(path, "r");
    if ( !f )
        return -1;
    while ( fgets(line, sizeof(line), f) )
        if ( !strncmp(line, "VmRSS:", 6) )
            v = strtol(line + 6, NULL, 10);
    fclose(f);
    return v;
}

static void oversize(void)
{
    char body[8192];
    int fd = dial();
    struct xsd_sockmsg h = {XS_READ, 1, 0, XENSTORE_PAYLOAD_MAX + 1};

    if ( write(fd, &h, sizeof(h)) < 0 )
        return;
    EXPECT(reply(fd, body) == -1, "a payload over 4096 bytes: disconnected");
    close(fd);
    EXPECT(healthy(), "others unaffected");
}

static void malformed(void)
{
    char body[8192], junk[4096];
    int fd = dial(), i;

    sendmsg_(fd, XS_READ, 0, "/no/terminator", 14);
    EXPECT(reply(fd, body) == XS_ERROR && !strcmp(body, "EINVAL"),
           "a path without its NUL: EINVAL");
    sendmsg_(fd, 0xffff, 0, "x", 1);
    EXPECT(reply(fd, body) == XS_ERROR && !strcmp(body, "ENOSYS"),
           "an unknown type: ENOSYS");
    sendmsg_(fd, XS_WRITE, 0, "/a\x01\x02\0v", 6);
    EXPECT(reply(fd, body) == XS_ERROR, "a path with bad bytes: error");
    memset(junk, 0xff, sizeof(junk));
    for ( i = 0; i < 16; i++ )
        sendmsg_(fd, XS_SET_PERMS, 0, junk, sizeof(junk));
    EXPECT(reply(fd, body) == XS_ERROR, "garbage SET_PERMS: error");
    close(fd);
    /* Half a header, then the client vanishes. */
    fd = dial();
    if ( write(fd, "\x02\0\0", 3) < 0 )
        return;
    close(fd);
    EXPECT(healthy(), "others unaffected");
}

static void floods(void)
{
    char body[8192], tok[4000];
    int fd = dial(), i, t = 0;

    memset(tok, 't', sizeof(tok) - 1);
    tok[sizeof(tok) - 1] = 0;
    for ( i = 0; i < 200000 && t != XS_ERROR; i++ )
    {
        char p[8192];
        int n = snprintf(p, sizeof(p), "/w%d", i);

        memcpy(p + n + 1, tok, sizeof(tok));
        sendmsg_(fd, XS_WATCH, 0, p, (uint32_t)(n + 1 + sizeof(tok)));
        t = reply(fd, body);
        if ( t == XS_WATCH )
            t = reply(fd, body); /* the initial event */
    }
    EXPECT(t == XS_ERROR && !strcmp(body, "E2BIG"),
           "a flood of watches stops with E2BIG");
    printf("    (after %d watches)\n", i - 1);
    for ( i = 0, t = 0; i < 100000 && t != XS_ERROR; i++ )
    {
        sendmsg_(fd, XS_TRANSACTION_START, 0, "", 1);
        t = reply(fd, body);
    }
    EXPECT(t == XS_ERROR && !strcmp(body, "ENOSPC"),
           "a flood of transactions stops with ENOSPC");
    printf("    (after %d transactions)\n", i - 1);
    EXPECT(healthy(), "others unaffected");
    close(fd);
}

static void nonreader(pid_t pid)
{
    char big[4000], req[64];
    int fd = dial(), i;
    long before = daemon_rss_kib(pid), after;
    time_t end = time(NULL) + 8;

    memset(big, 'b', sizeof(big));
    memcpy(big, "/hostile/big\0", 13);
    sendmsg_(fd, XS_WRITE, 0, big, sizeof(big));
    reply(fd, req);
    /* Ask for 4 KB again and again, and never read a byte. */
    for ( i = 0; i < 100000 && time(NULL) < end; i++ )
    {
        struct pollfd p = {fd, POLLOUT, 0};

        if ( poll(&p, 1, 200) <= 0 )
            break; /* the daemon stopped taking our requests */
        sendmsg_(fd, XS_READ, 0, "/hostile/big", 13);
    }
    after = daemon_rss_kib(pid);
    printf("    (%d requests sent; daemon RSS %ld -> %ld KiB)\n", i, before,
           after);
    EXPECT(i < 100000, "a client that never reads is throttled");
    EXPECT(after - before < 64 * 1024, "daemon memory stays bounded");
    EXPECT(healthy(), "others unaffected");
    close(fd);
    EXPECT(healthy(), "still fine once it leaves");
}

int main(int argc, char **argv)
{
    pid_t pid;

    if ( argc != 3 )
    {
        fprintf(stderr, "usage: hostile SOCKET DAEMON_PID\n");
        return 2;
    }
    sock = argv[1];
    pid = (pid_t)atoi(argv[2]);
    EXPECT(healthy(), "the daemon answers");
    oversize();
    malformed();
    floods();
    nonreader(pid);
    return failures ? 1 : 0;
}
