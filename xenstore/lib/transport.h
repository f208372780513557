/* SPDX-License-Identifier: GPL-2.0-only */
/* How the client library moves bytes: a Unix socket or a ring page. */
#ifndef XSL_TRANSPORT_H
#define XSL_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct xenstore_domain_interface;
struct xs_handle;

struct xs_transport {
    /* Sends everything (blocking); 0 or -errno. */
    int (*send)(struct xs_transport *t, const void *buf, size_t len);
    /* Bytes received; 0 only if !block and nothing is there; -errno. */
    ssize_t (*recv)(struct xs_transport *t, void *buf, size_t len, bool block);
    void (*close)(struct xs_transport *t);
    /* Clears a pending wake-up before a non-blocking recv (rings). */
    void (*drain)(struct xs_transport *t);
    int pollfd; /* readable when recv may have bytes */
};

struct xs_transport *xs_transport_socket(const char *path);
struct xs_transport *xs_transport_ring(struct xenstore_domain_interface *intf,
                                       void (*notify)(void *), int wait_fd,
                                       void (*ack)(void *), void *arg,
                                       void (*cleanup)(void *));

/* xs_open_ring() with a function that releases the ring's resources. */
struct xs_handle *xs_open_ring_cleanup(struct xenstore_domain_interface *intf,
                                       void (*notify)(void *), int wait_fd,
                                       void (*ack)(void *), void *arg,
                                       void (*cleanup)(void *));

#endif
