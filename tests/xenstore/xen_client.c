/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Transactions as a client written for Xen sees them: built as xen_client
 * this program uses only Debian's libxenstore (xenstore.h, -lxenstore:
 * Xen's own client library, not ours); built with -DXS_OURS as our_client
 * it uses our library instead, through the same API. Either talks to the
 * daemon at XENSTORED_PATH. Debian's command line tools cannot hold a
 * transaction open while another client changes the store, so the checks
 * are here.
 *
 * Usage: xen_client BASE (an absolute path it may use freely).
 * Prints one line per check and "N passed, N failed".
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef XS_OURS
#include <xenia/xs.h>
#else
#include <xenstore.h>
#endif

static int passed, failed;
static const char *base;

static void check(bool ok, const char *what)
{
    if ( ok )
        passed++;
    else
        failed++;
    printf("  %s: %s\n", ok ? "PASS" : "FAIL", what);
}

static char *path(const char *rel)
{
    static char buf[8][256];
    static unsigned i;
    char *p = buf[i++ % 8];

    snprintf(p, sizeof(buf[0]), "%s/%s", base, rel);
    return p;
}

static bool put(struct xs_handle *h, xs_transaction_t t, const char *rel,
                const char *v)
{
    return xs_write(h, t, path(rel), v, (unsigned)strlen(v));
}

/* The value as a string, or "ERR <errno name>". */
static const char *get(struct xs_handle *h, xs_transaction_t t,
                       const char *rel)
{
    static char out[256];
    unsigned len;
    char *v = xs_read(h, t, path(rel), &len);

    if ( !v )
        snprintf(out, sizeof(out), "ERR %s",
                 errno == ENOENT ? "ENOENT" : strerror(errno));
    else
        snprintf(out, sizeof(out), "%.*s", (int)len, v);
    free(v);
    return out;
}

/* The child names joined by spaces. */
static const char *list(struct xs_handle *h, xs_transaction_t t,
                        const char *rel)
{
    static char out[512];
    unsigned n, i;
    char **d = xs_directory(h, t, path(rel), &n);

    out[0] = 0;
    if ( !d )
        return "ERR";
    for ( i = 0; i < n; i++ )
    {
        strcat(out, i ? " " : "");
        strncat(out, d[i], sizeof(out) - strlen(out) - 2);
    }
    free(d);
    return out;
}

static unsigned nperms(struct xs_handle *h, xs_transaction_t t,
                       const char *rel)
{
    unsigned n = 0;
    struct xs_permissions *p = xs_get_permissions(h, t, path(rel), &n);

    free(p);
    return p ? n : 0;
}

/* Watch events that arrive within ms, their paths joined by spaces. */
static const char *events(struct xs_handle *h, int ms)
{
    static char out[1024];
    struct pollfd pfd = {xs_fileno(h), POLLIN, 0};
    char **ev;

    out[0] = 0;
    while ( poll(&pfd, 1, ms) > 0 )
    {
        while ( (ev = xs_check_watch(h)) )
        {
            strcat(out, out[0] ? " " : "");
            strncat(out, ev[XS_WATCH_PATH] + strlen(base),
                    sizeof(out) - strlen(out) - 2);
            free(ev);
        }
    }
    return out;
}

static void test_view(struct xs_handle *a, struct xs_handle *b)
{
    xs_transaction_t t;
    bool ok;
    int err;

    put(a, XBT_NULL, "n", "one");
    put(a, XBT_NULL, "d/k1", "");
    t = xs_transaction_start(b);
    check(t != XBT_NULL, "transaction start");
    check(!strcmp(get(b, t, "n"), "one"), "read in the transaction");
    check(!strcmp(list(b, t, "d"), "k1"), "directory in the transaction");
    check(nperms(b, t, "n") == 1, "permissions in the transaction");
    check(!strcmp(get(b, t, "absent"), "ERR ENOENT"), "a missing node");
    /* Another connection changes all four. */
    put(a, XBT_NULL, "n", "two");
    put(a, XBT_NULL, "d/k2", "");
    {
        struct xs_permissions p[2] = {{0, XS_PERM_NONE}, {5, XS_PERM_READ}};

        xs_set_permissions(a, XBT_NULL, path("n"), p, 2);
    }
    put(a, XBT_NULL, "absent", "x");
    check(!strcmp(get(b, t, "n"), "one"),
          "a value changed outside reads as first seen");
    check(!strcmp(list(b, t, "d"), "k1"),
          "a child added outside is not listed");
    check(nperms(b, t, "n") == 1, "an ACL changed outside reads as first seen");
    check(!strcmp(get(b, t, "absent"), "ERR ENOENT"),
          "a node created outside stays missing");
    check(!strcmp(get(a, XBT_NULL, "n"), "two"), "outside sees its change");
    put(b, t, "n", "mine");
    check(!strcmp(get(b, t, "n"), "mine"), "the transaction reads its write");
    check(!strcmp(get(a, XBT_NULL, "n"), "two"), "outside does not see it");
    ok = xs_transaction_end(b, t, false);
    err = errno;
    check(!ok && err == EAGAIN, "the commit fails with EAGAIN");
    check(!strcmp(get(a, XBT_NULL, "n"), "two"), "and changed nothing");
    ok = xs_transaction_end(b, t, false);
    check(!ok && errno == ENOENT, "the transaction is gone after EAGAIN");
    t = xs_transaction_start(b);
    get(b, t, "n");
    put(a, XBT_NULL, "n", "three");
    ok = xs_transaction_end(b, t, false);
    check(!ok && errno == EAGAIN, "a transaction that only read gets EAGAIN");
}

/* Xen's retry idiom: read-modify-write until the commit succeeds. */
static void test_retry(struct xs_handle *a, struct xs_handle *b)
{
    xs_transaction_t t;
    int tries = 0;
    bool ok;

    put(a, XBT_NULL, "count", "1");
    do
    {
        int v;

        t = xs_transaction_start(b);
        v = atoi(get(b, t, "count"));
        if ( tries++ == 0 )
            put(a, XBT_NULL, "count", "10");
        {
            char s[16];

            snprintf(s, sizeof(s), "%d", v + 1);
            put(b, t, "count", s);
        }
        ok = xs_transaction_end(b, t, false);
    } while ( !ok && errno == EAGAIN && tries < 5 );
    check(ok && tries == 2, "the retry loop succeeds on its second round");
    check(!strcmp(get(a, XBT_NULL, "count"), "11"),
          "with the value the other client wrote, plus one");
}

static void test_events(struct xs_handle *a, struct xs_handle *b)
{
    xs_transaction_t t;

    put(a, XBT_NULL, "w/b", "0");
    xs_watch(a, path("w"), "tok");
    check(!strcmp(events(a, 300), "/w"), "the watch fires once at once");
    t = xs_transaction_start(b);
    get(b, t, "w/b");
    put(b, t, "w/a", "1");
    put(b, t, "w/a", "2");
    put(b, t, "w/b", "3");
    check(!strcmp(events(a, 300), ""), "no event before the commit");
    check(xs_transaction_end(b, t, false), "commit");
    check(!strcmp(events(a, 300), "/w/b /w/a"),
          "one event per node, in the order the nodes were first accessed");
    t = xs_transaction_start(b);
    get(b, t, "w/b");
    put(b, t, "w/c", "1");
    put(a, XBT_NULL, "w/b", "4");
    check(!strcmp(events(a, 300), "/w/b"), "the outside write fires");
    check(!xs_transaction_end(b, t, false) && errno == EAGAIN,
          "conflicting commit");
    check(!strcmp(events(a, 300), ""), "a failed commit fires nothing");
    t = xs_transaction_start(b);
    put(b, t, "w/d", "1");
    check(xs_transaction_end(b, t, true), "abort");
    check(!strcmp(events(a, 300), ""), "an aborted transaction fires nothing");
    check(!strcmp(get(a, XBT_NULL, "w/d"), "ERR ENOENT"),
          "and changes nothing");
    xs_unwatch(a, path("w"), "tok");
}

static void test_rm(struct xs_handle *a, struct xs_handle *b)
{
    xs_transaction_t t;

    put(a, XBT_NULL, "r/x/y", "v");
    put(a, XBT_NULL, "r/z", "v");
    t = xs_transaction_start(b);
    check(xs_rm(b, t, path("r/x")), "rm in a transaction");
    check(!strcmp(get(b, t, "r/x/y"), "ERR ENOENT"),
          "the subtree is gone inside");
    check(!strcmp(list(b, t, "r"), "z"), "and from its parent's list");
    check(!strcmp(get(a, XBT_NULL, "r/x/y"), "v"), "but not outside");
    check(xs_transaction_end(b, t, false), "commit");
    check(!strcmp(get(a, XBT_NULL, "r/x/y"), "ERR ENOENT"),
          "gone outside after the commit");
    check(!strcmp(list(a, XBT_NULL, "r"), "z"), "the parent lists the rest");
}

static void test_ids(struct xs_handle *a, struct xs_handle *b)
{
    xs_transaction_t t = xs_transaction_start(b);
    char *v;
    unsigned len;

    v = xs_read(a, t, path("n"), &len);
    check(!v && errno == ENOENT, "another connection's id is unknown (ENOENT)");
    free(v);
    v = xs_read(b, t + 1000, path("n"), &len);
    check(!v && errno == ENOENT, "an unknown id gives ENOENT");
    free(v);
    check(xs_transaction_end(b, t, true), "abort");
    check(!xs_transaction_end(b, t, true) && errno == ENOENT,
          "ending it twice gives ENOENT");
}

int main(int argc, char **argv)
{
    struct xs_handle *a, *b;

    if ( argc != 2 || argv[1][0] != '/' )
    {
        fprintf(stderr, "usage: %s /BASE\n", argv[0]);
        return 2;
    }
    base = argv[1];
    a = xs_open(0);
    b = xs_open(0);
    if ( !a || !b )
    {
        perror("xs_open");
        return 1;
    }
    xs_rm(a, XBT_NULL, base);
    test_view(a, b);
    test_retry(a, b);
    test_events(a, b);
    test_rm(a, b);
    test_ids(a, b);
    xs_close(a);
    xs_close(b);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
