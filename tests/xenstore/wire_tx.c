/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Transaction rules below what a client library lets one ask: raw
 * messages of Xen's io/xs_wire.h on the daemon's socket (XENSTORED_PATH),
 * for ids that are nested, unknown or another's, TRANSACTION_END's
 * argument, and the events of a commit. tests/xenstore/run runs it
 * against our daemon, tests/xenstore/on-xen against Xen's, with the same
 * expectations.
 *
 * Usage: wire_tx BASE. Prints one line per check and "N passed, N failed".
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <xen/io/xs_wire.h>

static int passed, failed;
static char base[128];

static void check(bool ok, const char *what)
{
    if ( ok )
        passed++;
    else
        failed++;
    printf("  %s: %s\n", ok ? "PASS" : "FAIL", what);
}

static int connect_daemon(void)
{
    const char *p = getenv("XENSTORED_PATH");
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    snprintf(a.sun_path, sizeof(a.sun_path), "%s",
             p ? p : "/run/xenstored/socket");
    if ( fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) )
    {
        perror("connect");
        exit(1);
    }
    return fd;
}

static bool read_all(int fd, void *buf, size_t len)
{
    char *p = buf;

    while ( len )
    {
        ssize_t n = read(fd, p, len);

        if ( n <= 0 )
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

struct msg {
    struct xsd_sockmsg h;
    char body[XENSTORE_PAYLOAD_MAX + 1];
};

/* Waits up to ms for the next message; false if none came. */
static bool next(int fd, struct msg *m, int ms)
{
    struct pollfd p = {fd, POLLIN, 0};

    if ( poll(&p, 1, ms) <= 0 || !read_all(fd, &m->h, sizeof(m->h)) ||
         m->h.len > XENSTORE_PAYLOAD_MAX || !read_all(fd, m->body, m->h.len) )
        return false;
    m->body[m->h.len] = 0;
    return true;
}

/* Sends one request; returns the reply (watch events are kept aside). */
static struct msg *req(int fd, uint32_t type, uint32_t tx, const char *p,
                       uint32_t len)
{
    static struct msg m;
    static uint32_t id;
    struct xsd_sockmsg h = {type, ++id, tx, len};

    if ( write(fd, &h, sizeof(h)) != sizeof(h) ||
         (len && write(fd, p, len) != (ssize_t)len) )
        exit(1);
    do
        if ( !next(fd, &m, 5000) )
        {
            fprintf(stderr, "no reply\n");
            exit(1);
        }
    while ( m.h.type == XS_WATCH_EVENT );
    return &m;
}

/* A request of NUL-separated parts given as one string with '|'. */
static struct msg *rq(int fd, uint32_t type, uint32_t tx, const char *fmt)
{
    char buf[512];
    size_t i, n;

    n = (size_t)snprintf(buf, sizeof(buf), fmt, base, base);
    for ( i = 0; i < n; i++ )
        if ( buf[i] == '|' )
            buf[i] = 0;
    return req(fd, type, tx, buf, (uint32_t)n + 1);
}

static bool is_err(const struct msg *m, const char *e)
{
    return m->h.type == XS_ERROR && !strcmp(m->body, e);
}

static void test_ids(int a, int b)
{
    struct msg *m = rq(a, XS_TRANSACTION_START, 0, "");
    uint32_t t = (uint32_t)strtoul(m->body, NULL, 10);

    check(m->h.type == XS_TRANSACTION_START && t, "TRANSACTION_START");
    m = rq(a, XS_TRANSACTION_START, t, "");
    check(is_err(m, "EBUSY"), "START inside a transaction: EBUSY");
    m = rq(a, XS_TRANSACTION_START, t + 1000, "");
    check(is_err(m, "ENOENT"), "START with an unknown id: ENOENT");
    m = rq(a, XS_READ, t + 1000, "%s");
    check(is_err(m, "ENOENT"), "READ with an unknown id: ENOENT");
    m = rq(b, XS_READ, t, "%s");
    check(is_err(m, "ENOENT"), "READ with another connection's id: ENOENT");
    m = rq(a, XS_TRANSACTION_END, 0, "X");
    check(is_err(m, "EINVAL"), "END with a bad argument and no id: EINVAL");
    m = rq(a, XS_TRANSACTION_END, 0, "T");
    check(is_err(m, "ENOENT"), "END with no id: ENOENT");
    m = req(a, XS_TRANSACTION_END, t, "T", 1);
    check(is_err(m, "EINVAL"), "END whose argument lacks its NUL: EINVAL");
    m = rq(a, XS_WATCH, t + 1000, "%s|tok");
    check(m->h.type == XS_WATCH, "WATCH ignores the id");
    m = rq(a, XS_UNWATCH, t + 1000, "%s|tok");
    check(m->h.type == XS_UNWATCH, "UNWATCH ignores the id");
    m = rq(a, XS_WRITE, t, "%s/in|v");
    check(m->h.type == XS_WRITE && m->h.tx_id == t,
          "a reply carries the request's id");
    m = rq(a, XS_TRANSACTION_END, t, "F");
    check(m->h.type == XS_TRANSACTION_END && m->h.tx_id == t, "END F");
    m = rq(a, XS_TRANSACTION_END, t, "F");
    check(is_err(m, "ENOENT"), "END again: ENOENT");
    m = rq(a, XS_READ, 0, "%s/in");
    check(is_err(m, "ENOENT"), "the aborted write is gone");
}

/* The events a watch on BASE/c gets, joined by spaces (BASE stripped). */
static const char *events(int fd)
{
    static char out[512];
    struct msg m;

    out[0] = 0;
    while ( next(fd, &m, 300) )
        if ( m.h.type == XS_WATCH_EVENT )
        {
            strcat(out, out[0] ? " " : "");
            strncat(out, m.body + strlen(base), 100);
        }
    return out;
}

static void test_events(int a, int b)
{
    struct msg *m;
    uint32_t t;

    rq(a, XS_WRITE, 0, "%s/c/x|1");
    rq(b, XS_WATCH, 0, "%s/c|w");
    check(!strcmp(events(b), "/c"), "a new watch fires at once");
    m = rq(a, XS_TRANSACTION_START, 0, "");
    t = (uint32_t)strtoul(m->body, NULL, 10);
    rq(a, XS_RM, t, "%s/c");
    m = rq(a, XS_READ, t, "%s/c/x");
    check(is_err(m, "ENOENT"), "removed inside the transaction");
    rq(a, XS_WRITE, t, "%s/c/new|2");
    rq(a, XS_WRITE, t, "%s/c/new|3");
    check(!strcmp(events(b), ""), "no event before the commit");
    m = rq(a, XS_TRANSACTION_END, t, "T");
    check(m->h.type == XS_TRANSACTION_END, "commit");
    check(!strcmp(events(b), "/c /c/new"),
          "RM then two writes below: one event per node, first access first");
    m = rq(a, XS_READ, 0, "%s/c/x");
    check(is_err(m, "ENOENT"), "the removed child is gone");
    m = rq(a, XS_READ, 0, "%s/c/new");
    check(m->h.type == XS_READ && !strcmp(m->body, "3"), "the new one is there");
    /* Removing a child that other clients' changes made stale: EAGAIN. */
    m = rq(a, XS_TRANSACTION_START, 0, "");
    t = (uint32_t)strtoul(m->body, NULL, 10);
    rq(a, XS_RM, t, "%s/c/new");
    rq(b, XS_WRITE, 0, "%s/c/new|4");
    events(b);
    m = rq(a, XS_TRANSACTION_END, t, "T");
    check(is_err(m, "EAGAIN"), "RM of a node changed meanwhile: EAGAIN");
    check(!strcmp(events(b), ""), "and no event");
    m = rq(a, XS_READ, 0, "%s/c/new");
    check(m->h.type == XS_READ && !strcmp(m->body, "4"), "the node stays");
    rq(b, XS_UNWATCH, 0, "%s/c|w");
}

static uint32_t start(int fd)
{
    return (uint32_t)strtoul(rq(fd, XS_TRANSACTION_START, 0, "")->body, NULL,
                             10);
}

/* Two transactions at once: the first to commit wins. */
static void test_races(int a, int b)
{
    uint32_t ta = start(a), tb = start(b);
    struct msg *m;

    /* Both create the same new node. */
    rq(a, XS_WRITE, ta, "%s/both|a");
    rq(b, XS_WRITE, tb, "%s/both|b");
    check(rq(a, XS_TRANSACTION_END, ta, "T")->h.type == XS_TRANSACTION_END,
          "the first creator commits");
    check(is_err(rq(b, XS_TRANSACTION_END, tb, "T"), "EAGAIN"),
          "the second gets EAGAIN");
    m = rq(a, XS_READ, 0, "%s/both");
    check(!strcmp(m->body, "a"), "the first one's value stays");
    /* Each reads what the other writes. */
    rq(a, XS_WRITE, 0, "%s/p|1");
    rq(a, XS_WRITE, 0, "%s/q|1");
    ta = start(a);
    tb = start(b);
    rq(a, XS_READ, ta, "%s/p");
    rq(b, XS_READ, tb, "%s/q");
    rq(a, XS_WRITE, ta, "%s/q|a");
    rq(b, XS_WRITE, tb, "%s/p|b");
    check(rq(a, XS_TRANSACTION_END, ta, "T")->h.type == XS_TRANSACTION_END,
          "crossed read-write: the first commits");
    check(is_err(rq(b, XS_TRANSACTION_END, tb, "T"), "EAGAIN"),
          "crossed read-write: the second gets EAGAIN");
    check(!strcmp(rq(a, XS_READ, 0, "%s/p")->body, "1"),
          "the loser's write is not applied");
    /* Different existing nodes: both commit. */
    ta = start(a);
    tb = start(b);
    rq(a, XS_WRITE, ta, "%s/p|2");
    rq(b, XS_WRITE, tb, "%s/q|2");
    check(rq(b, XS_TRANSACTION_END, tb, "T")->h.type == XS_TRANSACTION_END &&
              rq(a, XS_TRANSACTION_END, ta, "T")->h.type ==
                  XS_TRANSACTION_END,
          "transactions changing different nodes both commit");
    /* New siblings change their parent's child list: a conflict. */
    ta = start(a);
    tb = start(b);
    rq(a, XS_WRITE, ta, "%s/da|1");
    rq(b, XS_WRITE, tb, "%s/db|1");
    check(rq(b, XS_TRANSACTION_END, tb, "T")->h.type == XS_TRANSACTION_END,
          "the first to create a sibling commits");
    check(is_err(rq(a, XS_TRANSACTION_END, ta, "T"), "EAGAIN"),
          "the second creator of a sibling gets EAGAIN");
}

int main(int argc, char **argv)
{
    int a, b;

    if ( argc != 2 || argv[1][0] != '/' )
    {
        fprintf(stderr, "usage: %s /BASE\n", argv[0]);
        return 2;
    }
    snprintf(base, sizeof(base), "%s", argv[1]);
    a = connect_daemon();
    b = connect_daemon();
    rq(a, XS_RM, 0, "%s");
    rq(a, XS_MKDIR, 0, "%s");
    test_ids(a, b);
    test_events(a, b);
    test_races(a, b);
    rq(a, XS_RM, 0, "%s");
    close(a);
    close(b);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
