// SPDX-License-Identifier: GPL-2.0-only
/*
 * The I/O benchmark's one static tool, for Dom0 and the DomU alike
 * (busybox's dd has no sub-second clock, and its nc half-closes when its
 * stdin ends). Every figure is timed here with CLOCK_MONOTONIC, which is
 * virtual time under QEMU -icount.
 *
 *   iobench disk read|write DEV MIB      O_DIRECT, 1 MiB blocks
 *   iobench serve PORT                   the peer's server (forks per client)
 *   iobench send HOST PORT MIB           to the server; timed until it has
 *                                        acknowledged every byte
 *   iobench recv HOST PORT MIB           from the server; timed to its EOF
 *   iobench cmd HOST PORT COMMAND        runs COMMAND (sh -c) at the server,
 *                                        prints its output
 *
 * Results are one line: "IOB <what> bytes=N us=T MBps=R" (MB = 10^6 B).
 * The server's protocol is one request line: "sink", "source N" or
 * "cmd TEXT".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BLOCK (1u << 20)
#define CHUNK (64u << 10)

static uint64_t now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int die(const char *what)
{
    fprintf(stderr, "iobench: %s: %s\n", what, strerror(errno));
    return 1;
}

static void result(const char *what, uint64_t bytes, uint64_t us)
{
    printf("IOB %s bytes=%llu us=%llu MBps=%.2f\n", what, (unsigned long long)bytes,
           (unsigned long long)us, us ? (double)bytes / (double)us : 0.0);
    fflush(stdout);
}

static long mib_arg(const char *s)
{
    char *end;
    long v = strtol(s, &end, 10);

    return (*end || v <= 0 || v > 4096) ? -1 : v;
}

static int disk(const char *op, const char *dev, long mib)
{
    int wr = !strcmp(op, "write");
    void *buf;
    int fd;
    uint64_t t0, t1;
    long i;

    if ( !wr && strcmp(op, "read") )
        return fprintf(stderr, "iobench: disk: read or write, not '%s'\n", op), 2;
    if ( posix_memalign(&buf, 4096, BLOCK) )
        return die("posix_memalign");
    memset(buf, 0xa5, BLOCK);
    fd = open(dev, (wr ? O_WRONLY : O_RDONLY) | O_DIRECT);
    if ( fd < 0 )
        return die(dev);
    t0 = now_us();
    for ( i = 0; i < mib; i++ )
    {
        ssize_t n = wr ? write(fd, buf, BLOCK) : read(fd, buf, BLOCK);

        if ( n != (ssize_t)BLOCK )
        {
            fprintf(stderr, "iobench: %s %s block %ld: %s\n", op, dev, i,
                    n < 0 ? strerror(errno) : "short transfer");
            return 1;
        }
    }
    if ( wr && fsync(fd) )
        return die("fsync");
    t1 = now_us();
    close(fd);
    result(wr ? "disk-write" : "disk-read", (uint64_t)mib * BLOCK, t1 - t0);
    return 0;
}

static int write_all(int fd, const void *p, size_t n)
{
    while ( n )
    {
        ssize_t w = write(fd, p, n);

        if ( w < 0 && errno == EINTR )
            continue;
        if ( w <= 0 )
            return -1;
        p = (const char *)p + w;
        n -= (size_t)w;
    }
    return 0;
}

/* Reads to EOF; the byte count, or -1. */
static long long drain(int fd)
{
    static char buf[CHUNK];
    long long total = 0;

    for ( ;; )
    {
        ssize_t n = read(fd, buf, sizeof(buf));

        if ( n < 0 && errno == EINTR )
            continue;
        if ( n < 0 )
            return -1;
        if ( n == 0 )
            return total;
        total += n;
    }
}

static int send_bytes(int fd, long long n)
{
    static char buf[CHUNK];

    memset(buf, 0x5a, sizeof(buf));
    while ( n > 0 )
    {
        size_t k = n < (long long)sizeof(buf) ? (size_t)n : sizeof(buf);

        if ( write_all(fd, buf, k) )
            return -1;
        n -= (long long)k;
    }
    return 0;
}

static int read_line(int fd, char *line, size_t max)
{
    size_t i = 0;

    while ( i + 1 < max )
    {
        ssize_t n = read(fd, line + i, 1);

        if ( n <= 0 )
            return -1;
        if ( line[i] == '\n' )
            break;
        i++;
    }
    line[i] = 0;
    return 0;
}

static void serve_one(int c)
{
    char line[512];
    char reply[64];

    if ( read_line(c, line, sizeof(line)) )
        return;
    if ( !strcmp(line, "sink") )
    {
        long long got = drain(c);

        snprintf(reply, sizeof(reply), "%lld\n", got);
        write_all(c, reply, strlen(reply));
    }
    else if ( !strncmp(line, "source ", 7) )
        send_bytes(c, atoll(line + 7));
    else if ( !strncmp(line, "cmd ", 4) )
    {
        dup2(c, 1);
        dup2(c, 2);
        execl("/bin/sh", "sh", "-c", line + 4, (char *)NULL);
    }
}

static int serve(int port)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;

    if ( s < 0 )
        return die("socket");
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if ( bind(s, (struct sockaddr *)&a, sizeof(a)) || listen(s, 8) )
        return die("bind/listen");
    signal(SIGCHLD, SIG_IGN);
    for ( ;; )
    {
        int c = accept(s, NULL, NULL);

        if ( c < 0 )
        {
            if ( errno == EINTR )
                continue;
            return die("accept");
        }
        if ( fork() == 0 )
        {
            close(s);
            serve_one(c);
            _exit(0);
        }
        close(c);
    }
}

static int dial(const char *host, const char *port)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port)) };
    int s = socket(AF_INET, SOCK_STREAM, 0);

    if ( s < 0 || inet_pton(AF_INET, host, &a.sin_addr) != 1 )
        return -1;
    if ( connect(s, (struct sockaddr *)&a, sizeof(a)) )
        return -1;
    return s;
}

int main(int argc, char **argv)
{
    if ( argc == 5 && !strcmp(argv[1], "disk") )
    {
        long mib = mib_arg(argv[4]);

        return mib < 0 ? (fprintf(stderr, "iobench: bad MiB '%s'\n", argv[4]), 2)
                       : disk(argv[2], argv[3], mib);
    }
    if ( argc == 3 && !strcmp(argv[1], "serve") )
        return serve(atoi(argv[2]));
    if ( argc == 5 && (!strcmp(argv[1], "send") || !strcmp(argv[1], "recv")) )
    {
        long mib = mib_arg(argv[4]);
        long long want = (long long)mib << 20, got;
        char req[64], ack[64] = "";
        uint64_t t0, t1;
        int s;

        if ( mib < 0 )
            return fprintf(stderr, "iobench: bad MiB '%s'\n", argv[4]), 2;
        s = dial(argv[2], argv[3]);
        if ( s < 0 )
            return die("connect");
        t0 = now_us();
        if ( argv[1][0] == 's' )
        {
            /* Timed until the server has counted every byte: not just
             * until they sit in our socket buffer. */
            if ( write_all(s, "sink\n", 5) || send_bytes(s, want) || shutdown(s, SHUT_WR) ||
                 read_line(s, ack, sizeof(ack)) )
                return die("send");
            got = atoll(ack);
        }
        else
        {
            snprintf(req, sizeof(req), "source %lld\n", want);
            if ( write_all(s, req, strlen(req)) )
                return die("request");
            got = drain(s);
        }
        t1 = now_us();
        close(s);
        if ( got != want )
        {
            fprintf(stderr, "iobench: %s: %lld bytes of %lld\n", argv[1], got, want);
            return 1;
        }
        result(argv[1][0] == 's' ? "net-send" : "net-recv", (uint64_t)want, t1 - t0);
        return 0;
    }
    if ( argc == 5 && !strcmp(argv[1], "cmd") )
    {
        int s = dial(argv[2], argv[3]);
        long long n;

        if ( s < 0 )
            return die("connect");
        if ( write_all(s, "cmd ", 4) || write_all(s, argv[4], strlen(argv[4])) ||
             write_all(s, "\n", 1) )
            return die("cmd");
        shutdown(s, SHUT_WR);
        for ( ;; )
        {
            char buf[4096];

            n = read(s, buf, sizeof(buf));
            if ( n <= 0 )
                break;
            if ( write_all(1, buf, (size_t)n) )
                break;
        }
        return n < 0;
    }
    fprintf(stderr, "usage: iobench disk read|write DEV MIB | serve PORT | "
                    "send|recv HOST PORT MIB | cmd HOST PORT COMMAND\n");
    return 2;
}
