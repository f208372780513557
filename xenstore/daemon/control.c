/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * CONTROL requests: check, log, logfile, memreport, print, quota, help.
 *
 * XS_CONTROL is dom0's maintenance channel (proto.c refuses it to guests
 * with EACCES). The payload is a command and its arguments as NUL-ended
 * strings; the reply is text, or an error string for a command or
 * argument we do not know (EINVAL), as in Xen's xenstored. The commands
 * and their argument forms are Xen's, so Debian's xenstore-control works;
 * Xen's live-update is not offered (see README).
 *
 *  - check verifies what the rest of the daemon relies on: each child
 *    link points back to its parent and is found under its own path, each
 *    node's kidslen matches its children's names and it has an owner, and
 *    the database holds exactly one decodable record per node. It answers
 *    "OK" or the list of faults (also logged).
 *  - log on|off and logfile switch and reopen the message trace (log.c).
 *  - memreport sums what the connections hold (watches, transactions,
 *    queued output) next to the daemon's resident memory.
 *  - quota reads or changes the quotas (quota.c) and shows one domain's
 *    use of them; "quota max" shows the highest use seen.
 */
#include "control.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"
#include "conn.h"
#include "db.h"
#include "domain.h"
#include "log.h"
#include "proto.h"
#include "quota.h"
#include "state.h"

struct sbuf {
    char *s;
    size_t len, cap;
};

static void sb_printf(struct sbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if ( b->len + (size_t)n + 1 > b->cap )
    {
        b->cap = (b->len + (size_t)n + 1) * 2;
        b->s = xrealloc(b->s, b->cap);
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

static long rss_kib(const char *field)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long v = -1;

    if ( !f )
        return -1;
    while ( fgets(line, sizeof(line), f) )
        if ( !strncmp(line, field, strlen(field)) )
            v = strtol(line + strlen(field), NULL, 10);
    fclose(f);
    return v;
}

char *control_memreport(void)
{
    struct sbuf b = {NULL, 0, 0};
    size_t watches = 0, wbytes = 0, txs = 0, out = 0;
    struct conn *c;

    for ( c = conn_list; c; c = c->next )
    {
        watches += c->watches.n;
        wbytes += c->watches.bytes;
        txs += c->ntx;
        out += c->out_bytes;
    }
    sb_printf(&b, "nodes: %zu\n", xsd.tree.nnodes);
    sb_printf(&b, "connections: %u\n", conn_count);
    sb_printf(&b, "watches: %zu (%zu bytes)\n", watches, wbytes);
    sb_printf(&b, "transactions: %zu\n", txs);
    sb_printf(&b, "queued output: %zu bytes\n", out);
    sb_printf(&b, "database file: %ld bytes\n", db_file_size(xsd.db));
    sb_printf(&b, "resident: %ld KiB (peak %ld KiB)\n", rss_kib("VmRSS:"),
              rss_kib("VmHWM:"));
    return b.s;
}

struct check_arg {
    struct sbuf *b;
    size_t records;
    int bad;
};

/* A record the tree does not know, or cannot decode, is stale. */
static int check_record(const char *key, const void *val, size_t len, void *arg)
{
    struct check_arg *a = arg;
    struct node_rec r;

    (void)val;
    a->records++;
    if ( node_rec_decode(val, len, &r) || !tree_get(&xsd.tree, key) )
    {
        sb_printf(a->b, "stale record %s\n", key);
        a->bad++;
    }
    return 0;
}

int control_check(char **report)
{
    struct sbuf b = {NULL, 0, 0};
    struct check_arg a = {&b, 0, 0};
    size_t it = 0;
    void *v;

    sb_printf(&b, "%s", "");
    while ( hmap_next(&xsd.tree.map, &it, NULL, &v) )
    {
        struct node *n = v;
        uint32_t i, kl = 0;

        for ( i = 0; i < n->nkids; i++ )
        {
            kl += (uint32_t)strlen(node_basename(n->kids[i])) + 1;
            if ( n->kids[i]->parent != n ||
                 tree_get(&xsd.tree, n->kids[i]->path) != n->kids[i] )
            {
                sb_printf(&b, "bad child link under %s\n", n->path);
                a.bad++;
            }
        }
        if ( kl != n->kidslen || !n->nperms )
        {
            sb_printf(&b, "bad node %s\n", n->path);
            a.bad++;
        }
    }
    if ( xsd.db )
    {
        db_iterate(xsd.db, check_record, &a);
        if ( a.records != xsd.tree.nnodes )
        {
            sb_printf(&b, "%zu records for %zu nodes\n", a.records,
                      xsd.tree.nnodes);
            a.bad++;
        }
    }
    *report = b.s;
    return a.bad ? -EIO : 0;
}

static void reply_text(struct conn *c, const struct xsd_sockmsg *h,
                       const char *s)
{
    proto_reply(c, h, s, (uint32_t)strlen(s) + 1);
}

static int quota_cmd(struct sbuf *b, const char **v, unsigned n)
{
    unsigned i;
    int q;

    if ( n == 0 || (n == 1 && !strcmp(v[0], "max")) )
    {
        for ( i = 0; i < Q_N; i++ )
            sb_printf(b, "%-17s: %8u %s\n", quotas[i].name,
                      n ? quotas[i].max_seen : quotas[i].val,
                      n ? "" : quotas[i].descr);
        return 0;
    }
    if ( n == 2 )
    {
        q = quota_find(v[0]);
        if ( q < 0 || quota_set((enum quota_id)q, v[1]) )
            return -EINVAL;
        sb_printf(b, "OK");
        return 0;
    }
    if ( n == 1 )
    {
        char *end;
        unsigned long d = strtoul(v[0], &end, 10);
        const struct owner_acc *a = tree_owner(&xsd.tree, (uint32_t)d);
        struct domain *dom = domain_find((uint32_t)d);

        if ( *end || !*v[0] || (!dom && d != 0) )
            return -ENOENT;
        sb_printf(b, "Domain %lu:\n", d);
        sb_printf(b, "%-17s: %8u\n", "nodes", a->nodes);
        sb_printf(b, "%-17s: %8llu\n", "memory", (unsigned long long)a->bytes);
        if ( dom )
        {
            sb_printf(b, "%-17s: %8u\n", "watches", dom->conn->watches.n);
            sb_printf(b, "%-17s: %8u\n", "transactions", dom->conn->ntx);
            sb_printf(b, "%-17s: %8u\n", "outstanding", dom->conn->out_replies);
        }
        return 0;
    }
    return -EINVAL;
}

static int memreport_cmd(struct conn *c, const struct xsd_sockmsg *h,
                         const char **v, unsigned n)
{
    char *rep = control_memreport();
    FILE *f;

    if ( n > 1 )
    {
        free(rep);
        return -EINVAL;
    }
    if ( n == 1 )
    {
        f = fopen(v[0], "a");
        if ( !f )
        {
            free(rep);
            return -EINVAL;
        }
        fputs(rep, f);
        fclose(f);
        reply_text(c, h, "OK");
    }
    else
        reply_text(c, h, rep);
    free(rep);
    return 0;
}

static const char help_text[] = "check\t\n"
                                "log\ton|off\n"
                                "logfile\t<file>\n"
                                "memreport\t[<file>]\n"
                                "print\t<string>\n"
                                "quota\t[[<domid>]|[max]|[<quota> <val>]]\n"
                                "help\t\n";

int control_handle(struct conn *c, const struct xsd_sockmsg *h, const char *p)
{
    const char *v[8];
    unsigned n = 0;
    uint32_t off = 0;
    struct sbuf b = {NULL, 0, 0};
    char *rep;
    int rc = 0;

    while ( off < h->len && n < 8u )
    {
        const char *nul = memchr(p + off, 0, h->len - off);

        if ( !nul )
            break;
        v[n++] = p + off;
        off = (uint32_t)(nul - p) + 1;
    }
    if ( !n )
        return -EINVAL;
    if ( !strcmp(v[0], "check") && n == 1 )
    {
        rc = control_check(&rep);
        if ( rc )
            xlog(3, "check: %s", rep);
        reply_text(c, h, rc ? rep : "OK");
        free(rep);
        return 0;
    }
    if ( !strcmp(v[0], "log") && n == 2 &&
         (!strcmp(v[1], "on") || !strcmp(v[1], "off")) )
    {
        trace_set_enabled(!strcmp(v[1], "on"));
        reply_text(c, h, "OK");
        return 0;
    }
    if ( !strcmp(v[0], "logfile") && n == 2 )
    {
        rc = trace_open(v[1]);
        if ( !rc )
            reply_text(c, h, "OK");
        return rc ? -EINVAL : 0;
    }
    if ( !strcmp(v[0], "memreport") )
        return memreport_cmd(c, h, v + 1, n - 1);
    if ( !strcmp(v[0], "print") && n == 2 )
    {
        xlog(6, "control: %s", v[1]);
        trace("control: %s\n", v[1]);
        reply_text(c, h, "OK");
        return 0;
    }
    if ( !strcmp(v[0], "quota") )
    {
        rc = quota_cmd(&b, v + 1, n - 1);
        if ( !rc )
            reply_text(c, h, b.s);
        free(b.s);
        return rc;
    }
    if ( !strcmp(v[0], "help") && n == 1 )
    {
        proto_reply(c, h, help_text, sizeof(help_text));
        return 0;
    }
    return -EINVAL;
}
