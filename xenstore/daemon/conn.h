/* SPDX-License-Identifier: GPL-2.0-only */
/* A client connection: message framing in, reply queue out, its state. */
#ifndef XSD_CONN_H
#define XSD_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../common/wire.h"

#include "perms.h"
#include "transaction.h"
#include "watch.h"

struct conn;
struct domain;

struct conn_ops {
    /* Bytes read, 0 if none are available now, -errno on failure/EOF. */
    ssize_t (*read)(struct conn *c, void *buf, size_t len);
    /* Bytes written (possibly 0), -errno on failure. */
    ssize_t (*write)(struct conn *c, const void *buf, size_t len);
    void (*destroy)(struct conn *c);
};

struct outbuf {
    struct outbuf *next;
    uint32_t len, off;
    bool event;
    char data[];
};

struct conn_tx {
    uint32_t id;
    struct txn tx;
};

struct conn {
    const struct conn_ops *ops;
    int fd;             /* socket clients; -1 for rings */
    struct domain *dom; /* ring clients */
    struct caller who;
    uint64_t serial;
    /* Input: the message being assembled. */
    struct xsd_sockmsg hdr;
    uint32_t hdr_used, in_used;
    bool in_body;
    char in[XENSTORE_PAYLOAD_MAX + 1];
    /* Socket read-ahead, so one read() can carry many requests. */
    char *rbuf;
    uint32_t rlen, roff;
    /* Output. */
    struct outbuf *out_head, *out_tail;
    size_t out_bytes;
    uint32_t out_replies; /* queued replies: the "outstanding" requests */
    struct watch_list watches;
    struct conn_tx *tx;
    uint32_t ntx, next_txid;
    bool dead;
    bool retired;     /* its domain was released; freed by the main loop */
    bool rtried;      /* a read() was already tried in this poll round */
    bool proto_error; /* closed for breaking the protocol */
    struct conn *prev, *next;
};

struct conn *conn_new(const struct conn_ops *ops, int fd,
                      const struct caller *who);
/* Closes and frees; transactions are dropped, watches removed. */
void conn_free(struct conn *c);
/* Detaches a released domain's connection; the main loop frees it. */
void conn_retire(struct conn *c);
/* Drops watches, transactions and pending output (RESET, reconnect). */
void conn_reset(struct conn *c);

/* Reads what the transport has and handles each complete message. */
void conn_pump_in(struct conn *c);
/* Writes queued output; false if the transport failed. */
bool conn_pump_out(struct conn *c);
/* Whether the connection should be polled for input now. */
bool conn_wants_input(const struct conn *c);

void conn_reply(struct conn *c, uint32_t type, uint32_t req_id, uint32_t tx_id,
                const void *data, uint32_t len);
void conn_event(struct conn *c, const char *path, const char *token);

/* Connects the watch table to connection delivery. */
void conn_setup_watches(void);

/* Feeds raw bytes (from any source) to the framer: fuzzing and tests. */
int conn_feed(struct conn *c, const void *buf, size_t len);

struct conn_tx *conn_find_tx(struct conn *c, uint32_t id);
void conn_drop_tx(struct conn *c, struct conn_tx *t);

extern struct conn *conn_list;
extern uint32_t conn_count;

#endif
