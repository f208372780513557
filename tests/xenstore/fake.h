/* SPDX-License-Identifier: GPL-2.0-only */
/* An in-process daemon for tests: a store in memory and fake clients. */
#ifndef XS_TEST_FAKE_H
#define XS_TEST_FAKE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "db.h"
#include "proto.h"
#include "state.h"

/* A client whose replies accumulate in a buffer instead of a socket. */
struct fake {
    struct conn *c;
    char out[1 << 20];
    size_t len;
};

static __attribute__((unused)) ssize_t fake_read(struct conn *c, void *buf,
                                                 size_t len)
{
    (void)c;
    (void)buf;
    (void)len;
    return 0;
}

static ssize_t fake_write(struct conn *c, const void *buf, size_t len)
{
    (void)c;
    (void)buf;
    return (ssize_t)len;
}

static const struct conn_ops fake_ops = {fake_read, fake_write, NULL};

/* Starts an empty store (db may be NULL: memory only). */
static __attribute__((unused)) void fake_store(struct db *db)
{
    memset(&xsd, 0, sizeof(xsd));
    xsd.db = db;
    conn_setup_watches();
    if ( state_load() )
        abort();
}

static __attribute__((unused)) struct fake *fake_client(uint32_t domid,
                                                        bool priv)
{
    struct caller who = {domid, priv, -1};
    struct fake *f = calloc(1, sizeof(*f));

    f->c = conn_new(&fake_ops, -1, &who);
    return f;
}

/* Collects everything queued for the client into f->out. */
static __attribute__((unused)) void fake_drain(struct fake *f)
{
    while ( f->c->out_head )
    {
        struct outbuf *o = f->c->out_head;

        if ( f->len + o->len <= sizeof(f->out) )
        {
            memcpy(f->out + f->len, o->data, o->len);
            f->len += o->len;
        }
        f->c->out_head = o->next;
        f->c->out_bytes -= o->len;
        if ( !o->event )
            f->c->out_replies--;
        free(o);
    }
    f->c->out_tail = NULL;
}

/* Pops the next message: returns its type, copies the body (NUL-ended). */
static __attribute__((unused)) int fake_next(struct fake *f,
                                             struct xsd_sockmsg *m, char *body)
{
    fake_drain(f);
    if ( f->len < sizeof(*m) )
        return -1;
    memcpy(m, f->out, sizeof(*m));
    memcpy(body, f->out + sizeof(*m), m->len);
    body[m->len] = 0;
    f->len -= sizeof(*m) + m->len;
    memmove(f->out, f->out + sizeof(*m) + m->len, f->len);
    return (int)m->type;
}

/* Sends a request of NUL-terminated parts given as one buffer. */
static __attribute__((unused)) void fake_send(struct fake *f, uint32_t type,
                                              uint32_t tx, const char *payload,
                                              uint32_t len)
{
    static uint32_t req = 100;
    struct xsd_sockmsg h = {type, ++req, tx, len};
    char buf[sizeof(h) + 8192];

    memcpy(buf, &h, sizeof(h));
    memcpy(buf + sizeof(h), payload, len);
    conn_feed(f->c, buf, sizeof(h) + len);
}

/* Request and reply in one; returns the reply type, body in out. */
static __attribute__((unused)) int fake_call(struct fake *f, uint32_t type,
                                             uint32_t tx, const char *payload,
                                             uint32_t len, char *out,
                                             uint32_t *olen)
{
    struct xsd_sockmsg m;
    int t;

    fake_send(f, type, tx, payload, len);
    do
        t = fake_next(f, &m, out);
    while ( t == XS_WATCH_EVENT );
    if ( olen )
        *olen = t < 0 ? 0 : m.len;
    return t;
}

#endif
