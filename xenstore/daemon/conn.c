/* SPDX-License-Identifier: GPL-2.0-only */
/* A client connection: message framing in, reply queue out, its state. */
#include "conn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/xalloc.h"
#include "log.h"
#include "proto.h"
#include "quota.h"
#include "state.h"

struct conn *conn_list;
uint32_t conn_count;
static uint64_t serials;

struct conn *conn_new(const struct conn_ops *ops, int fd,
                      const struct caller *who)
{
    struct conn *c = xzalloc(sizeof(*c));

    c->ops = ops;
    c->fd = fd;
    c->who = *who;
    c->serial = ++serials;
    c->next_txid = 1;
    watch_list_init(&xsd.watches, &c->watches, c);
    c->next = conn_list;
    if ( conn_list )
        conn_list->prev = c;
    conn_list = c;
    conn_count++;
    return c;
}

static void drop_output(struct conn *c)
{
    struct outbuf *o, *n;

    for ( o = c->out_head; o; o = n )
    {
        n = o->next;
        free(o);
    }
    c->out_head = c->out_tail = NULL;
    c->out_bytes = 0;
    c->out_replies = 0;
}

void conn_reset(struct conn *c)
{
    while ( c->ntx )
        conn_drop_tx(c, &c->tx[c->ntx - 1]);
    watch_clear(&c->watches);
    drop_output(c);
    c->hdr_used = c->in_used = 0;
    c->in_body = false;
    c->roff = c->rlen = 0;
}

void conn_retire(struct conn *c)
{
    conn_reset(c);
    c->dead = true;
    c->retired = true;
    c->dom = NULL;
}

void conn_free(struct conn *c)
{
    conn_reset(c);
    free(c->tx);
    watch_list_fini(&xsd.watches, &c->watches);
    if ( c->prev )
        c->prev->next = c->next;
    else if ( conn_list == c )
        conn_list = c->next;
    if ( c->next )
        c->next->prev = c->prev;
    conn_count--;
    if ( c->ops && c->ops->destroy )
        c->ops->destroy(c);
    free(c->rbuf);
    free(c);
}

bool conn_wants_input(const struct conn *c)
{
    if ( c->dead || c->out_bytes >= CONN_MAX_OUTPUT / 2 )
        return false;
    /* A domain that does not take its replies gets no more service. */
    if ( !c->who.priv && quotas[Q_OUTSTANDING].val &&
         c->out_replies >= quotas[Q_OUTSTANDING].val )
        return false;
    return true;
}

static void message_done(struct conn *c)
{
    c->in[c->hdr.len] = 0;
    trace_msg("IN", c->serial, c->hdr.type, c->hdr.req_id, c->hdr.tx_id, c->in,
              c->hdr.len);
    c->hdr_used = 0;
    c->in_body = false;
    proto_handle(c, &c->hdr, c->in);
}

/* Moves up to len bytes of src into the message being framed. */
static size_t frame(struct conn *c, const char *src, size_t len)
{
    size_t used = 0, n;

    while ( used < len && !c->dead )
    {
        if ( !c->in_body )
        {
            n = sizeof(c->hdr) - c->hdr_used;
            n = n < len - used ? n : len - used;
            memcpy((char *)&c->hdr + c->hdr_used, src + used, n);
            c->hdr_used += (uint32_t)n;
            used += n;
            if ( c->hdr_used < sizeof(c->hdr) )
                break;
            /* Xen kills a client that sends an over-long payload. */
            if ( c->hdr.len > XENSTORE_PAYLOAD_MAX )
            {
                c->dead = true;
                c->proto_error = true;
                break;
            }
            c->in_body = true;
            c->in_used = 0;
        }
        n = c->hdr.len - c->in_used;
        n = n < len - used ? n : len - used;
        memcpy(c->in + c->in_used, src + used, n);
        c->in_used += (uint32_t)n;
        used += n;
        if ( c->in_used == c->hdr.len )
            message_done(c);
    }
    return used;
}

int conn_feed(struct conn *c, const void *buf, size_t len)
{
    const char *p = buf;
    size_t done = 0;

    while ( done < len && !c->dead && conn_wants_input(c) )
    {
        size_t n = frame(c, p + done, len - done);

        if ( !n )
            break;
        done += n;
    }
    return c->dead ? -EPROTO : (int)done;
}

void conn_pump_in(struct conn *c)
{
    char buf[sizeof(c->hdr) + XENSTORE_PAYLOAD_MAX];

    while ( !c->dead && conn_wants_input(c) )
    {
        size_t want =
            c->in_body ? c->hdr.len - c->in_used : sizeof(c->hdr) - c->hdr_used;
        ssize_t n = c->ops->read(c, buf, want);

        if ( n < 0 )
            c->dead = true;
        if ( n <= 0 )
            break;
        frame(c, buf, (size_t)n);
    }
}

bool conn_pump_out(struct conn *c)
{
    while ( c->out_head )
    {
        struct outbuf *o = c->out_head;
        ssize_t n = c->ops->write(c, o->data + o->off, o->len - o->off);

        if ( n < 0 )
            return false;
        if ( !n )
            return true;
        o->off += (uint32_t)n;
        if ( o->off < o->len )
            return true;
        c->out_head = o->next;
        if ( !c->out_head )
            c->out_tail = NULL;
        c->out_bytes -= o->len;
        if ( !o->event )
            c->out_replies--;
        free(o);
    }
    return true;
}

static void enqueue(struct conn *c, uint32_t type, uint32_t req_id,
                    uint32_t tx_id, const void *data, uint32_t len, bool event)
{
    struct xsd_sockmsg h = {type, req_id, tx_id, len};
    struct outbuf *o = xmalloc(sizeof(*o) + sizeof(h) + len);

    trace_msg(event ? "OUT(EVENT)" : "OUT", c->serial, type, req_id, tx_id,
              data, len);
    o->next = NULL;
    o->len = (uint32_t)sizeof(h) + len;
    o->off = 0;
    o->event = event;
    memcpy(o->data, &h, sizeof(h));
    if ( len )
        memcpy(o->data + sizeof(h), data, len);
    if ( c->out_tail )
        c->out_tail->next = o;
    else
        c->out_head = o;
    c->out_tail = o;
    c->out_bytes += o->len;
    if ( !event )
        c->out_replies++;
}

void conn_reply(struct conn *c, uint32_t type, uint32_t req_id, uint32_t tx_id,
                const void *data, uint32_t len)
{
    if ( c->dead )
        return;
    enqueue(c, type, req_id, tx_id, data, len, false);
}

void conn_event(struct conn *c, const char *path, const char *token)
{
    size_t pl = strlen(path) + 1, tl = strlen(token) + 1;
    struct outbuf *o;
    char *buf;

    if ( c->dead || pl + tl > XENSTORE_PAYLOAD_MAX )
        return;
    buf = xmalloc(pl + tl);
    memcpy(buf, path, pl);
    memcpy(buf + pl, token, tl);
    /* As Xen: an identical event still waiting to be sent is enough. */
    for ( o = c->out_head; o; o = o->next )
        if ( o->event && o->off == 0 &&
             o->len == sizeof(struct xsd_sockmsg) + pl + tl &&
             !memcmp(o->data + sizeof(struct xsd_sockmsg), buf, pl + tl) )
        {
            free(buf);
            return;
        }
    enqueue(c, XS_WATCH_EVENT, 0, 0, buf, (uint32_t)(pl + tl), true);
    free(buf);
    /* A client that never reads its events must not grow us forever. */
    if ( c->out_bytes > CONN_MAX_OUTPUT )
    {
        xlog(6, "dropping client %llu: %zu bytes of unread output",
             (unsigned long long)c->serial, c->out_bytes);
        c->dead = true;
    }
}

struct conn_tx *conn_find_tx(struct conn *c, uint32_t id)
{
    uint32_t i;

    for ( i = 0; i < c->ntx; i++ )
        if ( c->tx[i].id == id )
            return &c->tx[i];
    return NULL;
}

void conn_drop_tx(struct conn *c, struct conn_tx *t)
{
    uint32_t i = (uint32_t)(t - c->tx);

    txn_destroy(&t->tx);
    c->tx[i] = c->tx[--c->ntx];
}

static bool can_see(void *owner, const struct xs_perm *p, uint32_t n)
{
    struct conn *c = owner;

    if ( c->who.priv )
        return true;
    return p && (perms_access(&c->who, p, n) & XSP_READ);
}

static void deliver(void *owner, const char *path, const char *token)
{
    conn_event(owner, path, token);
}

void conn_setup_watches(void)
{
    xsd.watches.can_see = can_see;
    xsd.watches.deliver = deliver;
}
