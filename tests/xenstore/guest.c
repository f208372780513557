/* SPDX-License-Identifier: GPL-2.0-only */
/* A pretend guest for tests: domain N talking over a host ring. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenia/xs.h>

/*
 *   guest introduce DIR N      (as dom0, over the socket: sets up domain N)
 *   guest release N            (as dom0)
 *   guest DIR N read PATH | write PATH VAL | rm PATH | ls PATH |
 *               perms PATH | watch PATH COUNT | mkwatches N |
 *               txquota N | txview PATH | batch PATH N
 * Prints the result, or "ERR <errno>" and exits 1.
 */

static int fail(const char *what)
{
    printf("ERR %s\n", strerrorname_np(errno) ? strerrorname_np(errno) : what);
    return 1;
}

static unsigned int my_domid;

static int cmd(struct xs_handle *h, int argc, char **argv)
{
    unsigned int n, i;
    char *r, **v;

    if ( !strcmp(argv[0], "read") && argc == 2 )
    {
        r = xs_read(h, XBT_NULL, argv[1], &n);
        if ( !r )
            return fail("read");
        printf("%s\n", r);
        free(r);
        return 0;
    }
    if ( !strcmp(argv[0], "write") && argc == 3 )
        return xs_write(h, XBT_NULL, argv[1], argv[2], strlen(argv[2]))
                   ? (puts("OK"), 0)
                   : fail("write");
    if ( !strcmp(argv[0], "rm") && argc == 2 )
        return xs_rm(h, XBT_NULL, argv[1]) ? (puts("OK"), 0) : fail("rm");
    if ( !strcmp(argv[0], "ls") && argc == 2 )
    {
        v = xs_directory(h, XBT_NULL, argv[1], &n);
        if ( !v )
            return fail("ls");
        for ( i = 0; i < n; i++ )
            printf("%s\n", v[i]);
        free(v);
        return 0;
    }
    if ( !strcmp(argv[0], "perms") && argc == 2 )
    {
        struct xs_permissions *p = xs_get_permissions(h, XBT_NULL, argv[1], &n);
        char buf[16];

        if ( !p )
            return fail("perms");
        for ( i = 0; i < n; i++ )
        {
            xs_perm_to_string(&p[i], buf, sizeof(buf));
            printf("%s%s", i ? " " : "", buf);
        }
        printf("\n");
        free(p);
        return 0;
    }
    if ( !strcmp(argv[0], "watch") && argc == 3 )
    {
        int count = atoi(argv[2]);

        if ( !xs_watch(h, argv[1], "t") )
            return fail("watch");
        while ( count-- > 0 )
        {
            v = xs_read_watch(h, &n);
            if ( !v )
                return fail("read_watch");
            printf("%s\n", v[XS_WATCH_PATH]);
            fflush(stdout);
            free(v);
        }
        return 0;
    }
    if ( !strcmp(argv[0], "mkwatches") && argc == 2 )
    {
        int want = atoi(argv[1]), k;
        char tok[16];

        for ( k = 0; k < want; k++ )
        {
            snprintf(tok, sizeof(tok), "w%d", k);
            if ( !xs_watch(h, "data", tok) )
            {
                printf("%d ", k);
                return fail("watch");
            }
        }
        puts("OK");
        return 0;
    }
    if ( !strcmp(argv[0], "txquota") && argc == 2 )
    {
        int want = atoi(argv[1]), k;

        for ( k = 0; k < want; k++ )
            if ( !xs_transaction_start(h) )
            {
                printf("%d ", k);
                return fail("transaction_start");
            }
        puts("OK");
        return 0;
    }
    if ( !strcmp(argv[0], "txview") && argc == 2 )
    {
        /* Read in a transaction, change outside it, read again, commit. */
        xs_transaction_t t = xs_transaction_start(h);
        char *a, *b;
        bool ok;

        if ( !t || !(a = xs_read(h, t, argv[1], &n)) )
            return fail("txview");
        if ( !xs_write(h, XBT_NULL, argv[1], "changed", 7) ||
             !(b = xs_read(h, t, argv[1], &n)) )
            return fail("txview");
        ok = xs_transaction_end(h, t, false);
        printf("%s %s %s\n", a, b, ok ? "committed" : strerrorname_np(errno));
        free(a);
        free(b);
        return 0;
    }
    if ( !strcmp(argv[0], "batch") && argc == 3 )
    {
        /*
         * PATH/0 .. PATH/N-1 = "v<i>" in one transaction by xs_batch,
         * each third one also given the ACL "owner, dom0 may read".
         */
        unsigned int want = (unsigned int)atoi(argv[2]), k, bad = 0;
        struct xs_batch_op *ops = calloc(2 * want + 1, sizeof(*ops));
        char(*paths)[64] = calloc(want + 1, sizeof(*paths));
        char(*vals)[16] = calloc(want + 1, sizeof(*vals));
        struct xs_permissions ro[2] = {{my_domid, XS_PERM_NONE},
                                       {0, XS_PERM_READ}};
        xs_transaction_t t = xs_transaction_start(h);
        unsigned int nops = 0;
        bool ok;

        if ( !ops || !paths || !vals || !t )
            return fail("batch");
        for ( k = 0; k < want; k++ )
        {
            snprintf(paths[k], sizeof(paths[k]), "%s/%u", argv[1], k);
            snprintf(vals[k], sizeof(vals[k]), "v%u", k);
            ops[nops++] = (struct xs_batch_op){paths[k], vals[k],
                                               (unsigned int)strlen(vals[k]),
                                               NULL, 0};
            if ( k % 3 == 2 )
                ops[nops++] = (struct xs_batch_op){paths[k], NULL, 0, ro, 2};
        }
        ok = xs_batch(h, t, ops, nops, &bad);
        free(ops);
        free(paths);
        free(vals);
        if ( !ok )
        {
            int e = errno;

            xs_transaction_end(h, t, true);
            errno = e;
            printf("at %u ", bad);
            return fail("batch");
        }
        if ( !xs_transaction_end(h, t, false) )
            return fail("commit");
        puts("OK");
        return 0;
    }
    fprintf(stderr, "guest: bad command\n");
    return 2;
}

int main(int argc, char **argv)
{
    struct xs_handle *h;
    int rc;

    if ( argc == 4 && !strcmp(argv[1], "introduce") )
    {
        unsigned int d = (unsigned int)atoi(argv[3]);

        if ( xs_hostring_prepare(argv[2], d) )
            return fail("prepare");
        h = xs_open(0);
        if ( !h || !xs_introduce_domain(h, d, 0, 1) )
            return fail("introduce");
        xs_close(h);
        puts("OK");
        return 0;
    }
    if ( argc == 3 && !strcmp(argv[1], "release") )
    {
        h = xs_open(0);
        if ( !h || !xs_release_domain(h, (unsigned int)atoi(argv[2])) )
            return fail("release");
        xs_close(h);
        puts("OK");
        return 0;
    }
    if ( argc < 4 )
    {
        fprintf(stderr, "usage: guest DIR DOMID CMD ARGS...\n");
        return 2;
    }
    my_domid = (unsigned int)atoi(argv[2]);
    h = xs_open_hostring(argv[1], my_domid);
    if ( !h )
        return fail("open");
    rc = cmd(h, argc - 3, argv + 3);
    xs_close(h);
    return rc;
}
