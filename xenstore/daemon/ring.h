/* SPDX-License-Identifier: GPL-2.0-only */
/* The shared-ring transport: a guest's connection over its ring page. */
#ifndef XSD_RING_H
#define XSD_RING_H

#include <stdint.h>

#include "../common/wire.h"

struct conn;
struct domain;

/* A mapped ring page and the event channel that goes with it. */
struct ring_port {
    struct xenstore_domain_interface *intf;
    int pollfd; /* readable when the guest has signalled us */
    void *priv;
};

/*
 * How ring pages are found and event channels bound: on Xen this is
 * grant mapping plus the event channel device; the host backend uses
 * shared files so guests can be threads or processes on this machine.
 */
struct ring_backend {
    const char *name;
    int (*attach)(struct ring_backend *be, uint32_t domid, uint64_t gfn,
                  uint32_t port, struct ring_port *out);
    void (*detach)(struct ring_backend *be, struct ring_port *p);
    void (*notify)(struct ring_port *p);
    /* Consumes the pending signal so the pollfd goes quiet. */
    void (*ack)(struct ring_port *p);
    void *ctx;
};

extern struct ring_backend *ring_backend;

struct conn *ring_conn_new(struct domain *d);
/* Handles a reconnect request, reads requests and writes replies. */
void ring_service(struct conn *c);

#endif
