/* SPDX-License-Identifier: GPL-2.0-only */
/* The ring transport end to end: a guest thread and a daemon thread. */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <unistd.h>

#include <xenia/xs.h>

#include "check.h"
#include "domain.h"
#include "fake.h"
#include "ring.h"

static int up[2], down[2]; /* guest->daemon and daemon->guest signals */
static volatile int stop;
static struct xenstore_domain_interface *page;

static void be_notify(struct ring_port *p)
{
    char c = 1;

    (void)p;
    if ( write(down[1], &c, 1) < 0 )
        return;
}

static void be_ack(struct ring_port *p)
{
    char buf[64];

    while ( read(p->pollfd, buf, sizeof(buf)) > 0 )
        ;
}

static struct ring_backend be = {"test", NULL, NULL, be_notify, be_ack, NULL};

static void *daemon_thread(void *arg)
{
    struct domain *d = arg;

    while ( !stop )
    {
        struct pollfd p = {up[0], POLLIN, 0};

        poll(&p, 1, 20);
        be_ack(&d->port);
        ring_service(d->conn);
    }
    return NULL;
}

static void g_notify(void *a)
{
    char c = 1;

    (void)a;
    if ( write(up[1], &c, 1) < 0 )
        return;
}

static void g_ack(void *a)
{
    char buf[64];

    (void)a;
    while ( read(down[0], buf, sizeof(buf)) > 0 )
        ;
}

static void guest_work(struct xs_handle *h)
{
    char big[1900], path[64], **v;
    unsigned int len, n, i, ok = 0;
    xs_transaction_t t;

    memset(big, 'z', sizeof(big));
    /* Values bigger than the 1 KiB ring must wrap around it. */
    for ( i = 0; i < 200; i++ )
    {
        char *r;

        snprintf(path, sizeof(path), "data/k%u", i % 7);
        big[i % sizeof(big)] = (char)('a' + i % 26);
        if ( !xs_write(h, XBT_NULL, path, big, sizeof(big)) )
            break;
        r = xs_read(h, XBT_NULL, path, &len);
        ok += r && len == sizeof(big) && !memcmp(r, big, len);
        free(r);
    }
    CHECK_EQ(ok, 200);
    v = xs_directory(h, XBT_NULL, "data", &n);
    CHECK(v && n == 7);
    free(v);
    CHECK(!xs_read(h, XBT_NULL, "/tool", &len));
    CHECK_EQ(errno, EACCES);
    t = xs_transaction_start(h);
    CHECK(t != XBT_NULL);
    CHECK(xs_write(h, t, "data/tx", "1", 1));
    CHECK(xs_transaction_end(h, t, false));
    CHECK(xs_watch(h, "data", "tok"));
    v = xs_read_watch(h, &n);
    CHECK(v && !strcmp(v[XS_WATCH_PATH], "data") &&
          !strcmp(v[XS_WATCH_TOKEN], "tok"));
    free(v);
    CHECK(xs_write(h, XBT_NULL, "data/w", "x", 1));
    v = xs_read_watch(h, &n);
    CHECK(v && !strcmp(v[XS_WATCH_PATH], "data/w"));
    free(v);
}

static void reconnect(struct xs_handle *h)
{
    int i;
    char *r;

    /* The guest asks for a reset and waits for the daemon's answer. */
    __atomic_store_n(&page->connection, XENSTORE_RECONNECT, __ATOMIC_SEQ_CST);
    g_notify(NULL);
    for ( i = 0;
          i < 500 && __atomic_load_n(&page->connection, __ATOMIC_SEQ_CST); i++ )
        usleep(2000);
    CHECK_EQ(page->connection, XENSTORE_CONNECTED);
    CHECK_EQ(page->req_prod, 0);
    (void)h;
    h = xs_open_ring(page, g_notify, down[0], g_ack, NULL);
    r = xs_read(h, XBT_NULL, "data/tx", NULL);
    CHECK_STR(r, "1");
    free(r);
    xs_close(h);
}

static void run_tests(void)
{
    struct domain *d = calloc(1, sizeof(*d));
    struct xs_handle *h;
    pthread_t th;

    CHECK(!pipe2(up, O_NONBLOCK) && !pipe2(down, O_NONBLOCK));
    page = aligned_alloc(4096, 4096);
    memset(page, 0, 4096);
    fake_store(NULL);
    tree_add(&xsd.tree, tree_get(&xsd.tree, "/"), "/local", NULL, 0,
             &(struct xs_perm){0, XSP_NONE}, 1, 90);
    tree_add(&xsd.tree, tree_get(&xsd.tree, "/local"), "/local/domain", NULL, 0,
             &(struct xs_perm){0, XSP_NONE}, 1, 91);
    tree_add(&xsd.tree, tree_get(&xsd.tree, "/local/domain"), "/local/domain/7",
             NULL, 0, &(struct xs_perm){7, XSP_NONE}, 1, 92);
    ring_backend = &be;
    d->domid = 7;
    d->port.intf = page;
    d->port.pollfd = up[0];
    d->conn = ring_conn_new(d);
    CHECK(page->server_features & XENSTORE_SERVER_FEATURE_RECONNECTION);
    pthread_create(&th, NULL, daemon_thread, d);
    h = xs_open_ring(page, g_notify, down[0], g_ack, NULL);
    guest_work(h);
    xs_close(h);
    reconnect(h);
    /* A guest that corrupts its indexes gets the error flag, nothing else. */
    page->req_prod = page->req_cons + 5000;
    g_notify(NULL);
    usleep(100000);
    CHECK_EQ(page->error, XENSTORE_ERROR_RINGIDX);
    stop = 1;
    pthread_join(th, NULL);
    conn_free(d->conn);
    free(d);
    free(page);
    tree_free(&xsd.tree);
}
