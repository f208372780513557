/* SPDX-License-Identifier: GPL-2.0-only */
/* Byte transfer over the two rings of a xenstore_domain_interface page. */
#ifndef XS_RINGBUF_H
#define XS_RINGBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "wire.h"

/*
 * Each side reads the other's index once, checks it, and publishes its
 * own only after the data: a peer scribbling on the page can make us
 * fail (-EIO), never read or write outside the rings.
 */

/* Server side: requests in, responses out. */
ssize_t ring_srv_read(struct xenstore_domain_interface *intf, void *buf,
                      size_t len);
ssize_t ring_srv_write(struct xenstore_domain_interface *intf, const void *buf,
                       size_t len);
bool ring_srv_can_read(const struct xenstore_domain_interface *intf);

/* Client (guest) side: requests out, responses in. */
ssize_t ring_cli_write(struct xenstore_domain_interface *intf, const void *buf,
                       size_t len);
ssize_t ring_cli_read(struct xenstore_domain_interface *intf, void *buf,
                      size_t len);

#endif
