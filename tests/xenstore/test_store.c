/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests of the tree, permissions, transactions and watch matching. */
#include "check.h"
#include "fake.h"
#include "ops.h"
#include "perms.h"
#include "quota.h"
#include "transaction.h"
#include "tree.h"
#include "watch.h"

static const struct caller dom0 = {0, true, -1};
static const struct caller dom5 = {5, false, -1};
static const struct caller dom6 = {6, false, -1};

static int op_write(const struct caller *who, const char *p, const char *v)
{
    struct txn tx;
    struct opctx c = {&tx, who};
    int rc;

    txn_init(&tx, &xsd.tree, false, UINT32_MAX);
    rc = ops_write(&c, p, v, (uint32_t)strlen(v));
    if ( !rc )
        rc = txn_commit(&tx, xsd.db);
    txn_destroy(&tx);
    return rc;
}

static int op_read(const struct caller *who, const char *p, char *out)
{
    struct txn tx;
    struct opctx c = {&tx, who};
    struct vnode v;
    int rc;

    txn_init(&tx, &xsd.tree, false, UINT32_MAX);
    rc = ops_read(&c, p, &v);
    if ( !rc && out )
    {
        if ( v.datalen )
            memcpy(out, v.data, v.datalen);
        out[v.datalen] = 0;
    }
    txn_destroy(&tx);
    return rc;
}

static int op_setperms(const struct caller *who, const char *p,
                       const char *spec)
{
    struct xs_perm perms[8];
    struct txn tx;
    struct opctx c = {&tx, who};
    char buf[64], *s, *save;
    uint32_t n = 0;
    int rc;

    strcpy(buf, spec);
    for ( s = strtok_r(buf, " ", &save); s; s = strtok_r(NULL, " ", &save) )
        if ( perm_parse(s, &perms[n++]) )
            return -99;
    txn_init(&tx, &xsd.tree, false, UINT32_MAX);
    rc = ops_set_perms(&c, p, perms, n);
    if ( !rc )
        rc = txn_commit(&tx, xsd.db);
    txn_destroy(&tx);
    return rc;
}

static void test_paths(void)
{
    int err;
    char *p;

    CHECK(path_valid("/"));
    CHECK(path_valid("/a/b-c_d@e/0"));
    CHECK(!path_valid("/a/"));
    CHECK(!path_valid("/a//b"));
    CHECK(!path_valid("a"));
    CHECK(!path_valid("/a b"));
    CHECK(path_is_child("/a/b", "/a"));
    CHECK(path_is_child("/a", "/a"));
    CHECK(!path_is_child("/ab", "/a"));
    CHECK(path_is_child("/x", "/"));
    p = ops_canon(&dom5, "device/vif", false, &err);
    CHECK_STR(p, "/local/domain/5/device/vif");
    free(p);
    CHECK(!ops_canon(&dom5, "@releaseDomain", false, &err));
    CHECK_EQ(err, -EINVAL);
    p = ops_canon(&dom5, "@releaseDomain", true, &err);
    CHECK_STR(p, "@releaseDomain");
    free(p);
    CHECK(!ops_canon(&dom0, "", false, &err));
}

static void test_perm_strings(void)
{
    struct xs_perm p;
    char buf[16];

    CHECK_EQ(perm_parse("b12", &p), 0);
    CHECK_EQ(p.domid, 12);
    CHECK_EQ(p.perms, XSP_READ | XSP_WRITE);
    perm_format(&p, buf);
    CHECK_STR(buf, "b12");
    CHECK_EQ(perm_parse("x1", &p), -EINVAL);
    CHECK_EQ(perm_parse("r", &p), -EINVAL);
    CHECK_EQ(perm_parse("r1a", &p), -EINVAL);
    CHECK_EQ(perm_parse("r99999", &p), -EINVAL);
}

static void test_access(void)
{
    struct xs_perm acl[3] = {{5, XSP_NONE}, {6, XSP_READ}, {7, XSP_WRITE}};
    struct caller d7 = {7, false, -1}, d8 = {8, false, 5};

    CHECK_EQ(perms_access(&dom0, acl, 3), XSP_READ | XSP_WRITE | XSP_OWNER);
    CHECK_EQ(perms_access(&dom5, acl, 3), XSP_READ | XSP_WRITE | XSP_OWNER);
    CHECK_EQ(perms_access(&dom6, acl, 3), XSP_READ);
    CHECK_EQ(perms_access(&d7, acl, 3), XSP_WRITE);
    /* A domain targeting the owner acts as the owner. */
    CHECK_EQ(perms_access(&d8, acl, 3), XSP_READ | XSP_WRITE | XSP_OWNER);
    CHECK(perms_forget_domain(acl, 3, 6));
    CHECK_EQ(perms_access(&dom6, acl, 3), XSP_NONE);
}

static void test_tree_and_perms(void)
{
    char buf[4096];
    struct node *n;

    fake_store(NULL);
    CHECK(tree_get(&xsd.tree, "/tool/xenstored") != NULL);
    CHECK_EQ(op_write(&dom0, "/local/domain/5/name", "guest"), 0);
    CHECK_EQ(op_read(&dom0, "/local/domain/5/name", buf), 0);
    CHECK_STR(buf, "guest");
    /* Everything inherits "n0": domain 5 can see nothing yet. */
    CHECK_EQ(op_read(&dom5, "/local/domain/5/name", buf), -EACCES);
    CHECK_EQ(op_read(&dom5, "/local/domain/5/nothere", buf), -EACCES);
    CHECK_EQ(op_setperms(&dom0, "/local/domain/5", "n0 b5"), 0);
    CHECK_EQ(op_read(&dom5, "/local/domain/5/nothere", buf), -ENOENT);
    CHECK_EQ(op_write(&dom5, "/local/domain/5/data/x", "1"), 0);
    n = tree_get(&xsd.tree, "/local/domain/5/data/x");
    CHECK(n && n->perms[0].domid == 5 && n->nperms == 2);
    CHECK_EQ(tree_owner(&xsd.tree, 5)->nodes, 2);
    /* The owner may not give a node away; dom0 may. */
    CHECK_EQ(op_setperms(&dom5, "/local/domain/5/data", "n6"), -EPERM);
    CHECK_EQ(op_setperms(&dom6, "/local/domain/5/data", "n5"), -EACCES);
    CHECK_EQ(op_setperms(&dom5, "/local/domain/5/data", "n5 r6"), 0);
    CHECK_EQ(op_read(&dom6, "/local/domain/5/data", buf), 0);
    CHECK_EQ(op_write(&dom6, "/local/domain/5/data", "x"), -EACCES);
    CHECK_EQ(op_write(&dom5, "@releaseDomain", "x"), -EINVAL);
    tree_free(&xsd.tree);
}

static void test_children_order(void)
{
    struct node *n;

    fake_store(NULL);
    op_write(&dom0, "/o/c", "");
    op_write(&dom0, "/o/a", "");
    op_write(&dom0, "/o/b", "");
    n = tree_get(&xsd.tree, "/o");
    CHECK_EQ(n->nkids, 3);
    CHECK_STR(node_basename(n->kids[0]), "c");
    CHECK_STR(node_basename(n->kids[2]), "b");
    CHECK_EQ(n->kidslen, 6);
    tree_free(&xsd.tree);
}

static void test_transactions(void)
{
    struct txn a, b;
    struct opctx ca = {&a, &dom0}, cb = {&b, &dom0};
    struct vnode v;
    char *kids;
    uint32_t kl;
    uint64_t gen;

    fake_store(NULL);
    op_write(&dom0, "/t/x", "1");
    txn_init(&a, &xsd.tree, true, UINT32_MAX);
    txn_init(&b, &xsd.tree, true, UINT32_MAX);
    CHECK_EQ(ops_write(&ca, "/t/x", "2", 1), 0);
    CHECK_EQ(ops_write(&ca, "/t/new/deep", "3", 1), 0);
    /* Nested data is visible only inside the transaction. */
    CHECK_EQ(ops_read(&ca, "/t/new/deep", &v), 0);
    CHECK(!tree_get(&xsd.tree, "/t/new"));
    CHECK_EQ(ops_read(&cb, "/t/x", &v), 0);
    CHECK_EQ(v.datalen, 1);
    CHECK_EQ(v.data[0], '1');
    CHECK_EQ(ops_directory(&ca, "/t", &kids, &kl, &gen), 0);
    CHECK_EQ(kl, 6);
    CHECK(!memcmp(kids, "x\0new\0", 6));
    free(kids);
    CHECK_EQ(txn_commit(&a, NULL), 0);
    CHECK(tree_get(&xsd.tree, "/t/new/deep") != NULL);
    /* b read /t/x, which a changed: b must retry. */
    CHECK_EQ(ops_write(&cb, "/t/y", "9", 1), 0);
    CHECK_EQ(txn_commit(&b, NULL), -EAGAIN);
    CHECK(!tree_get(&xsd.tree, "/t/y"));
    txn_destroy(&a);
    txn_destroy(&b);

    /* Remove then recreate inside one transaction. */
    txn_init(&a, &xsd.tree, true, UINT32_MAX);
    CHECK_EQ(ops_rm(&ca, "/t"), 0);
    CHECK_EQ(ops_read(&ca, "/t/x", &v), -ENOENT);
    CHECK_EQ(ops_write(&ca, "/t/z", "z", 1), 0);
    CHECK_EQ(txn_commit(&a, NULL), 0);
    CHECK(!tree_get(&xsd.tree, "/t/x"));
    CHECK(!tree_get(&xsd.tree, "/t/new"));
    CHECK(tree_get(&xsd.tree, "/t/z") != NULL);
    CHECK_EQ(tree_get(&xsd.tree, "/t")->nkids, 1);
    txn_destroy(&a);

    /* The transaction-nodes quota. */
    txn_init(&a, &xsd.tree, true, 3);
    CHECK_EQ(ops_write(&ca, "/q/a/b/c/d", "1", 1), -ENOSPC);
    txn_destroy(&a);
    tree_free(&xsd.tree);
}

static char fired[16][64];
static int nfired;

static bool see_all(void *o, const struct xs_perm *p, uint32_t n)
{
    (void)o;
    (void)p;
    (void)n;
    return true;
}

static void record(void *o, const char *path, const char *token)
{
    (void)o;
    if ( nfired < 16 )
        snprintf(fired[nfired++], 64, "%s %s", path, token);
}

static void test_watch_match(void)
{
    struct watch_reg r = {NULL, see_all, record};
    struct watch_list l;
    struct event e = {.path = (char *)"/a/b/c", .kind = EV_CHANGE};

    watch_list_init(&r, &l, NULL);
    CHECK_EQ(watch_add(&l, "/a", "t1", 0), 0);
    CHECK_EQ(watch_add(&l, "/a", "t1", 0), -EEXIST);
    CHECK_EQ(watch_add(&l, "/a/b/c/d", "t2", 0), 0);
    CHECK_EQ(watch_add(&l, "/local/domain/3/x", "rel", 16), 0);
    CHECK_EQ(watch_add(&l, "@releaseDomain", "rd", 0), 0);
    nfired = 0;
    watch_fire(&r, &e);
    CHECK_EQ(nfired, 1);
    CHECK_STR(fired[0], "/a/b/c t1");
    e.kind = EV_RMROOT;
    e.path = (char *)"/a/b";
    nfired = 0;
    watch_fire(&r, &e);
    CHECK_EQ(nfired, 2);
    CHECK_STR(fired[0], "/a/b t1");
    CHECK_STR(fired[1], "/a/b/c/d t2");
    e.kind = EV_CHANGE;
    e.path = (char *)"/local/domain/3/x/y";
    nfired = 0;
    watch_fire(&r, &e);
    CHECK_EQ(nfired, 1);
    CHECK_STR(fired[0], "x/y rel");
    e.path = (char *)"@releaseDomain";
    nfired = 0;
    watch_fire(&r, &e);
    CHECK_EQ(nfired, 1);
    CHECK_EQ(watch_del(&l, "/a", "t9"), -ENOENT);
    CHECK_EQ(watch_del(&l, "/a", "t1"), 0);
    watch_list_fini(&r, &l);
    CHECK(r.head == NULL);
}

static void test_quotas(void)
{
    char path[64];
    int i, rc = 0;

    fake_store(NULL);
    CHECK_EQ(quota_set_option("nodes=10"), 0);
    CHECK_EQ(quota_set_option("bogus=1"), -EINVAL);
    CHECK_EQ(quota_set_option("nodes"), -EINVAL);
    op_write(&dom0, "/local/domain/5", "");
    op_setperms(&dom0, "/local/domain/5", "n5");
    for ( i = 0; i < 20 && !rc; i++ )
    {
        snprintf(path, sizeof(path), "/local/domain/5/n%d", i);
        rc = op_write(&dom5, path, "v");
    }
    CHECK_EQ(rc, -ENOSPC);
    CHECK_EQ(i, 10); /* the home node counts, as in Xen */
    quota_set(Q_NODES, "1000");
    quota_set(Q_NODE_SIZE, "64");
    {
        char big[200];

        memset(big, 'a', sizeof(big) - 1);
        big[sizeof(big) - 1] = 0;
        CHECK_EQ(op_write(&dom5, "/local/domain/5/n0", big), -ENOSPC);
        CHECK_EQ(op_write(&dom0, "/local/domain/5/n0", big), 0);
    }
    quota_set(Q_NODE_SIZE, "2048");
    quota_set(Q_PATH_MAX, "10");
    {
        int err;
        char *p = ops_canon(&dom5, "/local/domain/5/n0123456789", false, &err);

        CHECK(!p && err == -EINVAL);
        p = ops_canon(&dom5, "n012", false, &err);
        CHECK(p && !err);
        free(p);
        p = ops_canon(&dom0, "/local/domain/5/n0123456789", false, &err);
        CHECK(p && !err);
        free(p);
    }
    quota_set(Q_PATH_MAX, "2048");
    CHECK_EQ(op_setperms(&dom5, "/local/domain/5/n0", "n5 r1 r2 r3 r4 r6"),
             -ENOSPC);
    tree_free(&xsd.tree);
}

static void test_records(void)
{
    struct xs_perm p[2] = {{3, XSP_READ}, {4, XSP_WRITE | XSP_IGNORE}}, q;
    struct node_rec r;
    uint8_t *b;
    size_t len = node_rec_encode(77, p, 2, "abc", 3, &b);

    CHECK_EQ(node_rec_decode(b, len, &r), 0);
    CHECK_EQ(r.seq, 77);
    CHECK_EQ(r.nperms, 2);
    CHECK_EQ(r.datalen, 3);
    node_rec_perm(&r, 1, &q);
    CHECK_EQ(q.domid, 4);
    CHECK_EQ(q.perms, XSP_WRITE | XSP_IGNORE);
    CHECK_EQ(node_rec_decode(b, len - 1, &r), -EINVAL);
    b[0] ^= 1;
    CHECK_EQ(node_rec_decode(b, len, &r), -EINVAL);
    free(b);
}

static void run_tests(void)
{
    test_paths();
    test_perm_strings();
    test_access();
    test_tree_and_perms();
    test_children_order();
    test_transactions();
    test_watch_match();
    test_quotas();
    test_records();
}
