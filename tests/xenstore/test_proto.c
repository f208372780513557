/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests of message parsing and every request type, without sockets. */
#include "check.h"
#include "fake.h"
#include "quota.h"

#define S(lit) lit, (uint32_t)sizeof(lit)

static char body[8192];
static uint32_t blen;

static int call(struct fake *f, uint32_t type, uint32_t tx, const char *p,
                uint32_t len)
{
    return fake_call(f, type, tx, p, len, body, &blen);
}

static void test_basic(struct fake *f)
{
    struct xsd_sockmsg m;

    CHECK_EQ(call(f, XS_WRITE, 0, "/a/b\0hello", 10), XS_WRITE);
    CHECK_STR(body, "OK");
    CHECK_EQ(blen, 3);
    CHECK_EQ(call(f, XS_READ, 0, S("/a/b")), XS_READ);
    CHECK_EQ(blen, 5);
    CHECK(!memcmp(body, "hello", 5));
    /* Values are binary: NULs inside are kept. */
    CHECK_EQ(call(f, XS_WRITE, 0, "/a/bin\0x\0y", 10), XS_WRITE);
    CHECK_EQ(call(f, XS_READ, 0, S("/a/bin")), XS_READ);
    CHECK_EQ(blen, 3);
    CHECK(!memcmp(body, "x\0y", 3));
    CHECK_EQ(call(f, XS_READ, 0, S("/nope")), XS_ERROR);
    CHECK_STR(body, "ENOENT");
    CHECK_EQ(call(f, XS_MKDIR, 0, S("/a/dir")), XS_MKDIR);
    CHECK_EQ(call(f, XS_DIRECTORY, 0, S("/a")), XS_DIRECTORY);
    CHECK_EQ(blen, 10);
    CHECK(!memcmp(body, "b\0bin\0dir\0", 10));
    CHECK_EQ(call(f, XS_GET_PERMS, 0, S("/a")), XS_GET_PERMS);
    CHECK_STR(body, "n0");
    CHECK_EQ(call(f, XS_SET_PERMS, 0, S("/a\0n0\0r3")), XS_SET_PERMS);
    CHECK_EQ(call(f, XS_GET_PERMS, 0, S("/a")), XS_GET_PERMS);
    CHECK_EQ(blen, 6);
    CHECK(!memcmp(body, "n0\0r3\0", 6));
    CHECK_EQ(call(f, XS_SET_PERMS, 0, S("/a\0q0")), XS_ERROR);
    CHECK_STR(body, "EINVAL");
    CHECK_EQ(call(f, XS_RM, 0, S("/a/missing")), XS_RM);
    CHECK_EQ(call(f, XS_RM, 0, S("/zz/missing")), XS_ERROR);
    CHECK_STR(body, "ENOENT");
    CHECK_EQ(call(f, XS_RM, 0, S("/")), XS_ERROR);
    CHECK_STR(body, "EINVAL");
    CHECK_EQ(call(f, XS_RM, 0, S("/a")), XS_RM);
    CHECK_EQ(call(f, XS_READ, 0, S("/a/b")), XS_ERROR);
    /* req_id and tx_id come back as sent. */
    fake_send(f, XS_GET_DOMAIN_PATH, 0, S("7"));
    CHECK_EQ(fake_next(f, &m, body), XS_GET_DOMAIN_PATH);
    CHECK_STR(body, "/local/domain/7");
    CHECK(m.req_id > 100);
    CHECK_EQ(call(f, XS_IS_DOMAIN_INTRODUCED, 0, S("9")),
             XS_IS_DOMAIN_INTRODUCED);
    CHECK_STR(body, "F");
    CHECK_EQ(call(f, XS_IS_DOMAIN_INTRODUCED, 0, S("0")),
             XS_IS_DOMAIN_INTRODUCED);
    CHECK_STR(body, "T");
    CHECK_EQ(call(f, XS_RELEASE, 0, S("9")), XS_ERROR);
    CHECK_STR(body, "ENOENT");
    CHECK_EQ(call(f, XS_SET_TARGET, 0,
                  S("9\0"
                    "10")),
             XS_ERROR);
    CHECK_STR(body, "ENOENT");
    /* Relative paths of dom0's tools live under /local/domain/0. */
    CHECK_EQ(call(f, XS_WRITE, 0, "rel\0v", 5), XS_WRITE);
    CHECK_EQ(call(f, XS_READ, 0, S("/local/domain/0/rel")), XS_READ);
}

static void test_malformed(struct fake *f)
{
    /* No terminator, two strings where one is wanted, bad characters. */
    CHECK_EQ(call(f, XS_READ, 0, "/a", 2), XS_ERROR);
    CHECK_STR(body, "EINVAL");
    CHECK_EQ(call(f, XS_READ, 0, S("/a\0/b")), XS_ERROR);
    CHECK_EQ(call(f, XS_READ, 0, S("/a b")), XS_ERROR);
    CHECK_EQ(call(f, XS_READ, 0, S("/a//b")), XS_ERROR);
    CHECK_EQ(call(f, XS_READ, 0, S("/a/")), XS_ERROR);
    CHECK_EQ(call(f, XS_WRITE, 0, "/nonul", 6), XS_ERROR);
    CHECK_EQ(call(f, XS_READ, 0, "", 0), XS_ERROR);
    CHECK_EQ(call(f, XS_WATCH, 0, S("/a")), XS_ERROR);
    CHECK_EQ(call(f, 999, 0, S("/a")), XS_ERROR);
    CHECK_STR(body, "ENOSYS");
    CHECK_EQ(call(f, XS_WATCH_EVENT, 0, S("/a")), XS_ERROR);
    CHECK_STR(body, "ENOSYS");
    CHECK_EQ(call(f, XS_ERROR, 0, S("/a")), XS_ERROR);
    CHECK_EQ(call(f, XS_READ, 12345, S("/a")), XS_ERROR);
    CHECK_STR(body, "ENOENT");
    CHECK_EQ(call(f, XS_CONTROL, 0, S("nosuch")), XS_ERROR);
    CHECK_STR(body, "EINVAL");
}

static void test_dirpart(struct fake *f)
{
    char path[64], gen[32];
    uint32_t off = 0, names = 0, i;
    int parts = 0;

    for ( i = 0; i < 300; i++ )
    {
        snprintf(path, sizeof(path), "/big/child-with-a-long-name-%03u", i);
        fake_send(f, XS_MKDIR, 0, path, (uint32_t)strlen(path) + 1);
    }
    fake_drain(f);
    f->len = 0;
    CHECK_EQ(call(f, XS_DIRECTORY, 0, S("/big")), XS_ERROR);
    CHECK_STR(body, "E2BIG");
    gen[0] = 0;
    for ( ;; )
    {
        char req[64];
        uint32_t l = (uint32_t)snprintf(req, sizeof(req), "/big%c%u", 0, off);
        uint32_t gl, p;

        CHECK_EQ(call(f, XS_DIRECTORY_PART, 0, req, l + 1), XS_DIRECTORY_PART);
        parts++;
        gl = (uint32_t)strlen(body) + 1;
        if ( gen[0] )
            CHECK_STR(body, gen);
        strcpy(gen, body);
        CHECK(blen <= XENSTORE_PAYLOAD_MAX);
        for ( p = gl; p < blen && body[p]; p += (uint32_t)strlen(body + p) + 1 )
            names++;
        if ( p < blen )
            break; /* the empty name: end */
        off += blen - gl;
    }
    CHECK_EQ(names, 300);
    CHECK(parts >= 2);
    if ( parts < 2 )
        fprintf(stderr, "parts %d\n", parts);
}

static void test_watches(struct fake *f, struct fake *g)
{
    struct xsd_sockmsg m;

    fake_send(f, XS_WATCH, 0, S("/w\0tok"));
    CHECK_EQ(fake_next(f, &m, body), XS_WATCH);
    CHECK_EQ(fake_next(f, &m, body), XS_WATCH_EVENT);
    CHECK(!memcmp(body, "/w\0tok\0", 7));
    CHECK_EQ(m.req_id, 0);
    CHECK_EQ(call(f, XS_WATCH, 0, S("/w\0tok")), XS_ERROR);
    CHECK_STR(body, "EEXIST");
    /* Another client's write below the watch fires it. */
    CHECK_EQ(call(g, XS_WRITE, 0, "/w/x/y\0v", 8), XS_WRITE);
    CHECK_EQ(fake_next(f, &m, body), XS_WATCH_EVENT);
    CHECK_STR(body, "/w/x/y");
    CHECK_EQ(call(g, XS_WRITE, 0, "/wother\0v", 9), XS_WRITE);
    CHECK_EQ(fake_next(f, &m, body), -1);
    /* Removing a parent reports the watched path. */
    fake_send(f, XS_WATCH, 0, S("/w/x/y/z\0deep"));
    fake_drain(f);
    f->len = 0;
    CHECK_EQ(call(g, XS_RM, 0, S("/w/x")), XS_RM);
    CHECK_EQ(fake_next(f, &m, body), XS_WATCH_EVENT);
    CHECK_STR(body, "/w/x");
    CHECK_EQ(fake_next(f, &m, body), XS_WATCH_EVENT);
    CHECK_STR(body, "/w/x/y/z");
    CHECK_STR(body + strlen(body) + 1, "deep");
    CHECK_EQ(call(f, XS_UNWATCH, 0, S("/w\0nosuch")), XS_ERROR);
    CHECK_STR(body, "ENOENT");
    CHECK_EQ(call(f, XS_UNWATCH, 0, S("/w\0tok")), XS_UNWATCH);
    CHECK_EQ(call(g, XS_WRITE, 0, "/w/q\0v", 6), XS_WRITE);
    CHECK_EQ(fake_next(f, &m, body), -1);
    /* Transactions: events only on commit. */
    fake_send(f, XS_WATCH, 0, S("/tw\0t"));
    fake_drain(f);
    f->len = 0;
    CHECK_EQ(call(g, XS_TRANSACTION_START, 0, "", 1), XS_TRANSACTION_START);
    {
        uint32_t tx = (uint32_t)strtoul(body, NULL, 10);

        CHECK(tx != 0);
        CHECK_EQ(call(g, XS_WRITE, tx, "/tw/a\0v", 7), XS_WRITE);
        CHECK_EQ(fake_next(f, &m, body), -1);
        fake_send(g, XS_TRANSACTION_END, tx, S("T"));
        CHECK_EQ(fake_next(g, &m, body), XS_TRANSACTION_END);
        CHECK_EQ(m.tx_id, tx);
        CHECK_EQ(fake_next(f, &m, body), XS_WATCH_EVENT);
        CHECK_STR(body, "/tw/a");
    }
    CHECK_EQ(call(f, XS_RESET_WATCHES, 0, "", 1), XS_RESET_WATCHES);
    CHECK_EQ(f->c->watches.n, 0);
}

static void test_transactions(struct fake *f, struct fake *g)
{
    uint32_t t1, t2;

    call(f, XS_WRITE, 0,
         "/tx/n\0"
         "1",
         7);
    call(f, XS_TRANSACTION_START, 0, "", 1);
    t1 = (uint32_t)strtoul(body, NULL, 10);
    call(g, XS_TRANSACTION_START, 0, "", 1);
    t2 = (uint32_t)strtoul(body, NULL, 10);
    CHECK_EQ(call(f, XS_TRANSACTION_START, t1, "", 1), XS_ERROR);
    CHECK_STR(body, "EBUSY");
    CHECK_EQ(call(f, XS_READ, t1, S("/tx/n")), XS_READ);
    CHECK_EQ(call(f, XS_WRITE, t1,
                  "/tx/n\0"
                  "2",
                  7),
             XS_WRITE);
    CHECK_EQ(call(g, XS_READ, t2, S("/tx/n")), XS_READ);
    CHECK_EQ(body[0], '1');
    CHECK_EQ(call(g, XS_WRITE, t2,
                  "/tx/n\0"
                  "3",
                  7),
             XS_WRITE);
    CHECK_EQ(call(f, XS_TRANSACTION_END, t1, S("X")), XS_ERROR);
    CHECK_STR(body, "EINVAL");
    CHECK_EQ(call(f, XS_TRANSACTION_END, t1, S("T")), XS_TRANSACTION_END);
    CHECK_EQ(call(g, XS_TRANSACTION_END, t2, S("T")), XS_ERROR);
    CHECK_STR(body, "EAGAIN");
    CHECK_EQ(call(g, XS_TRANSACTION_END, t2, S("T")), XS_ERROR);
    CHECK_STR(body, "ENOENT");
    CHECK_EQ(call(g, XS_READ, 0, S("/tx/n")), XS_READ);
    CHECK_EQ(body[0], '2');
    CHECK_EQ(call(g, XS_TRANSACTION_END, 0, S("T")), XS_ERROR);
    CHECK_STR(body, "ENOENT");
    /* Abort discards. */
    call(g, XS_TRANSACTION_START, 0, "", 1);
    t2 = (uint32_t)strtoul(body, NULL, 10);
    call(g, XS_WRITE, t2, "/tx/gone\0v", 10);
    CHECK_EQ(call(g, XS_TRANSACTION_END, t2, S("F")), XS_TRANSACTION_END);
    CHECK_EQ(call(g, XS_READ, 0, S("/tx/gone")), XS_ERROR);
}

static uint32_t tx_start(struct fake *f)
{
    if ( call(f, XS_TRANSACTION_START, 0, "", 1) != XS_TRANSACTION_START )
        return 0;
    return (uint32_t)strtoul(body, NULL, 10);
}

/*
 * Xen's view: a transaction sees each node as it was at its first access
 * (value, children, ACL, existence) plus its own changes, whatever other
 * clients do meanwhile; its commit then fails with EAGAIN.
 */
static void test_tx_view(struct fake *f, struct fake *g)
{
    uint32_t t;

    call(f, XS_WRITE, 0, "/tv/n\0one", 9);
    call(f, XS_WRITE, 0, "/tv/d/k1\0", 9);
    t = tx_start(g);
    CHECK(t != 0);
    CHECK_EQ(call(g, XS_READ, t, S("/tv/n")), XS_READ);
    CHECK_STR(body, "one");
    CHECK_EQ(call(g, XS_DIRECTORY, t, S("/tv/d")), XS_DIRECTORY);
    CHECK(blen == 3 && !memcmp(body, "k1\0", 3));
    CHECK_EQ(call(g, XS_GET_PERMS, t, S("/tv/n")), XS_GET_PERMS);
    CHECK_STR(body, "n0");
    CHECK_EQ(call(g, XS_READ, t, S("/tv/absent")), XS_ERROR);
    CHECK_STR(body, "ENOENT");
    /* Another client changes all four outside the transaction. */
    CHECK_EQ(call(f, XS_WRITE, 0, "/tv/n\0two", 9), XS_WRITE);
    CHECK_EQ(call(f, XS_WRITE, 0, "/tv/d/k2\0", 9), XS_WRITE);
    CHECK_EQ(call(f, XS_SET_PERMS, 0, S("/tv/n\0n0\0r5")), XS_SET_PERMS);
    CHECK_EQ(call(f, XS_WRITE, 0, "/tv/absent\0x", 12), XS_WRITE);
    CHECK_EQ(call(g, XS_READ, t, S("/tv/n")), XS_READ);
    CHECK_STR(body, "one");
    CHECK_EQ(call(g, XS_DIRECTORY, t, S("/tv/d")), XS_DIRECTORY);
    CHECK(blen == 3 && !memcmp(body, "k1\0", 3));
    CHECK_EQ(call(g, XS_GET_PERMS, t, S("/tv/n")), XS_GET_PERMS);
    CHECK(blen == 3 && !memcmp(body, "n0\0", 3));
    CHECK_EQ(call(g, XS_READ, t, S("/tv/absent")), XS_ERROR);
    CHECK_STR(body, "ENOENT");
    /*
     * Looking up the missing node read its parent too (for ENOENT versus
     * EACCES), so the parent's listing is the first one as well.
     */
    CHECK_EQ(call(g, XS_DIRECTORY, t, S("/tv")), XS_DIRECTORY);
    CHECK(blen == 4 && !memcmp(body, "n\0d\0", 4));
    /* Its own changes on top of its view. */
    CHECK_EQ(call(g, XS_WRITE, t, "/tv/n\0mine", 10), XS_WRITE);
    CHECK_EQ(call(g, XS_READ, t, S("/tv/n")), XS_READ);
    CHECK_STR(body, "mine");
    CHECK_EQ(call(g, XS_WRITE, t, "/tv/d/k3\0", 9), XS_WRITE);
    CHECK_EQ(call(g, XS_DIRECTORY, t, S("/tv/d")), XS_DIRECTORY);
    CHECK(blen == 6 && !memcmp(body, "k1\0k3\0", 6));
    CHECK_EQ(call(f, XS_READ, 0, S("/tv/n")), XS_READ);
    CHECK_STR(body, "two");
    CHECK_EQ(call(g, XS_TRANSACTION_END, t, S("T")), XS_ERROR);
    CHECK_STR(body, "EAGAIN");
    CHECK_EQ(call(f, XS_READ, 0, S("/tv/n")), XS_READ);
    CHECK_STR(body, "two");
    CHECK_EQ(call(f, XS_READ, 0, S("/tv/d/k3")), XS_ERROR);

    /* Only a read is needed for the conflict: the retry succeeds. */
    t = tx_start(g);
    CHECK_EQ(call(g, XS_READ, t, S("/tv/n")), XS_READ);
    CHECK_EQ(call(g, XS_WRITE, t, "/tv/other\0z", 11), XS_WRITE);
    call(f, XS_WRITE, 0, "/tv/n\0three", 11);
    CHECK_EQ(call(g, XS_TRANSACTION_END, t, S("T")), XS_ERROR);
    CHECK_STR(body, "EAGAIN");
    t = tx_start(g);
    CHECK_EQ(call(g, XS_READ, t, S("/tv/n")), XS_READ);
    CHECK_EQ(call(g, XS_WRITE, t, "/tv/other\0z", 11), XS_WRITE);
    CHECK_EQ(call(g, XS_TRANSACTION_END, t, S("T")), XS_TRANSACTION_END);
    CHECK_EQ(call(f, XS_READ, 0, S("/tv/other")), XS_READ);
    /* A node found absent and created meanwhile is a conflict too. */
    t = tx_start(g);
    CHECK_EQ(call(g, XS_READ, t, S("/tv/late")), XS_ERROR);
    call(f, XS_WRITE, 0, "/tv/late\0x", 10);
    CHECK_EQ(call(g, XS_WRITE, t, "/tv/other\0y", 11), XS_WRITE);
    CHECK_EQ(call(g, XS_TRANSACTION_END, t, S("T")), XS_ERROR);
    CHECK_STR(body, "EAGAIN");
    /* A transaction that only read gets EAGAIN too: its view was stale. */
    t = tx_start(g);
    CHECK_EQ(call(g, XS_READ, t, S("/tv/n")), XS_READ);
    call(f, XS_WRITE, 0, "/tv/n\0ro", 9);
    CHECK_EQ(call(g, XS_TRANSACTION_END, t, S("T")), XS_ERROR);
    CHECK_STR(body, "EAGAIN");
    /* Changes elsewhere are no conflict. */
    t = tx_start(g);
    CHECK_EQ(call(g, XS_READ, t, S("/tv/n")), XS_READ);
    call(f, XS_WRITE, 0, "/tv/unrelated\0x", 15);
    CHECK_EQ(call(g, XS_WRITE, t, "/tv/n\0four", 10), XS_WRITE);
    CHECK_EQ(call(g, XS_TRANSACTION_END, t, S("T")), XS_TRANSACTION_END);
    CHECK_EQ(call(f, XS_READ, 0, S("/tv/n")), XS_READ);
    CHECK_STR(body, "four");
}

/* RM inside a transaction: seen inside at once, outside after commit. */
static void test_tx_rm(struct fake *f, struct fake *g)
{
    struct xsd_sockmsg m;
    uint32_t t;

    call(f, XS_WRITE, 0, "/tr/a/b\0v", 9);
    call(f, XS_WRITE, 0, "/tr/c\0v", 7);
    fake_send(f, XS_WATCH, 0, S("/tr/a\0rm"));
    fake_drain(f);
    f->len = 0;
    t = tx_start(g);
    CHECK_EQ(call(g, XS_RM, t, S("/tr/a")), XS_RM);
    CHECK_EQ(call(g, XS_READ, t, S("/tr/a/b")), XS_ERROR);
    CHECK_STR(body, "ENOENT");
    CHECK_EQ(call(g, XS_DIRECTORY, t, S("/tr")), XS_DIRECTORY);
    CHECK(blen == 2 && !memcmp(body, "c\0", 2));
    /* Removing what is already gone in the view: fine, its parent is. */
    CHECK_EQ(call(g, XS_RM, t, S("/tr/a")), XS_RM);
    CHECK_EQ(call(g, XS_RM, t, S("/tr/a/b")), XS_ERROR);
    CHECK_STR(body, "ENOENT");
    CHECK_EQ(call(f, XS_READ, 0, S("/tr/a/b")), XS_READ);
    CHECK_EQ(fake_next(f, &m, body), -1);
    CHECK_EQ(call(g, XS_TRANSACTION_END, t, S("T")), XS_TRANSACTION_END);
    CHECK_EQ(fake_next(f, &m, body), XS_WATCH_EVENT);
    CHECK_STR(body, "/tr/a");
    CHECK_EQ(fake_next(f, &m, body), -1);
    CHECK_EQ(call(f, XS_READ, 0, S("/tr/a/b")), XS_ERROR);
    CHECK_EQ(call(f, XS_DIRECTORY, 0, S("/tr")), XS_DIRECTORY);
    CHECK(blen == 2 && !memcmp(body, "c\0", 2));
    /* RM then write again in one transaction: one event, the new node. */
    fake_send(f, XS_WATCH, 0, S("/tr/c\0c"));
    fake_drain(f);
    f->len = 0;
    t = tx_start(g);
    CHECK_EQ(call(g, XS_RM, t, S("/tr/c")), XS_RM);
    CHECK_EQ(call(g, XS_WRITE, t, "/tr/c/new\0n", 11), XS_WRITE);
    CHECK_EQ(call(g, XS_TRANSACTION_END, t, S("T")), XS_TRANSACTION_END);
    CHECK_EQ(fake_next(f, &m, body), XS_WATCH_EVENT);
    CHECK_STR(body, "/tr/c");
    CHECK_EQ(fake_next(f, &m, body), XS_WATCH_EVENT);
    CHECK_STR(body, "/tr/c/new");
    CHECK_EQ(fake_next(f, &m, body), -1);
    CHECK_EQ(call(f, XS_READ, 0, S("/tr/c")), XS_READ);
    CHECK_EQ(blen, 0);
    call(f, XS_UNWATCH, 0, S("/tr/a\0rm"));
    call(f, XS_UNWATCH, 0, S("/tr/c\0c"));
}

/*
 * Watches hear of a transaction's changes only if it commits, once per
 * node however often it changed, in the order the nodes were first seen.
 */
static void test_tx_events(struct fake *f, struct fake *g)
{
    struct xsd_sockmsg m;
    uint32_t t;

    call(f, XS_WRITE, 0, "/te/b\0v", 7);
    fake_send(f, XS_WATCH, 0, S("/te\0ev"));
    fake_drain(f);
    f->len = 0;
    t = tx_start(g);
    CHECK_EQ(call(g, XS_READ, t, S("/te/b")), XS_READ);
    CHECK_EQ(call(g, XS_WRITE, t, "/te/a\0" "1", 7), XS_WRITE);
    CHECK_EQ(call(g, XS_WRITE, t, "/te/a\0" "2", 7), XS_WRITE);
    CHECK_EQ(call(g, XS_WRITE, t, "/te/b\0" "3", 7), XS_WRITE);
    CHECK_EQ(fake_next(f, &m, body), -1);
    CHECK_EQ(call(g, XS_TRANSACTION_END, t, S("T")), XS_TRANSACTION_END);
    CHECK_EQ(fake_next(f, &m, body), XS_WATCH_EVENT);
    CHECK_STR(body, "/te/b");
    CHECK_EQ(fake_next(f, &m, body), XS_WATCH_EVENT);
    CHECK_STR(body, "/te/a");
    CHECK_EQ(fake_next(f, &m, body), -1);
    /* A failed commit and an abort fire nothing. */
    t = tx_start(g);
    CHECK_EQ(call(g, XS_READ, t, S("/te/b")), XS_READ);
    CHECK_EQ(call(g, XS_WRITE, t, "/te/x\0" "1", 7), XS_WRITE);
    call(f, XS_WRITE, 0, "/te/b\0" "4", 7);
    CHECK_EQ(call(g, XS_TRANSACTION_END, t, S("T")), XS_ERROR);
    CHECK_STR(body, "EAGAIN");
    CHECK_EQ(fake_next(f, &m, body), -1);
    t = tx_start(g);
    CHECK_EQ(call(g, XS_WRITE, t, "/te/y\0" "1", 7), XS_WRITE);
    CHECK_EQ(call(g, XS_TRANSACTION_END, t, S("F")), XS_TRANSACTION_END);
    CHECK_EQ(fake_next(f, &m, body), -1);
    call(f, XS_UNWATCH, 0, S("/te\0ev"));
}

/* Transaction ids and TRANSACTION_END's argument, as Xen checks them. */
static void test_tx_ids(struct fake *f, struct fake *g)
{
    uint32_t t = tx_start(g);

    /* Ids belong to a connection. */
    CHECK_EQ(call(f, XS_READ, t, S("/tv/n")), XS_ERROR);
    CHECK_STR(body, "ENOENT");
    CHECK_EQ(call(g, XS_READ, t + 1000, S("/tv/n")), XS_ERROR);
    CHECK_STR(body, "ENOENT");
    CHECK_EQ(call(g, XS_TRANSACTION_START, t + 1000, "", 1), XS_ERROR);
    CHECK_STR(body, "ENOENT");
    CHECK_EQ(call(g, XS_TRANSACTION_START, t, "", 1), XS_ERROR);
    CHECK_STR(body, "EBUSY");
    CHECK_EQ(call(g, XS_TRANSACTION_END, 0, S("X")), XS_ERROR);
    CHECK_STR(body, "EINVAL");
    CHECK_EQ(call(g, XS_TRANSACTION_END, t, "T", 1), XS_ERROR);
    CHECK_STR(body, "EINVAL");
    /* WATCH ignores the id, as in Xen. */
    CHECK_EQ(call(g, XS_WATCH, t + 1000, S("/tv\0i")), XS_WATCH);
    CHECK_EQ(call(g, XS_UNWATCH, t + 1000, S("/tv\0i")), XS_UNWATCH);
    CHECK_EQ(call(g, XS_TRANSACTION_END, t, S("F")), XS_TRANSACTION_END);
    CHECK_EQ(call(g, XS_TRANSACTION_END, t, S("F")), XS_ERROR);
    CHECK_STR(body, "ENOENT");
}

static void test_unprivileged(struct fake *f)
{
    struct fake *u = fake_client(3, false);
    struct xsd_sockmsg m;
    int i, t = 0;

    call(f, XS_WRITE, 0, "/local/domain/3/name\0g", 22);
    call(f, XS_SET_PERMS, 0, S("/local/domain/3\0n3"));
    CHECK_EQ(call(u, XS_READ, 0, S("name")), XS_ERROR); /* n0 on name */
    CHECK_STR(body, "EACCES");
    CHECK_EQ(call(u, XS_WRITE, 0, "data/x\0v", 8), XS_WRITE);
    CHECK_EQ(call(u, XS_READ, 0, S("data/x")), XS_READ);
    CHECK_EQ(call(u, XS_READ, 0, S("/tool")), XS_ERROR);
    CHECK_STR(body, "EACCES");
    CHECK_EQ(call(u, XS_INTRODUCE, 0,
                  S("4\0"
                    "1\0"
                    "1")),
             XS_ERROR);
    CHECK_STR(body, "EACCES");
    CHECK_EQ(call(u, XS_CONTROL, 0, S("check")), XS_ERROR);
    CHECK_STR(body, "EACCES");
    CHECK_EQ(call(u, XS_SET_PERMS, 0, S("data\0n4")), XS_ERROR);
    CHECK_STR(body, "EPERM");
    /* A relative watch reports relative paths. */
    fake_send(u, XS_WATCH, 0, S("data\0rel"));
    CHECK_EQ(fake_next(u, &m, body), XS_WATCH);
    CHECK_EQ(fake_next(u, &m, body), XS_WATCH_EVENT);
    CHECK_STR(body, "data");
    call(f, XS_WRITE, 0, "/local/domain/3/data/y\0v", 24);
    CHECK_EQ(fake_next(u, &m, body), XS_WATCH_EVENT);
    CHECK_STR(body, "data/y");
    /* A node it may not read: Xen tells it anyway, it can read the parent. */
    call(f, XS_SET_PERMS, 0, S("/local/domain/3/data/y\0n0"));
    CHECK_EQ(fake_next(u, &m, body), XS_WATCH_EVENT);
    CHECK_STR(body, "data/y");
    call(f, XS_WRITE, 0, "/local/domain/3/data/y\0w", 24);
    CHECK_EQ(fake_next(u, &m, body), XS_WATCH_EVENT);
    CHECK_STR(body, "data/y");
    CHECK_EQ(call(u, XS_READ, 0, S("data/y")), XS_ERROR);
    CHECK_STR(body, "EACCES");
    call(f, XS_SET_PERMS, 0, S("/local/domain/3/data/y\0n3"));
    CHECK_EQ(fake_next(u, &m, body), XS_WATCH_EVENT);
    /* Not if it may read neither (a node below /tool). */
    call(f, XS_WRITE, 0, "/tool/x\0v", 10);
    call(f, XS_SET_PERMS, 0, S("/tool\0n0"));
    call(f, XS_SET_PERMS, 0, S("/tool/x\0n0"));
    fake_send(u, XS_WATCH, 0, S("/tool/x\0tool"));
    CHECK_EQ(fake_next(u, &m, body), XS_WATCH);
    CHECK_EQ(fake_next(u, &m, body), XS_WATCH_EVENT); /* the first one */
    call(f, XS_WRITE, 0, "/tool/x\0w", 10);
    CHECK_EQ(fake_next(u, &m, body), -1);
    /* In a transaction: the ACL the transaction first saw counts too. */
    {
        uint32_t tx = tx_start(f);

        call(f, XS_SET_PERMS, 0, S("/tool/x\0n0\0r3"));
        CHECK_EQ(fake_next(u, &m, body), XS_WATCH_EVENT);
        /* Recreated, it takes /tool's ACL, which 3 may not read. */
        CHECK_EQ(call(f, XS_RM, tx, S("/tool/x")), XS_RM);
        CHECK_EQ(call(f, XS_WRITE, tx, "/tool/x\0z", 10), XS_WRITE);
        CHECK_EQ(call(f, XS_GET_PERMS, tx, S("/tool/x")), XS_GET_PERMS);
        CHECK_STR(body, "n0");
        CHECK_EQ(call(f, XS_TRANSACTION_END, tx, S("T")), XS_TRANSACTION_END);
        CHECK_EQ(fake_next(u, &m, body), XS_WATCH_EVENT);
        CHECK_STR(body, "/tool/x");
        CHECK_EQ(fake_next(u, &m, body), -1);
    }
    call(f, XS_UNWATCH, 0, S("/tool/x\0tool"));
    /* Watches and transactions per domain are capped. */
    quota_set(Q_WATCHES, "4");
    for ( i = 0; i < 10 && t != XS_ERROR; i++ )
    {
        char w[32];
        uint32_t l = (uint32_t)snprintf(w, sizeof(w), "data%c%d", 0, i);

        t = call(u, XS_WATCH, 0, w, l + 1);
    }
    CHECK_EQ(t, XS_ERROR);
    CHECK_STR(body, "E2BIG");
    CHECK_EQ(u->c->watches.n, 4);
    quota_set(Q_TRANS, "2");
    t = 0;
    for ( i = 0; i < 5 && t != XS_ERROR; i++ )
        t = call(u, XS_TRANSACTION_START, 0, "", 1);
    CHECK_EQ(t, XS_ERROR);
    CHECK_STR(body, "ENOSPC");
    /* Xen lets a connection open one transaction beyond the quota. */
    CHECK_EQ(u->c->ntx, 3);
    quota_set(Q_WATCHES, "128");
    quota_set(Q_TRANS, "10");
    /* Past the transaction-nodes quota: ENOSPC, then Xen's commit fails. */
    quota_set(Q_TRANS_NODES, "2");
    t = (int)tx_start(u);
    CHECK(t != 0);
    CHECK_EQ(call(u, XS_READ, (uint32_t)t, S("data/x")), XS_READ);
    CHECK_EQ(call(u, XS_READ, (uint32_t)t, S("data/y")), XS_READ);
    CHECK_EQ(call(u, XS_READ, (uint32_t)t, S("data/x")), XS_READ);
    CHECK_EQ(call(u, XS_READ, (uint32_t)t, S("data")), XS_ERROR);
    CHECK_STR(body, "ENOSPC");
    CHECK_EQ(call(u, XS_TRANSACTION_END, (uint32_t)t, S("T")), XS_ERROR);
    CHECK_STR(body, "ENOMEM");
    quota_set(Q_TRANS_NODES, "1024");
    conn_free(u->c);
    free(u);
}

static void test_control(struct fake *f)
{
    CHECK_EQ(call(f, XS_CONTROL, 0, S("check")), XS_CONTROL);
    CHECK_STR(body, "OK");
    CHECK_EQ(call(f, XS_CONTROL, 0, S("quota")), XS_CONTROL);
    CHECK(strstr(body, "nodes") && strstr(body, "1000"));
    CHECK_EQ(call(f, XS_CONTROL, 0,
                  S("quota\0nodes\0"
                    "2000")),
             XS_CONTROL);
    CHECK_EQ(quotas[Q_NODES].val, 2000);
    quota_set(Q_NODES, "1000");
    CHECK_EQ(call(f, XS_CONTROL, 0, S("memreport")), XS_CONTROL);
    CHECK(strstr(body, "nodes:") != NULL);
    CHECK_EQ(call(f, XS_CONTROL, 0, S("log\0off")), XS_CONTROL);
    CHECK_EQ(call(f, XS_CONTROL, 0, S("help")), XS_CONTROL);
    CHECK(strstr(body, "quota") != NULL);
}

static void test_oversize(void)
{
    struct fake *h = fake_client(0, true);
    struct xsd_sockmsg m = {XS_READ, 1, 0, XENSTORE_PAYLOAD_MAX + 1};

    /* Xen drops a client that announces a payload over the limit. */
    CHECK(conn_feed(h->c, &m, sizeof(m)) < 0);
    CHECK(h->c->dead);
    conn_free(h->c);
    free(h);
}

static void run_tests(void)
{
    struct fake *f, *g;

    fake_store(NULL);
    f = fake_client(0, true);
    g = fake_client(0, true);
    test_basic(f);
    test_malformed(f);
    test_dirpart(f);
    test_watches(f, g);
    test_transactions(f, g);
    test_tx_view(f, g);
    test_tx_rm(f, g);
    test_tx_events(f, g);
    test_tx_ids(f, g);
    test_unprivileged(f);
    test_control(f);
    test_oversize();
    conn_free(f->c);
    conn_free(g->c);
    free(f);
    free(g);
    tree_free(&xsd.tree);
}
