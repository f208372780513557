/* SPDX-License-Identifier: GPL-2.0-only */
/* The wire protocol: validating each request and dispatching it. */
#ifndef XSD_PROTO_H
#define XSD_PROTO_H

#include <errno.h>
#include <stdint.h>

#include "../common/wire.h"

struct conn;
struct txn;

/* Handles one complete message; payload has a NUL past its end. */
void proto_handle(struct conn *c, const struct xsd_sockmsg *hdr,
                  const char *payload);
/* The one place a -errno becomes Xen's error string. */
const char *proto_errstr(int err);
/* Sends an ERROR reply for -err. */
void proto_error(struct conn *c, const struct xsd_sockmsg *hdr, int err);
/* Sends a reply, or E2BIG if it would not fit the payload limit. */
void proto_reply(struct conn *c, const struct xsd_sockmsg *hdr,
                 const void *data, uint32_t len);
/* Fires the queued events of a committed transaction. */
void proto_fire_events(struct txn *tx);

#endif
